"""Reminders from real `coalition-bot run` processes on one PostgreSQL, counted at the platform.

Two processes share the work and every (chat, event) reminder arrives exactly once; a process
killed with SIGKILL in the middle of a fan-out loses nothing once another one starts, and
repeats at most what it had in flight (the scheduler's fan-out bound, 64).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import ConfigError, load_config, parse_config
from models.reminders import DeliveryState, ReminderState
from tests.reliability.reminder_platforms import (  # noqa: F401 (fixtures)
    BotProcess,
    SlowBotApi,
    SlowNetwork,
    bot_api,
    bot_config,
    planner_on,
    reminder_rows,
    seed,
    wait_until,
)

FAN_OUT = 64
DUE_IN = 10
"""Seconds from seeding to the due time: long enough for two processes to start."""
DB_LATENCY = 0.02


async def all_sent(app: App, reminders: int, seconds: float = 15) -> None:
    """Waits until the database has every reminder recorded as sent."""
    deadline = time.monotonic() + seconds
    while (rows := await reminder_rows(app)).states != {ReminderState.SENT: reminders}:
        assert time.monotonic() < deadline, rows
        await asyncio.sleep(0.1)


@pytest.fixture
async def planner(postgres_url: str) -> AsyncIterator[App]:
    """The core on a fresh PostgreSQL database, planning what falls due about now."""
    app = await planner_on(postgres_url)
    yield app
    await app.close()


async def test_two_processes_deliver_500_reminders_exactly_once(
    planner: App,
    bot_api: SlowBotApi,  # noqa: F811
    postgres_url: str,
    tmp_path: Path,
) -> None:
    # 5 coalitions x 10 groups x 10 events: 50 reminders of 10 sends each. A process claims
    # up to 20 reminders at a time, so with 50 neither can take everything in one claim.
    # They fall due a few seconds from now, when both processes run: both wake up at the
    # same instant and claim at once, the race the claim has to win.
    due = datetime.now(UTC) + timedelta(seconds=DUE_IN)
    expected = await seed(planner, coalitions=5, chats=10, events=10, due=due)
    assert len(expected) == 500
    before = await reminder_rows(planner)
    assert before.states == {ReminderState.PENDING: 50}
    bot_api.send_delay = 0.02
    # Both processes reach PostgreSQL over a network with some latency, so that their claims,
    # made at the same instant, are transactions that overlap (on loopback they take 1 ms).
    network = SlowNetwork.to_database(postgres_url, latency=DB_LATENCY)
    await network.start()
    remote = network.database_url(postgres_url)
    config = bot_config(tmp_path / "bot.toml", database_url=remote, api=bot_api)
    bots = (
        BotProcess(config, tmp_path / "one.log"),
        BotProcess(config, tmp_path / "two.log"),
    )
    try:
        await wait_until(lambda: all(bot.worker() for bot in bots), 30, "both started", bots)
        both_up = datetime.now(UTC)
        if both_up < due - timedelta(seconds=0.5):
            assert bot_api.reminders_received() == {}, "nothing before the due time"
        await wait_until(
            lambda: sum(bot_api.reminders_received().values()) >= 500,
            60,
            "500 reminders at the Bot API",
            bots,
        )
        await all_sent(planner, 50)
        took = (datetime.now(UTC) - due).total_seconds()
        await asyncio.sleep(2)  # a repeat would arrive now
    finally:
        codes = [await bot.stop() for bot in bots]
        await network.stop()
    assert codes == [0, 0], [bot.output()[-3000:] for bot in bots]

    received = bot_api.reminders_received()
    assert set(received) == expected
    assert sum(received.values()) == 500, [k for k, n in received.items() if n > 1]
    assert set(received.values()) == {1}
    texts = [m.text for m in bot_api.sent if m.text.startswith("Opomnik:")]
    assert all("Začne se jutri." in text for text in texts), texts[0]

    rows = await reminder_rows(planner)
    assert rows.deliveries == {DeliveryState.SENT: 500}
    workers = {bot.worker() for bot in bots}
    assert None not in workers
    assert set(rows.claimed_by) == workers, "both processes claimed and sent reminders"
    shares = {worker: rows.claimed_by[worker] * 10 for worker in workers}
    ahead = (due - both_up).total_seconds()
    print(
        f"\n500 reminders by two processes within {took:.1f} s of the due time (both up "
        f"{ahead:.1f} s before it); sends per process: {shares}"
    )


async def test_sigkill_mid_fan_out_then_restart_loses_nothing(
    planner: App,
    bot_api: SlowBotApi,  # noqa: F811
    postgres_url: str,
    tmp_path: Path,
) -> None:
    expected = await seed(
        planner, coalitions=1, chats=30, events=10, due=datetime.now(UTC) - timedelta(minutes=3)
    )
    assert len(expected) == 300
    bot_api.send_delay = 0.05
    config = bot_config(tmp_path / "bot.toml", database_url=postgres_url, api=bot_api)

    def received() -> int:
        return sum(bot_api.reminders_received().values())

    first = BotProcess(config, tmp_path / "killed.log")
    try:
        await wait_until(lambda: received() >= 100, 60, "100 reminders sent", (first,))
        first.kill()
    finally:
        await first.stop()
    at_kill = received()
    assert at_kill < 300, "the kill came too late to be in the middle of the fan-out"
    await asyncio.sleep(0.5)  # requests already at the platform finish arriving
    killed = await reminder_rows(planner)
    assert killed.states[ReminderState.CLAIMED] > 0, "the dead process holds claims"
    assert 0 < len(killed.sending) <= FAN_OUT, killed.sending
    assert killed.deliveries[DeliveryState.SENDING] == len(killed.sending)

    started = time.monotonic()
    second = BotProcess(config, tmp_path / "restarted.log")
    try:
        await wait_until(
            lambda: set(bot_api.reminders_received()) == expected,
            60,
            "every (chat, event) reminder after the restart",
            (second,),
        )
        took = time.monotonic() - started
        await all_sent(planner, 10)
        await asyncio.sleep(1)  # a repeat would arrive now
    finally:
        code = await second.stop()
    assert code == 0, second.output()[-3000:]

    counts = bot_api.reminders_received()
    assert set(counts) == expected, "nothing is lost"
    repeated = {key for key, n in counts.items() if n > 1}
    duplicates = sum(counts.values()) - len(expected)
    assert duplicates <= FAN_OUT
    assert max(counts.values()) <= 2
    assert repeated <= killed.sending, "only sends that were in flight are repeated"
    after = await reminder_rows(planner)
    assert after.deliveries == {DeliveryState.SENT: 300}
    restarted = second.worker()
    assert restarted is not None
    assert after.claimed_by[restarted] >= killed.states[ReminderState.CLAIMED]
    assert after.attempts[2] >= killed.states[ReminderState.CLAIMED], "taken over after the lease"
    print(
        f"\nSIGKILL after {at_kill} of 300 sends, {len(killed.sending)} in flight: "
        f"{duplicates} repeated at the platform; the rest {took:.1f} s after the restart"
    )


def test_lease_and_sweep_are_configurable() -> None:
    defaults = load_config(None, environ={})
    assert (defaults.reminders.lease, defaults.reminders.sweep) == (120, 30)
    short = parse_config({"reminders": {"lease": "5s", "sweep": "1s"}}, {})
    assert (short.reminders.lease, short.reminders.sweep) == (5, 1)
    assert parse_config({"reminders": {"lease": "1h"}}, {}).reminders.lease == 3600
    for raw in ({"lease": "2s"}, {"lease": "soon"}, {"sweep": "0s"}, {"sweep": 30}):
        with pytest.raises(ConfigError) as caught:
            parse_config({"reminders": raw}, {})
        assert str(caught.value).startswith(f"reminders.{next(iter(raw))}:")
