"""A normal stop (SIGTERM) of `coalition-bot run` in the middle of a reminder fan-out.

The stop claims nothing more, lets the sends in flight finish and records them, then exits:
after a restart every destination has the reminder exactly once, and no delivery is left
`sending`. (Only SIGKILL can repeat sends: test_reminder_processes.py.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from models.reminders import DeliveryState, ReminderState
from tests.reliability.reminder_platforms import (  # noqa: F401 (fixtures)
    BotProcess,
    SlowBotApi,
    bot_api,
    bot_config,
    planner_on,
    reminder_rows,
    seed,
    wait_until,
)

GROUPS = 52
LATENCY = 3.0
DUE_IN = 8
"""Seconds from seeding to the due time: long enough for the bot to start."""


@pytest.fixture
async def planner(database_url: str) -> AsyncIterator[App]:
    """The core on a fresh database, planning what falls due about now."""
    app = await planner_on(database_url)
    yield app
    await app.close()


@pytest.fixture
def slow_api(bot_api: SlowBotApi) -> SlowBotApi:  # noqa: F811
    """The fake Bot API, each send taking LATENCY seconds."""
    bot_api.send_delay = LATENCY
    return bot_api


async def test_sigterm_mid_fan_out_finishes_the_sends_and_a_restart_repeats_nothing(
    planner: App, slow_api: SlowBotApi, database_url: str, tmp_path: Path
) -> None:
    due = datetime.now(UTC) + timedelta(seconds=DUE_IN)
    expected = await seed(planner, coalitions=1, chats=GROUPS, events=1, due=due)
    assert len(expected) == GROUPS
    config = bot_config(tmp_path / "bot.toml", database_url=database_url, api=slow_api)

    def received() -> int:
        return sum(slow_api.reminders_received().values())

    first = BotProcess(config, tmp_path / "stopped.log")
    try:
        await wait_until(first.worker, 30, "the bot started", (first,))
        await wait_until(lambda: received() > 0, DUE_IN + 30, "the fan-out began", (first,))
        await asyncio.sleep(
            max(0.0, (due + timedelta(seconds=2) - datetime.now(UTC)).total_seconds())
        )
        in_flight = await reminder_rows(planner)
        assert in_flight.deliveries[DeliveryState.SENDING] > 0, "the stop comes mid-fan-out"
        stopping = time.monotonic()
        code = await first.stop(seconds=40)
        took = time.monotonic() - stopping
    finally:
        await first.stop()
    output = first.output()
    assert code == 0, output[-3000:]
    assert took < 25, f"the stop took {took:.1f} s: longer than its 20 s grace"
    assert "ERROR" not in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]

    stopped = await reminder_rows(planner)
    assert stopped.sending == frozenset(), "every send in flight was recorded"
    assert stopped.deliveries == {DeliveryState.SENT: GROUPS}
    assert stopped.states == {ReminderState.SENT: 1}
    assert received() == GROUPS

    second = BotProcess(config, tmp_path / "restarted.log")
    try:
        await wait_until(second.worker, 30, "the bot restarted", (second,))
        await asyncio.sleep(8)  # past the 5 s lease and a few 1 s sweeps: a repeat comes now
    finally:
        assert await second.stop() == 0, second.output()[-3000:]

    counts = slow_api.reminders_received()
    assert set(counts) == expected
    assert set(counts.values()) == {1}, sorted(k for k, n in counts.items() if n > 1)
    assert (await reminder_rows(planner)).deliveries == {DeliveryState.SENT: GROUPS}
