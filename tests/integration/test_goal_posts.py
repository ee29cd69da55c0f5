"""The goals' automatic posts on SQLite and PostgreSQL, the clock moved by hand: the progress
review and the year's verdict in each bound chat's language, the nudge to coordinators after
90 days without a check-in, the digest's lines on indicators behind; each once per chat,
across schedulers, and the next one planned."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Config, GoalsConfig, RemindersConfig
from models.entities import Role
from models.reminders import Reminder, ReminderKind, ReminderState
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock, make_app
from tests.reminder_support import RecordingSender, scheduler_for
from tests.support import ask

GROUP = "telegram:-100777"
ENGLISH_GROUP = "telegram:-100999"
AREA_GROUP = "telegram:-100888"
COORDINATOR = "telegram:501"
ENGLISH_ADMIN = "telegram:500"
JUNE_20 = datetime(2026, 6, 20, 8, 0, tzinfo=UTC)  # Saturday 10:00 in Ljubljana
REVIEW_DUE = datetime(2026, 7, 6, 7, 0, tzinfo=UTC)  # the first Monday of July, 09:00
NEXT_REVIEW = datetime(2026, 10, 5, 7, 0, tzinfo=UTC)
VERDICT_DUE = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # 1 and 2 January, a weekend: Monday
NUDGE_DUE = datetime(2026, 9, 18, 7, 0, tzinfo=UTC)  # 90 days after 20 June, 09:00


async def goals_app(url: str, clock: FakeClock, goals: GoalsConfig | None = None) -> App:
    """A coalition with a Slovenian group, an English group and a group of one area; a
    Slovenian coordinator and an English admin."""
    clock.now = JUNE_20
    config = Config(reminders=RemindersConfig(digest="mon 08:00"), goals=goals or GoalsConfig())
    app = await make_app(url, clock, demo=False, config=config)
    await app.services.directory.apply_config(
        [
            CoalitionSpec(
                slug="rem",
                name="Koalicija opomnikov",
                admins=(ENGLISH_ADMIN,),
                chats=(GROUP, ENGLISH_GROUP, AREA_GROUP),
                areas={"seniorji": "Seniorji"},
            )
        ]
    )
    await app.services.directory.ensure_role("rem", COORDINATOR, Role.COORDINATOR)
    await app.services.directory.set_chat_locale(ENGLISH_ADMIN, ENGLISH_GROUP, "en")
    await app.services.directory.bind_chat(ENGLISH_ADMIN, AREA_GROUP, "rem", area="seniorji")
    await app.services.directory.set_user_locale(ENGLISH_ADMIN, "en")
    return app


@pytest.fixture
async def goals_rem(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    app = await goals_app(database_url, clock)
    yield app
    await app.close()


async def coordinator(app: App, line: str) -> str:
    reply = await ask(app, line, user=COORDINATOR, coalition="rem", locale="sl")
    assert not reply.is_error, reply.plain_text()
    return reply.plain_text()


async def two_indicators(app: App) -> None:
    """Applications (1 of 3 so far: behind by July) and a signed agreement (achieved)."""
    await coordinator(app, "/dodajcilj Digitalni ekosistem")
    await coordinator(app, "/dodajkazalnik 1 | Oddane prijave | 3 prijave | letno")
    await coordinator(app, "/dodajkazalnik 1 | Podpisan sporazum | 1 | letno")
    await coordinator(app, "/vpisi 1 1 | prva prijava")
    await coordinator(app, "/vpisi 2 1")


async def posts(app: App, kind: ReminderKind) -> list[tuple[datetime, ReminderState]]:
    async with app.database.sessions() as session:
        rows = await session.execute(
            select(Reminder.due_at, Reminder.state)
            .where(Reminder.kind == kind)
            .order_by(Reminder.due_at)
        )
        return [(due, state) for due, state in rows]


async def test_the_review_names_what_is_behind_and_what_brings_it_back_in_each_language(
    goals_rem: App, clock: FakeClock
) -> None:
    await two_indicators(goals_rem)
    assert await posts(goals_rem, ReminderKind.REVIEW) == [(REVIEW_DUE, ReminderState.PENDING)]
    sender = RecordingSender()
    clock.now = REVIEW_DUE
    await scheduler_for(goals_rem, sender).sweep()
    await scheduler_for(goals_rem, sender).sweep()
    await scheduler_for(goals_rem, sender, worker="another").sweep()

    [slovenian] = [t for t in sender.texts(GROUP) if t.startswith("Pregled ciljev")]
    assert "Pregled ciljev — Koalicija opomnikov" in slovenian
    assert "Doseženih ali na dobri poti: 1 od 2 kazalnikov." in slovenian
    assert "1 kazalnik zaostaja:" in slovenian
    assert "#1 Oddane prijave: doslej 1 / 3 prijave; do 31. 12. 2026 še 2" in slovenian
    assert "Podpisan sporazum" not in slovenian, "only what is behind"
    [english] = [t for t in sender.texts(ENGLISH_GROUP) if t.startswith("Goals review")]
    assert "1 of 3 applications so far; 2 more by 31 Dec 2026" in english
    assert "1 indicator is behind pace:" in english
    assert not sender.texts(AREA_GROUP), "a chat of one area hears of that area's goals only"
    assert not sender.texts(COORDINATOR), "the review goes to the bound chats"
    assert await posts(goals_rem, ReminderKind.REVIEW) == [
        (REVIEW_DUE, ReminderState.SENT),
        (NEXT_REVIEW, ReminderState.PENDING),
    ]


async def test_the_verdict_on_the_first_working_day_of_january_judges_the_year_ended(
    goals_rem: App, clock: FakeClock
) -> None:
    await two_indicators(goals_rem)
    assert await posts(goals_rem, ReminderKind.VERDICT) == [(VERDICT_DUE, ReminderState.PENDING)]
    sender = RecordingSender()
    clock.now = VERDICT_DUE
    await scheduler_for(goals_rem, sender).sweep()
    await scheduler_for(goals_rem, sender, worker="another").sweep()

    [slovenian] = [t for t in sender.texts(GROUP) if t.startswith("Leto 2026")]
    assert "Digitalni ekosistem" in slovenian
    assert "2026: doseženo 1 od 2 kazalnikov — cilj je delno dosežen" in slovenian
    [english] = [t for t in sender.texts(ENGLISH_GROUP) if t.startswith("The year 2026")]
    assert "2026: 1 of 2 indicators achieved — goal partially achieved" in english
    assert "Each goal in full: /goal ID 2026." in english
    assert (await posts(goals_rem, ReminderKind.VERDICT))[-1] == (
        datetime(2028, 1, 3, 8, 0, tzinfo=UTC),
        ReminderState.PENDING,
    )


async def test_a_manual_indicator_silent_for_90_days_nudges_each_coordinator_privately_once(
    goals_rem: App, clock: FakeClock
) -> None:
    await coordinator(goals_rem, "/dodajcilj Digitalni ekosistem")
    await coordinator(goals_rem, "/dodajkazalnik 1 | Delujoč živi laboratorij | 1 | letno")
    await coordinator(goals_rem, "/dodajkazalnik 1 | Srečanja | 4 | letno | dogodki")
    assert await posts(goals_rem, ReminderKind.NUDGE) == [(NUDGE_DUE, ReminderState.PENDING)]
    sender = RecordingSender()
    clock.now = NUDGE_DUE.replace(hour=6, minute=59)
    await scheduler_for(goals_rem, sender).sweep()
    assert not sender.sent, "nothing a minute early"
    clock.now = NUDGE_DUE
    await scheduler_for(goals_rem, sender).sweep()
    await scheduler_for(goals_rem, sender, worker="another").sweep()

    [slovenian] = sender.texts(COORDINATOR)
    assert slovenian.startswith("Čas za vpis: Delujoč živi laboratorij")
    assert "Za ta kazalnik koalicije Koalicija opomnikov že 90 dni ni nobenega vpisa." in slovenian
    assert "Vrednost še ni bila vpisana." in slovenian
    assert "Trenutno vrednost vpišete z /vpisi 1 VREDNOST" in slovenian
    [english] = sender.texts(ENGLISH_ADMIN)
    assert "Nothing has been recorded for this indicator of Koalicija opomnikov for 90 days." in (
        english
    )
    assert "Record the current value: /record 1 VALUE" in english
    assert not sender.texts(GROUP), "a nudge is private"
    nudges = await posts(goals_rem, ReminderKind.NUDGE)
    assert nudges == [
        (NUDGE_DUE, ReminderState.SENT),
        (datetime(2026, 12, 17, 8, 0, tzinfo=UTC), ReminderState.PENDING),  # 90 days on
    ]


async def test_a_check_in_moves_the_nudge_and_one_in_the_meantime_silences_it(
    goals_rem: App, clock: FakeClock
) -> None:
    await coordinator(goals_rem, "/dodajcilj Digitalni ekosistem")
    await coordinator(goals_rem, "/dodajkazalnik 1 | Delujoč živi laboratorij | 1 | letno")
    clock.now = datetime(2026, 8, 1, 10, 0, tzinfo=UTC)
    await coordinator(goals_rem, "/vpisi 1 0 | v pripravi")
    assert await posts(goals_rem, ReminderKind.NUDGE) == [
        (datetime(2026, 10, 30, 8, 0, tzinfo=UTC), ReminderState.PENDING)  # 90 days on, CET
    ]
    sender = RecordingSender()
    clock.now = NUDGE_DUE
    await scheduler_for(goals_rem, sender).sweep()
    assert not sender.sent, "the check-in moved it"


async def test_the_digest_has_a_line_for_each_indicator_behind(
    goals_rem: App, clock: FakeClock
) -> None:
    await two_indicators(goals_rem)
    await goals_rem.services.reminders.ensure_digests()
    sender = RecordingSender()
    clock.now = datetime(2026, 6, 22, 6, 0, tzinfo=UTC)  # Monday 08:00 in Ljubljana
    await scheduler_for(goals_rem, sender).sweep()
    [digest] = [t for t in sender.texts(GROUP) if t.startswith("Ta teden")]
    assert "Kazalniki, ki zaostajajo (1)" in digest, digest
    assert "#1 Oddane prijave: doslej 1 / 3 prijave; do 31. 12. 2026 še 2" in digest
    [english] = [t for t in sender.texts(ENGLISH_GROUP) if t.startswith("This week")]
    assert "Indicators behind pace (1)" in english
    [area] = [t for t in sender.texts(AREA_GROUP) if t.startswith("Ta teden")]
    assert "zaostajajo" not in area, "not of its area"


async def test_posts_turned_off_are_not_planned_and_waiting_ones_go(
    database_url: str, clock: FakeClock
) -> None:
    app = await goals_app(database_url, clock)
    try:
        await two_indicators(app)
        assert await posts(app, ReminderKind.REVIEW)
    finally:
        await app.close()
    clock.now = REVIEW_DUE.replace(hour=8)  # down across the review's time, and turned off
    off = GoalsConfig(review=None, verdict=None, nudge=None)
    restarted = await make_app(database_url, clock, demo=False, config=replace(Config(), goals=off))
    try:
        await restarted.services.reminders.ensure_goal_posts()
        for kind in (ReminderKind.REVIEW, ReminderKind.VERDICT, ReminderKind.NUDGE):
            assert await posts(restarted, kind) == [], kind
        await coordinator(restarted, "/dodajkazalnik 1 | Še eden | 2 | letno")
        assert await posts(restarted, ReminderKind.NUDGE) == []
    finally:
        await restarted.close()


async def test_planning_at_start_again_writes_nothing_new(goals_rem: App, clock: FakeClock) -> None:
    await two_indicators(goals_rem)
    before = {kind: await posts(goals_rem, kind) for kind in ReminderKind}
    assert await goals_rem.services.reminders.ensure_goal_posts() == []
    after = {kind: await posts(goals_rem, kind) for kind in ReminderKind}
    assert after == before
