"""Reminders and digests on real databases, with the clock moved by hand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from models.entities import Coalition, Event, Role
from models.reminders import Reminder
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock, make_app
from tests.reminder_support import RecordingSender, scheduler_for
from tests.support import ask

GROUP = "telegram:-100777"
ENGLISH_GROUP = "slack:T1:C1"
COORDINATOR = "telegram:501"


@pytest.fixture
async def rem_app(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """A coalition with one Slovenian Telegram group, one English Slack channel, no demo."""
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Ljubljana
    app = await make_app(database_url, clock, demo=False)
    await app.services.directory.apply_config(
        [
            CoalitionSpec(
                slug="rem",
                name="Koalicija opomnikov",
                admins=("telegram:500",),
                chats=(GROUP, ENGLISH_GROUP),
                areas={"pametno-mesto": "Pametno mesto", "seniorji": "Seniorji"},
            )
        ]
    )
    await app.services.directory.ensure_role("rem", COORDINATOR, Role.COORDINATOR)
    await app.services.directory.set_chat_locale("telegram:500", ENGLISH_GROUP, "en")
    yield app
    await app.close()


async def add(app: App, line: str) -> None:
    """A coordinator's command; events are added quietly (`| tiho`): these tests count
    reminders, and announcements have tests of their own (test_announcements.py)."""
    if line.startswith("/addevent"):
        line += " | tiho"
    reply = await ask(app, line, user=COORDINATOR, coalition="rem")
    assert not reply.is_error, reply.plain_text()


async def test_event_reminders_reach_every_bound_chat_once_in_its_language(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    senders = {"telegram": sender, "slack": sender}
    scheduler = scheduler_for(rem_app, sender)
    scheduler.senders = senders
    await add(rem_app, "/addevent Sestanek koordinatorjev | jutri ob 10h | Velenje")

    clock.now = datetime(2026, 11, 23, 8, 59, tzinfo=UTC)
    assert await scheduler.sweep() == 0, "nothing is due a minute early"
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    await scheduler.sweep()
    slovenian, english = sender.texts(GROUP), sender.texts(ENGLISH_GROUP)
    assert len(slovenian) == 1
    assert len(english) == 1
    assert "Opomnik: Sestanek koordinatorjev" in slovenian[0]
    assert "Začne se jutri." in slovenian[0]
    assert "Kje: Velenje" in slovenian[0]
    assert "Reminder: Sestanek koordinatorjev" in english[0]
    assert "Starts tomorrow." in english[0]

    clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 local, one hour before
    await scheduler.sweep()
    assert "čez 1 uro" in sender.texts(GROUP)[-1]
    assert len(sender.sent) == 4


async def test_area_filter_and_personal_subscriptions(rem_app: App, clock: FakeClock) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(rem_app, sender)
    subscriber = "telegram:777"
    reply = await ask(rem_app, "/narocisi seniorji", user=subscriber, coalition="rem")
    assert not reply.is_error, reply.plain_text()
    assert reply.title == "Tu boste prejemali opomnike področja »Seniorji« — Koalicija opomnikov"
    assert reply.lines == ("Ustavite jih z ukazom /odjava.",)
    english = await ask(rem_app, "/subscribe", user=subscriber, coalition="rem", locale="en")
    assert english.title == "You will get the coalition's reminders here — Koalicija opomnikov"
    assert english.lines == ("Stop them with /unsubscribe.",)
    await ask(rem_app, "/narocisi seniorji", user=subscriber, coalition="rem")
    await add(rem_app, "/addevent Pametni pločniki | jutri ob 10h | | pametno-mesto")
    await add(rem_app, "/addevent Seniorji in tablice | jutri ob 11h | | seniorji")
    clock.now += timedelta(hours=2)
    await scheduler.sweep()
    personal = sender.texts(subscriber)
    assert len(personal) == 1
    assert "Seniorji in tablice" in personal[0]
    await ask(rem_app, "/odjava", user=subscriber, coalition="rem")
    clock.now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    await scheduler.sweep()
    assert len(sender.texts(subscriber)) == 1, "no reminders after /odjava"


async def test_subscribe_in_a_group_explains_instead(rem_app: App) -> None:
    reply = await ask(
        rem_app, "/subscribe", user="telegram:9", chat=GROUP, group=True, coalition=None
    )
    assert reply.is_error
    assert "zasebn" in reply.plain_text()


async def test_deadline_reminders_seven_days_one_day_and_on_the_day_at_nine(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(rem_app, sender)
    await add(rem_app, "/addactivity Oddaja poročila | 4.12.2026")
    seen: list[datetime] = []
    for day in range(24, 32 + 5):
        for hour in (7, 8, 9):
            clock.now = datetime(2026, 11, 1, hour, 0, tzinfo=UTC) + timedelta(days=day - 1)
            if await scheduler.sweep():
                seen.append(clock.now)
    local = [moment.astimezone(ZoneInfo("Europe/Ljubljana")) for moment in seen]
    assert [(m.day, m.hour) for m in local] == [(27, 9), (3, 9), (4, 9)]
    texts = sender.texts(GROUP)
    assert "Rok: Oddaja poročila" in texts[0]
    assert "čez 7 dni" in texts[0]
    assert "Rok: pet., 4. dec. 2026, jutri." in texts[1]
    assert "Rok: pet., 4. dec. 2026, danes." in texts[2]


async def test_weekly_digest_on_monday_at_eight_local(rem_app: App, clock: FakeClock) -> None:
    sender = RecordingSender(name="telegram")
    scheduler = scheduler_for(rem_app, sender)
    scheduler.senders = {"telegram": sender, "slack": sender}
    await add(rem_app, "/addevent Delavnica | 26.11.2026 ob 10h | Velenje")
    await add(rem_app, "/addactivity Poročilo | 3.12.2026")
    await rem_app.services.reminders.ensure_digests()
    clock.now = datetime(2026, 11, 30, 6, 59, tzinfo=UTC)
    before = len(sender.texts(GROUP))
    clock.now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Ljubljana
    await scheduler.sweep()
    digests = [t for t in sender.texts(GROUP)[before:] if t.startswith("Ta teden")]
    assert len(digests) == 1
    assert "Poročilo" in digests[0]
    assert digests[0].startswith("Ta teden — ")
    assert any(t.startswith("This week — ") for t in sender.texts(ENGLISH_GROUP))
    pending = await rem_app.services.reminders.next_due_times()
    assert datetime(2026, 12, 7, 7, 0, tzinfo=UTC) in pending, "the next digest is planned"


async def test_moving_an_event_reschedules_without_repeating_what_was_sent(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(rem_app, sender)
    await add(rem_app, "/addevent Sestanek | 25.11.2026 ob 10h")
    event_id = 1  # the coalition's first event
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # the 1-day reminder is due
    await scheduler.sweep()
    assert len(sender.texts(GROUP)) == 1
    # a small move: the 1-day reminder already went out and is not repeated; the chat it
    # went to is told of the change, once
    await add(rem_app, f"/editevent {event_id} when=25.11.2026 ob 11h")
    clock.now = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    await scheduler.sweep()
    [reminded, changed] = sender.texts(GROUP)
    assert reminded.startswith("Opomnik: Sestanek")
    assert changed.startswith("Sprememba: Sestanek")
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 10:00 local, an hour before 11:00
    await scheduler.sweep()
    assert len(sender.texts(GROUP)) == 3
    assert "11:00" in sender.texts(GROUP)[-1]


async def test_moving_an_event_far_ahead_reminds_again(rem_app: App, clock: FakeClock) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(rem_app, sender)
    await add(rem_app, "/addevent Sestanek | 25.11.2026 ob 10h")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    await add(rem_app, "/editevent 1 when=2.12.2026 ob 10h")
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    texts = sender.texts(GROUP)
    assert len(texts) == 2
    assert "2. dec. 2026" in texts[1]


async def test_cancelling_drops_reminders_and_tells_only_the_chats_reminded(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(rem_app, sender)  # only Telegram runs: the Slack channel waits
    await add(rem_app, "/addevent Sestanek | 25.11.2026 ob 10h")
    await add(rem_app, "/addevent Drugi sestanek | 26.11.2026 ob 10h")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    await add(rem_app, "/cancelevent 1")
    await add(rem_app, "/cancelevent 2")  # nobody was reminded of it yet: no notice
    clock.now += timedelta(minutes=1)
    await scheduler.sweep()
    clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    texts = sender.texts(GROUP)
    assert len(texts) == 2
    assert texts[1].startswith("Preklicano: Sestanek")
    assert "Dogodek, načrtovan za sre., 25. nov. 2026, 10:00, odpade." in texts[1]


async def test_after_downtime_a_due_reminder_is_sent_once_late_with_the_real_time_left(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    await add(rem_app, "/addevent Sestanek | 25.11.2026 ob 10h")
    clock.now = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 4 hours late, within the grace
    restarted = scheduler_for(rem_app, sender, worker="after-restart")
    await restarted.sweep()
    await restarted.sweep()
    texts = sender.texts(GROUP)
    assert len(texts) == 1
    assert "čez 20 ur" in texts[0]


async def test_a_reminder_whose_event_is_past_is_skipped_and_counted(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    await add(rem_app, "/addevent Sestanek | 23.11.2026 ob 12h")
    clock.now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the event began an hour ago
    await scheduler_for(rem_app, sender).sweep()
    assert sender.sent == []
    status = await ask(rem_app, "/status", user="telegram:500", coalition="rem")
    assert status.title == "Opomniki, zadnjih 7 dni — Koalicija opomnikov"
    assert "Izpuščeni (prepozno): 1" in status.plain_text()
    english = await ask(rem_app, "/status", user="telegram:500", coalition="rem", locale="en")
    assert english.title == "Reminders, last 7 days — Koalicija opomnikov"


async def test_failures_are_retried_with_backoff_then_marked_failed(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    sender.transient_failures[GROUP] = 2
    scheduler = scheduler_for(rem_app, sender)
    scheduler.senders = {"telegram": sender, "slack": sender}
    await add(rem_app, "/addevent Sestanek | 25.11.2026 ob 10h")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    assert sender.texts(GROUP) == []
    clock.now += timedelta(seconds=29)
    await scheduler.sweep()
    assert sender.texts(GROUP) == [], "waits out the backoff"
    clock.now += timedelta(seconds=1)
    await scheduler.sweep()
    clock.now += timedelta(minutes=1)
    await scheduler.sweep()
    assert len(sender.texts(GROUP)) == 1

    sender.transient_failures[GROUP] = 100
    await add(rem_app, "/addevent Drugi | 26.11.2026 ob 10h")
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    for _ in range(10):
        await scheduler.sweep()
        clock.now += timedelta(minutes=10)
    status = await ask(rem_app, "/status", user="telegram:500", coalition="rem")
    assert "Neuspešni: 1" in status.plain_text()


async def test_a_blocked_chat_is_not_retried_and_stops_getting_reminders(
    rem_app: App, clock: FakeClock
) -> None:
    sender = RecordingSender()
    sender.blocked.add(GROUP)
    scheduler = scheduler_for(rem_app, sender)
    await add(rem_app, "/addevent Sestanek | 25.11.2026 ob 10h")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await scheduler.sweep()
    sender.blocked.clear()
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    await scheduler.sweep()
    assert sender.texts(GROUP) == [], "the chat was marked inactive"


@pytest.mark.parametrize(
    ("meeting", "reminded_utc"),
    [
        ("29.3.2027 ob 9h", datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),  # day after spring DST
        ("1.11.2027 ob 9h", datetime(2027, 10, 31, 8, 0, tzinfo=UTC)),  # day after autumn DST
    ],
)
async def test_the_day_before_reminder_is_at_the_same_local_time_across_dst(
    rem_app: App, clock: FakeClock, meeting: str, reminded_utc: datetime
) -> None:
    sender = RecordingSender()
    scheduler = scheduler_for(rem_app, sender)
    clock.now = (
        datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
        if "3.2027" in meeting
        else datetime(2027, 10, 25, 12, 0, tzinfo=UTC)
    )
    await add(rem_app, f"/addevent Sestanek | {meeting}")
    clock.now = reminded_utc - timedelta(minutes=1)
    await scheduler.sweep()
    assert sender.sent == []
    clock.now = reminded_utc
    await scheduler.sweep()
    assert len(sender.texts(GROUP)) == 1
    assert "09:00" in sender.texts(GROUP)[0]
    assert "jutri" in sender.texts(GROUP)[0]


async def test_restart_between_planning_and_due_time_sends_once(
    database_url: str, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    first = await make_app(database_url, clock, demo=False)
    await first.services.directory.apply_config(
        [CoalitionSpec(slug="rem", name="R", admins=(COORDINATOR,), chats=(GROUP,))]
    )
    await add(first, "/addevent Sestanek | jutri ob 10h")
    await first.close()
    sender = RecordingSender()
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    second = await make_app(database_url, clock, demo=False)
    for worker in ("a", "b"):
        await scheduler_for(second, sender, worker).sweep()
    await second.close()
    assert len(sender.texts(GROUP)) == 1


async def test_two_schedulers_on_one_postgresql_deliver_500_reminders_exactly_once(
    postgres_url: str, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    chats = tuple(f"telegram:-{1000 + n}" for n in range(50))
    setup = await make_app(postgres_url, clock, demo=False)
    await setup.services.directory.apply_config(
        [CoalitionSpec(slug="rem", name="R", admins=(COORDINATOR,), chats=chats)]
    )
    for n in range(10):
        await add(setup, f"/addevent Sestanek {n} | 25.11.2026 ob {8 + n}h")
    clock.now = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # every 1-day reminder is due
    first, second = setup, await make_app(postgres_url, clock, demo=False)
    sender = RecordingSender(delay=0.02)
    schedulers = [scheduler_for(first, sender, "one"), scheduler_for(second, sender, "two")]
    for scheduler in schedulers:
        scheduler.batch = 2
    handled = await asyncio.gather(*(s.sweep() for s in schedulers))
    await second.close()
    await first.close()
    assert sum(handled) == 10
    assert all(handled), "both processes took part"
    assert len(sender.sent) == 500
    assert len({(chat, reply.title) for chat, reply in sender.sent}) == 500


async def imported_events(app: App, count: int, now: datetime) -> None:
    """Events written straight into the database, as an import does: no reminders yet."""
    async with app.database.sessions.begin() as session:
        coalition = await session.scalar(select(Coalition).where(Coalition.slug == "rem"))
        assert coalition is not None
        session.add_all(
            Event(
                coalition_id=coalition.id,
                title=f"Uvožen dogodek {n}",
                starts_at=now + timedelta(days=2, hours=n),
            )
            for n in range(count)
        )


async def reminded_events(app: App) -> int:
    async with app.database.sessions() as session:
        counted = select(func.count(func.distinct(Reminder.event_id)))
        return await session.scalar(counted) or 0


async def test_imported_events_are_planned_step_by_step_and_a_stop_keeps_each_step(
    rem_app: App, clock: FakeClock
) -> None:
    await imported_events(rem_app, 23, clock.now)
    reminders = rem_app.services.reminders
    due = await reminders.plan_missing(batch=5)
    assert await reminded_events(rem_app) == 23
    assert len(due) == 23 * len(reminders.policy.event_offsets)
    assert await reminders.plan_missing(batch=5) == [], "nothing is planned twice"

    await imported_events(rem_app, 40, clock.now + timedelta(days=10))
    scheduler = scheduler_for(rem_app, RecordingSender())
    await scheduler.start()
    await scheduler.stop()  # at once, while it may still be planning
    await reminders.plan_missing(batch=7)
    assert await reminded_events(rem_app) == 63
