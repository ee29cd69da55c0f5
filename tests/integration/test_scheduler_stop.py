"""Stopping the reminder scheduler: sends in flight finish and are recorded, within a bound."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Config, RemindersConfig
from bot.scheduler import ReminderScheduler
from models.reminders import Delivery, DeliveryState
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock, make_app
from tests.reminder_support import RecordingSender

ADMIN = "telegram:500"
GROUPS = tuple(f"telegram:-1007{n:02d}" for n in range(5))
MEETING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
DAY_BEFORE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def due_now(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """Five bound groups and a meeting whose day-before reminder is due now."""
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    config = Config(reminders=RemindersConfig(digest=None))
    app = await make_app(database_url, clock, demo=False, config=config)
    spec = CoalitionSpec(slug="rem", name="Koalicija", admins=(ADMIN,), chats=GROUPS)
    await app.services.directory.apply_config([spec])
    await app.services.events.create("rem", ADMIN, title="Sestanek", starts_at=MEETING)
    clock.now = DAY_BEFORE
    yield app
    await app.close()


async def deliveries(app: App) -> list[DeliveryState]:
    async with app.database.sessions() as session:
        return list(await session.scalars(select(Delivery.state)))


async def started(app: App, sender: RecordingSender, grace: float) -> ReminderScheduler:
    """A scheduler whose first timed sweep is already sending."""
    scheduler = ReminderScheduler(app, {"telegram": sender}, worker="w", stop_grace=grace)
    await scheduler.start()
    deadline = time.monotonic() + 10
    while DeliveryState.SENDING not in await deliveries(app):
        assert time.monotonic() < deadline, "the sweep never began sending"
        await asyncio.sleep(0.05)
    return scheduler


async def test_a_stop_waits_for_the_sends_in_flight_and_records_them(
    due_now: App, caplog: pytest.LogCaptureFixture
) -> None:
    sender = RecordingSender(delay=1.0)
    scheduler = await started(due_now, sender, grace=20)
    await scheduler.stop()
    assert sorted(chat for chat, _ in sender.sent) == list(GROUPS)
    assert await deliveries(due_now) == [DeliveryState.SENT] * len(GROUPS)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_stop_gives_up_on_sends_that_outlast_the_grace_without_an_error(
    due_now: App, caplog: pytest.LogCaptureFixture
) -> None:
    sender = RecordingSender(delay=30.0)
    scheduler = await started(due_now, sender, grace=0.5)
    stopping = time.monotonic()
    await scheduler.stop()
    assert time.monotonic() - stopping < 3, "bounded by the grace"
    await asyncio.sleep(0.1)  # the cut-off sweep ends
    assert sender.sent == []
    assert await deliveries(due_now) == [DeliveryState.SENDING] * len(GROUPS), "as a crash"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("still being sent" in r.getMessage() for r in caplog.records)


async def test_asked_twice_the_stop_does_not_wait_out_its_grace(
    due_now: App, caplog: pytest.LogCaptureFixture
) -> None:
    sender = RecordingSender(delay=30.0)
    scheduler = await started(due_now, sender, grace=20)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.3)
    assert not stopping.done(), "the first request waits for the sends"
    began = time.monotonic()
    scheduler.hurry()  # a second SIGTERM
    await asyncio.wait_for(stopping, 5)
    assert time.monotonic() - began < 2
    assert any("asked to stop at once" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
