"""Dates people write, through the dispatcher: saved on the day written, or refused.

The clock stands at Monday 2026-11-23, 10:00 in Ljubljana (09:00 UTC); 1 December is a Tuesday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from handlers.types import Reply
from models.entities import Activity, Event, Role
from tests.support import as_role, ask


def added_id(reply: Reply) -> int:
    assert not reply.is_error, reply.plain_text()
    return int(reply.title.split("#")[1].split()[0])


async def stored_event(app: App, event_id: int) -> Event:
    async with app.database.sessions() as session:
        event = await session.get(Event, event_id)
    assert event is not None
    return event


async def stored_activity(app: App, activity_id: int) -> Activity:
    async with app.database.sessions() as session:
        activity = await session.get(Activity, activity_id)
    assert activity is not None
    return activity


async def dates(app: App) -> tuple[object, ...]:
    """Every stored start, end and due date: a refusal changes none of them."""
    async with app.database.sessions() as session:
        events = (
            await session.execute(
                select(Event.id, Event.starts_at, Event.ends_at, Event.all_day).order_by(Event.id)
            )
        ).all()
        activities = (
            await session.execute(select(Activity.id, Activity.due_on).order_by(Activity.id))
        ).all()
    return tuple(events), tuple(activities)


async def test_addevent_with_day_and_month_without_the_final_dot_saves_that_day(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, "/dodajdogodek Sestanek | 20.12 ob 10h", user=coordinator)
    assert reply.lines[:2] == ("Sestanek", "Kdaj: ned., 20. dec. 2026, 10:00")
    event = await stored_event(app, added_id(reply))
    assert event.starts_at == datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    assert event.all_day is False


async def test_addactivity_due_on_day_and_month_without_the_final_dot(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, "/dodajaktivnost Test | 20.12", user=coordinator)
    assert reply.items[0].title == "ned., 20. dec. 2026 — Test"
    assert (await stored_activity(app, added_id(reply))).due_on == date(2026, 12, 20)


async def test_editevent_to_day_and_month_moves_it_to_that_whole_day(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    assert (await stored_event(any_app, 1)).ends_at is not None  # the demo meeting: two hours
    reply = await ask(any_app, "/uredidogodek 1 kdaj=20.12", user=coordinator)
    assert not reply.is_error, reply.plain_text()
    assert "Kdaj: ned., 20. dec. 2026" in reply.lines
    event = await stored_event(any_app, 1)
    assert event.starts_at == datetime(2026, 12, 19, 23, 0, tzinfo=UTC)  # local midnight
    assert event.all_day is True
    assert event.ends_at is None  # no end at 02:00 on a whole day


@pytest.mark.parametrize(
    ("when", "start", "end"),
    [
        ("jutri od 10h do 12h", datetime(2026, 11, 24, 9, tzinfo=UTC), (2026, 11, 24, 11)),
        ("15. 12. 10:00\u201312:00", datetime(2026, 12, 15, 9, tzinfo=UTC), (2026, 12, 15, 11)),
        ("10-12h", datetime(2026, 11, 23, 9, tzinfo=UTC), (2026, 11, 23, 11)),  # from now
    ],
)
async def test_a_range_saves_the_start_and_the_end(
    any_app: App, when: str, start: datetime, end: tuple[int, int, int, int]
) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    reply = await ask(any_app, f"/dodajdogodek Delavnica | {when}", user=coordinator)
    event = await stored_event(any_app, added_id(reply))
    assert (event.starts_at, event.ends_at) == (start, datetime(*end, tzinfo=UTC))
    assert any(line.startswith("Do: ") and line.endswith(":00") for line in reply.lines)


async def test_editevent_with_a_range_replaces_start_and_end(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    reply = await ask(app, "/editevent 1 when=15. 12. 13:00-17:30", user=coordinator, locale="en")
    assert not reply.is_error, reply.plain_text()
    event = await stored_event(app, 1)
    assert event.starts_at == datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 12, 15, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "slovenian", "english"),
    [
        (
            "/dodajdogodek X | v ponedeljek, 1. 12.",
            "»v ponedeljek, 1. 12.«: tor., 1. dec. 2026 ni ponedeljek.",
            "is not a Monday.",
        ),
        (
            "/dodajdogodek X | 1/4/2027",
            "»1/4/2027« lahko pomeni čet., 1. apr. 2027 ali pon., 4. jan. 2027. "
            "Napišite najprej dan, s pikami: 1. 4. 2027.",
            "Write the day first, with dots: 1. 4. 2027.",
        ),
        (
            "/dodajdogodek X | jutri ob 5",
            "»jutri ob 5« lahko pomeni tor., 24. nov. 2026, 05:00 ali tor., 24. nov. 2026, 17:00. "
            "Uro napišite kot 05:00 ali 17:00.",
            "Write the hour as 05:00 or 17:00.",
        ),
        (
            "/dodajdogodek X | ob 12 zvečer",
            "»ob 12 zvečer« ni jasno: opoldne ali polnoč? Napišite 12:00 ali 0:00.",
            "“ob 12 zvečer” is unclear: noon or midnight? Write 12:00 or 0:00.",
        ),
        (
            "/dodajdogodek X | 17.30",
            "»17.30« ni veljaven datum. Za uro napišite »ob 17:30«.",
            "“17.30” is not a valid date. For a time, write “at 17:30”.",
        ),
        (
            "/dodajdogodek X | jutri od 12h do 10h",
            "»jutri od 12h do 10h«: konec ob 10:00 ni po začetku ob 12:00. "
            "Primer: jutri od 10h do 12h.",
            "Example: tomorrow 10:00-12:00.",
        ),
        (
            "/uredidogodek 1 kdaj=v ponedeljek, 1. 12.",
            "»v ponedeljek, 1. 12.«: tor., 1. dec. 2026 ni ponedeljek.",
            "is not a Monday.",
        ),
        (
            "/dodajaktivnost X | v ponedeljek, 1. 12.",
            "»v ponedeljek, 1. 12.«: tor., 1. dec. 2026 ni ponedeljek.",
            "is not a Monday.",
        ),
    ],
)
async def test_an_unclear_date_is_refused_saying_what_was_understood(
    app: App, line: str, slovenian: str, english: str
) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    before = await dates(app)
    refused = await ask(app, line, user=coordinator, locale="sl")
    assert refused.is_error
    assert refused.lines[0] == slovenian
    assert "00:00" not in refused.lines[0]
    assert "UTC" not in refused.lines[0]
    in_english = await ask(app, line, user=coordinator, locale="en")
    assert in_english.is_error
    assert english in in_english.lines[0]
    assert await dates(app) == before
