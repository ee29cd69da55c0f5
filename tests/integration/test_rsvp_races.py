"""Many answers to one event at the same moment: never more places taken than the capacity,
everyone else in line exactly once and in order, on SQLite and PostgreSQL, from one process
with a pool of sessions, from two engines, and from two processes."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from bot.app import App
from models.entities import Role
from models.rsvp import Attendance, Rsvp, RsvpState
from tests.conftest import FakeClock, make_app
from tests.support import as_role, ask

PEOPLE = 200
PLACES = 30
POOL = 10
"""Connections an engine keeps (models/database.py)."""
ROOT = Path(__file__).resolve().parents[2]


async def full_event(app: App) -> int:
    coordinator = await as_role(app, "koordinatorka", Role.COORDINATOR)
    added = await ask(app, "/addevent Hackathon | 20.12.2026 10:00", user=coordinator)
    assert not added.is_error, added.plain_text()
    page = await app.services.events.upcoming("sasa", limit=200)
    event_id = next(e.id for e in page.items if e.title == "Hackathon")
    places = await ask(app, f"/editevent {event_id} capacity={PLACES}", user=coordinator)
    assert not places.is_error, places.plain_text()
    return event_id


async def check(app: App, event_id: int, people: int, places: int) -> None:
    """The counts agree with the rows; the line holds everyone else once, numbered 1, 2, …"""
    async with app.database.sessions() as session:
        attendance = await session.get_one(Attendance, event_id)
        states = dict(
            (
                await session.execute(
                    select(Rsvp.state, func.count())
                    .where(Rsvp.event_id == event_id)
                    .group_by(Rsvp.state)
                )
            ).all()
        )
        positions = list(
            await session.scalars(
                select(Rsvp.position)
                .where(Rsvp.event_id == event_id, Rsvp.state == RsvpState.WAITING)
                .order_by(Rsvp.position)
            )
        )
    assert attendance.places == attendance.going == states.get(RsvpState.GOING, 0) == places
    assert attendance.waiting == states.get(RsvpState.WAITING, 0) == people - places
    assert len(set(positions)) == len(positions) == people - places


async def open_pool(app: App) -> None:
    """The engine's pool of connections opened, so that the answers below use them rather
    than all opening new ones at the same moment."""
    async with asyncio.TaskGroup() as sessions:
        for _ in range(POOL):
            sessions.create_task(_touch(app))


async def _touch(app: App) -> None:
    async with app.database.sessions() as session:
        await session.execute(select(1))
        await asyncio.sleep(0.05)


async def answer_all(app: App, event_id: int, users: Sequence[str], answer: str) -> None:
    replies = await asyncio.gather(
        *(ask(app, f"/rsvp {event_id} {answer}", user=user, locale="en") for user in users)
    )
    failed = [r.plain_text() for r in replies if r.is_error]
    assert not failed, failed[:3]


async def test_200_answers_at_once_for_30_places(database_url: str, clock: FakeClock) -> None:
    app = await make_app(database_url, clock)
    try:
        event_id = await full_event(app)
        users = [f"console:oseba{n}" for n in range(PEOPLE)]
        await answer_all(app, event_id, users, "yes")
        await check(app, event_id, PEOPLE, PLACES)
        # twenty going give up their places while twenty more arrive: the places go to the
        # first twenty in line, never to the newcomers, and never one too many
        async with app.database.sessions() as session:
            going = list(
                await session.scalars(
                    select(Rsvp.identity).where(
                        Rsvp.event_id == event_id, Rsvp.state == RsvpState.GOING
                    )
                )
            )
            first_in_line = list(
                await session.scalars(
                    select(Rsvp.identity)
                    .where(Rsvp.event_id == event_id, Rsvp.state == RsvpState.WAITING)
                    .order_by(Rsvp.position)
                    .limit(20)
                )
            )
        newcomers = [f"console:novi{n}" for n in range(20)]
        await asyncio.gather(
            answer_all(app, event_id, going[:20], "no"),
            answer_all(app, event_id, newcomers, "yes"),
        )
        async with app.database.sessions() as session:
            now_going = set(
                await session.scalars(
                    select(Rsvp.identity).where(
                        Rsvp.event_id == event_id, Rsvp.state == RsvpState.GOING
                    )
                )
            )
            attendance = await session.get_one(Attendance, event_id)
        assert set(first_in_line) <= now_going
        assert not now_going & set(newcomers)
        assert len(now_going) == attendance.places == PLACES
        assert attendance.waiting == PEOPLE - PLACES  # 20 moved up, 20 new at the end
    finally:
        await app.close()


async def test_two_engines_answering_at_once_share_the_places(
    postgres_url: str, clock: FakeClock
) -> None:
    first = await make_app(postgres_url, clock)
    second = await make_app(postgres_url, clock, demo=False)
    try:
        event_id = await full_event(first)
        half = PEOPLE // 2
        await asyncio.gather(open_pool(first), open_pool(second))
        await asyncio.gather(
            answer_all(first, event_id, [f"console:a{n}" for n in range(half)], "yes"),
            answer_all(second, event_id, [f"console:b{n}" for n in range(half)], "yes"),
        )
        await check(first, event_id, PEOPLE, PLACES)
    finally:
        await first.close()
        await second.close()


RACER = textwrap.dedent(
    """
    import asyncio, sys
    from models.database import Database
    from models.services.rsvp import Answer, RsvpService

    async def main(url, event_id, prefix, count):
        database = Database.connect(url)
        service = RsvpService(database.sessions)
        await asyncio.gather(*(
            service.answer("sasa", event_id, f"console:{prefix}{n}", Answer.YES)
            for n in range(count)
        ))
        await database.dispose()

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
    """
)


async def test_two_processes_answering_at_once_share_the_places(
    postgres_url: str, clock: FakeClock
) -> None:
    app = await make_app(postgres_url, clock)
    try:
        event_id = await full_event(app)
        racers = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                RACER,
                postgres_url,
                str(event_id),
                prefix,
                "100",
                cwd=ROOT,
                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            )
            for prefix in ("p", "q")
        ]
        for racer in racers:
            assert await asyncio.wait_for(racer.wait(), 120) == 0
        await check(app, event_id, PEOPLE, PLACES)
    finally:
        await app.close()
