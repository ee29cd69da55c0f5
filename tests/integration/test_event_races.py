"""Writers at the same moment on PostgreSQL: an edit and a cancel of one event take turns (a
cancelled event keeps no pending reminder); writers in two coalitions do not wait on each
other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App
from models.entities import Coalition, Event, EventStatus, Role
from models.freshness import ContentRevision
from models.reminders import Reminder, ReminderKind, ReminderState
from tests.conftest import FakeClock, make_app
from tests.support import as_role, ask

PAIRS = 20


@pytest.fixture
async def postgres_app(postgres_url: str, clock: FakeClock) -> AsyncIterator[App]:
    application = await make_app(postgres_url, clock)
    yield application
    await application.close()


async def test_concurrent_edit_and_cancel_leave_no_reminder_on_a_cancelled_event(
    postgres_app: App,
) -> None:
    app = postgres_app
    editor = await as_role(app, "urednica", Role.COORDINATOR)
    canceller = await as_role(app, "preklicatelj", Role.COORDINATOR)
    ids = []
    for n in range(PAIRS):
        added = await ask(app, f"/addevent Tekma {n} | 20.12.2026 10:00", user=editor)
        assert not added.is_error, added.plain_text()
        page = await app.services.events.upcoming("sasa", limit=200)
        ids.append(next(e.id for e in page.items if e.title == f"Tekma {n}"))

    async def race(event_id: int) -> tuple[str, str, bool, bool]:
        edited, cancelled = await asyncio.gather(
            ask(app, f"/editevent {event_id} when=22.12.2026 12:00", user=editor, locale="en"),
            ask(app, f"/cancelevent {event_id}", user=canceller, locale="en"),
        )
        return edited.plain_text(), cancelled.plain_text(), edited.is_error, cancelled.is_error

    outcomes = await asyncio.gather(*(race(event_id) for event_id in ids))

    async with app.database.sessions() as session:
        for event_id, (edit_text, cancel_text, edit_failed, cancel_failed) in zip(
            ids, outcomes, strict=True
        ):
            status = await session.scalar(select(Event.status).where(Event.id == event_id))
            pending = await session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(
                    Reminder.event_id == event_id,
                    Reminder.state == ReminderState.PENDING,
                    Reminder.kind != ReminderKind.CANCELLATION,
                )
            )
            assert not cancel_failed, cancel_text
            assert status is EventStatus.CANCELLED
            assert pending == 0, (event_id, edit_text, cancel_text)
            if edit_failed:  # the cancel came first: the edit says why it changed nothing
                assert "cancelled and cannot be changed" in edit_text, edit_text


async def test_a_write_waiting_in_one_coalition_does_not_hold_up_another(
    postgres_app: App, postgres_url: str
) -> None:
    """Each coalition counts its changes in its own row: a commit in Ljubljana that waits on
    that row (here: held by another connection) leaves SAŠA's writers alone."""
    app = postgres_app
    sasa = await as_role(app, "sasa-koordinatorka", Role.COORDINATOR)
    ljubljana = await as_role(app, "lj-koordinator", Role.COORDINATOR, coalition="ljubljana")
    first = await ask(app, "/addevent Prvi | jutri 10:00", user=ljubljana, coalition="ljubljana")
    assert not first.is_error, first.plain_text()
    engine = create_async_engine(make_url(postgres_url))
    try:
        async with engine.connect() as holder:
            ljubljana_id = await holder.scalar(
                select(Coalition.id).where(Coalition.slug == "ljubljana")
            )
            await holder.execute(
                select(ContentRevision.revision)
                .where(ContentRevision.coalition_id == ljubljana_id)
                .with_for_update()
            )
            waiting = asyncio.ensure_future(
                ask(app, "/addevent Drugi | jutri 11:00", user=ljubljana, coalition="ljubljana")
            )
            other = await asyncio.wait_for(
                ask(app, "/addevent Tretji | jutri 12:00", user=sasa), timeout=5
            )
            assert not other.is_error, other.plain_text()
            assert not waiting.done(), "Ljubljana's commit waits on its own row"
            await holder.rollback()
        done = await asyncio.wait_for(waiting, timeout=10)
        assert not done.is_error, done.plain_text()
    finally:
        await engine.dispose()
