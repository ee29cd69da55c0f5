"""Announcements on real databases, through the reminder rows: a new event once in each bound
chat of its area, in the chat's language, with the RSVP buttons; none when added quietly; a
change of time or place told where the event was told; a cancellation there once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock, make_app
from tests.reminder_support import RecordingSender, scheduler_for
from tests.support import ask

GROUP = "telegram:-100777"
ENGLISH_GROUP = "slack:T1:C1"
SENIORS_GROUP = "telegram:-100778"
ADMIN = "telegram:500"
COORDINATOR = "telegram:501"


@pytest.fixture
async def news_app(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """A coalition with a Slovenian group, an English channel and a group of one area."""
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    app = await make_app(database_url, clock, demo=False)
    await app.services.directory.apply_config(
        [
            CoalitionSpec(
                slug="rem",
                name="Koalicija opomnikov",
                admins=(ADMIN,),
                chats=(GROUP, ENGLISH_GROUP),
                areas={"pametno-mesto": "Pametno mesto", "seniorji": "Seniorji"},
            )
        ]
    )
    await app.services.directory.ensure_role("rem", COORDINATOR, Role.COORDINATOR)
    await app.services.directory.set_chat_locale(ADMIN, ENGLISH_GROUP, "en")
    bound = await ask(
        app, "/povezi rem seniorji", user=ADMIN, chat=SENIORS_GROUP, group=True, coalition=None
    )
    assert not bound.is_error, bound.plain_text()
    yield app
    await app.close()


async def add(app: App, line: str) -> None:
    reply = await ask(app, line, user=COORDINATOR, coalition="rem")
    assert not reply.is_error, reply.plain_text()


async def test_a_new_event_is_announced_once_in_each_chat_of_its_area(news_app: App) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(news_app, sender)
    scheduler.senders = {"telegram": sender, "slack": sender}
    await add(news_app, "/dodajdogodek Pametni pločniki | jutri ob 10h | Velenje | pametno-mesto")
    await add(news_app, "/dodajdogodek Tablice za starejše | jutri ob 11h | | seniorji")
    await scheduler.sweep()
    await scheduler.sweep()  # nothing twice
    assert [t.splitlines()[0] for t in sender.texts(GROUP)] == [
        "Nov dogodek: Pametni pločniki",
        "Nov dogodek: Tablice za starejše",
    ]
    assert [t.splitlines()[0] for t in sender.texts(ENGLISH_GROUP)] == [
        "New event: Pametni pločniki",
        "New event: Tablice za starejše",
    ]
    assert [t.splitlines()[0] for t in sender.texts(SENIORS_GROUP)] == [
        "Nov dogodek: Tablice za starejše"
    ], "a chat of one area hears only of that area"
    english = next(r for c, r in sender.sent if c == ENGLISH_GROUP)
    assert [b.label for b in english.buttons] == ["Going", "Maybe", "Can't"]
    assert "Where: Velenje" in english.plain_text()


async def test_a_quiet_event_is_not_announced_and_its_change_is_silent(
    news_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(news_app, sender)
    await add(news_app, "/dodajdogodek Interni sestanek | 10.12.2026 ob 10h | tiho")
    await scheduler.sweep()
    assert sender.sent == []
    await add(news_app, "/uredidogodek 1 kdaj=11.12.2026 ob 10h")
    clock.now += timedelta(minutes=1)
    await scheduler.sweep()
    assert sender.sent == [], "nobody heard of it: nobody hears of the change"


async def test_a_change_of_time_and_place_is_told_as_a_change_and_a_cancellation_once(
    news_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(news_app, sender)  # only Telegram runs
    await add(news_app, "/dodajdogodek Delavnica | 10.12.2026 ob 10h | Velenje")
    await scheduler.sweep()
    await add(news_app, "/uredidogodek 1 kdaj=11.12.2026 ob 12h kje=Celje")
    await add(news_app, "/uredidogodek 1 opis=Prinesite prenosnik")  # neither time nor place
    clock.now += timedelta(minutes=1)
    await scheduler.sweep()
    [announced, changed] = sender.texts(GROUP)
    assert announced.startswith("Nov dogodek: Delavnica")
    assert changed.startswith("Sprememba: Delavnica")
    assert (
        "Prestavljeno s termina čet., 10. dec. 2026, 10:00 na pet., 11. dec. 2026, 12:00."
        in changed
    ), changed
    assert "Kraj je spremenjen: namesto Velenje bo Celje." in changed
    assert sender.texts(SENIORS_GROUP) == [], "an event of no area is not the seniors' news"
    await add(news_app, "/preklicidogodek 1")
    clock.now += timedelta(minutes=1)
    await scheduler.sweep()
    await scheduler.sweep()
    texts = sender.texts(GROUP)
    assert len(texts) == 3
    assert texts[2].startswith("Preklicano: Delavnica")


async def test_an_announcement_survives_a_restart_and_is_sent_once(
    database_url: str, news_app: App, clock: FakeClock
) -> None:
    await add(news_app, "/dodajdogodek Delavnica | 10.12.2026 ob 10h")
    restarted = await make_app(database_url, clock, demo=False)
    try:
        first, second = RecordingSender(), RecordingSender()
        await scheduler_for(restarted, first, worker="one").sweep()
        await scheduler_for(news_app, second, worker="two").sweep()
        assert len(first.texts(GROUP)) + len(second.texts(GROUP)) == 1
    finally:
        await restarted.close()
