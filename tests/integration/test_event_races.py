"""An edit and a cancel of one event at the same moment: they take turns, and a cancelled
event keeps no pending reminder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import App
from models.entities import Event, EventStatus, Role
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
