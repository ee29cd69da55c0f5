"""For the reminder reliability tests: a slow fake Bot API, `coalition-bot run` subprocesses,
and coalitions whose reminders are due now on the real clock."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, make_url, select

from bot.app import App
from bot.config import Config as BotConfig
from bot.config import RemindersConfig
from models.entities import Event
from models.reminders import Delivery, DeliveryState, Reminder, ReminderKind, ReminderState
from models.services.directory import CoalitionSpec
from tests.adapters.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.conftest import FakeClock, make_app
from tests.reliability.tcp_proxy import CuttableProxy

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Europe/Ljubljana")
ADMIN = "telegram:500"
REMINDER_TITLE = re.compile(r"^Opomnik: (\S+)")
WORKER = re.compile(r"reminder scheduler started as (\S+)")
NO_DIGEST = BotConfig(reminders=RemindersConfig(digest=None))
SECRETS = (
    "TELEGRAM_BOT_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "DATABASE_URL",
    "COALITION_BOT_CONFIG",
)


@dataclass
class SlowBotApi(FakeBotApi):
    """The fake Bot API with a delay on every sendMessage, for several bots on one token.

    A message counts as received when its request arrives (it is recorded before the delay),
    like a platform that got the request although its answer never reached a killed bot.
    getUpdates answers an empty list after a short wait, to any number of pollers.
    """

    send_delay: float = 0.01
    poll_wait: float = 0.5

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        result = await super()._api_sendMessage(params)
        await asyncio.sleep(self.send_delay)
        return result

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polls += 1
        await asyncio.sleep(min(float(params.get("timeout") or 0), self.poll_wait))
        return []

    def reminders_received(self) -> Counter[tuple[str, str]]:
        """How often each (chat, event title) reminder arrived."""
        received: Counter[tuple[str, str]] = Counter()
        for message in list(self.sent):
            found = REMINDER_TITLE.match(message.text)
            if found:
                received[(f"telegram:{message.chat_id}", found.group(1))] += 1
        return received


class SlowNetwork(CuttableProxy):
    """A loopback proxy that delays every chunk by `latency` seconds each way (in order),
    like a database across a network: transactions last long enough to overlap."""

    def __init__(self, target_host: str, target_port: int, latency: float) -> None:
        super().__init__(target_host, target_port)
        self.latency = latency

    @classmethod
    def to_database(cls, database_url: str, latency: float) -> SlowNetwork:
        """A slow network in front of the PostgreSQL server of `database_url`."""
        server = make_url(database_url)
        return cls(server.host or "127.0.0.1", server.port or 5432, latency=latency)

    def database_url(self, database_url: str) -> str:
        """`database_url` reached through this network (once started)."""
        through = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return through.render_as_string(hide_password=False)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        line: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while data := (item := await line.get())[1]:
                await asyncio.sleep(item[0] - loop.time())
                writer.write(data)
                await writer.drain()

        delivering = asyncio.create_task(deliver())
        try:
            while data := await reader.read(65536):
                line.put_nowait((loop.time() + self.latency, data))
            line.put_nowait((loop.time(), b""))
            await delivering
        except (ConnectionError, OSError):
            pass
        finally:
            delivering.cancel()
            self._open.discard(writer)
            writer.transport.abort()


def bot_config(
    path: Path,
    *,
    database_url: str,
    api: FakeBotApi,
    lease: str = "5s",
    sweep: str = "1s",
    digest: bool = False,
    telegram: tuple[str, ...] = (),
) -> Path:
    """A configuration for `coalition-bot run`: Telegram on the fake (with the `telegram`
    lines added to its section), no digest unless asked for, short lease."""
    path.write_text(
        "\n".join(
            (
                "[database]",
                f'url = "{database_url}"',
                "[bot]",
                'log_level = "INFO"',
                "[telegram]",
                f'token = "{TOKEN}"',
                f'base_url = "{api.base_url}"',
                *telegram,
                "[web]",
                "enabled = false",
                "[reminders]",
                *(() if digest else ("digest = false",)),
                f'lease = "{lease}"',
                f'sweep = "{sweep}"',
                "",
            )
        ),
        encoding="utf-8",
    )
    return path


async def planner_on(database_url: str) -> App:
    """The core on a fresh database, no digest, its clock a few minutes behind the real one,
    so that reminders falling due about now are still planned."""
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=10))
    return await make_app(database_url, clock, demo=False, config=NO_DIGEST)


@pytest.fixture
async def bot_api() -> AsyncIterator[SlowBotApi]:
    """The slow fake Bot API, for bots in other processes."""
    server = SlowBotApi()
    await server.start()
    yield server
    await server.close()


@dataclass
class BotProcess:
    """One `python -m bot --config FILE run`, its output in a log file."""

    config: Path
    log: Path
    popen: subprocess.Popen[bytes] = field(init=False)

    def __post_init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in SECRETS}
        with self.log.open("wb") as output:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "bot", "--config", str(self.config), "run"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def worker(self) -> str | None:
        """The scheduler's worker name, once it has started."""
        found = WORKER.search(self.output())
        return found.group(1) if found else None

    def check_alive(self) -> None:
        code = self.popen.poll()
        if code is not None:
            raise AssertionError(f"the bot exited with {code}:\n{self.output()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL: no clean-up, whatever was in flight stays as it was."""
        os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    async def stop(self, seconds: float = 15.0) -> int:
        """SIGTERM and wait for a clean exit (SIGKILL after `seconds`); the exit code."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(self.popen.wait, seconds)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait(timeout=10)


async def wait_until(
    condition: Callable[[], bool],
    seconds: float,
    what: str,
    alive: tuple[BotProcess, ...] = (),
) -> float:
    """Polls `condition` until it holds; fails naming `what` (or a bot that died)."""
    started = time.monotonic()
    while not condition():
        for process in alive:
            process.check_alive()
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds:.0f} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def start_for_due(due: datetime, days: int = 1) -> datetime:
    """When an event starts whose `days`-day reminder is due at `due` (calendar days, local)."""
    local = due.astimezone(ZONE).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=ZONE).astimezone(UTC)


def title(coalition: int, event: int) -> str:
    return f"Sestanek-k{coalition}-d{event:02d}"


async def seed(
    app: App, *, coalitions: int, chats: int, events: int, due: datetime
) -> set[tuple[str, str]]:
    """Coalitions with bound Telegram groups and events whose 1-day reminder falls at `due`.

    Returns every (chat, event title) that should get that reminder.
    """
    starts_at = start_for_due(due)
    expected: set[tuple[str, str]] = set()
    for c in range(coalitions):
        groups = tuple(f"telegram:-100{c:03d}{n:07d}" for n in range(chats))
        slug = f"k{c}"
        await app.services.directory.apply_config(
            [CoalitionSpec(slug=slug, name=f"Koalicija {c}", admins=(ADMIN,), chats=groups)]
        )
        for e in range(events):
            await app.services.events.create(
                slug, ADMIN, title=title(c, e), starts_at=starts_at, location="Celje"
            )
            expected.update((group, title(c, e)) for group in groups)
    return expected


@dataclass(frozen=True)
class ReminderRows:
    """What the database says about the 1-day event reminders."""

    states: Counter[ReminderState]
    claimed_by: Counter[str]
    attempts: Counter[int]
    deliveries: Counter[DeliveryState]
    sending: frozenset[tuple[str, str]]
    """(chat, event title) deliveries begun and not recorded as done."""


async def reminder_rows(app: App) -> ReminderRows:
    day_before = (Reminder.kind == ReminderKind.EVENT, Reminder.offset_minutes == 1440)
    async with app.database.sessions() as session:
        rows = (
            await session.execute(
                select(Reminder.state, Reminder.claimed_by, Reminder.attempts).where(*day_before)
            )
        ).all()
        by_state = await session.execute(
            select(Delivery.state, func.count(Delivery.id)).group_by(Delivery.state)
        )
        sending = await session.execute(
            select(Delivery.destination, Event.title)
            .join(Reminder, Reminder.id == Delivery.reminder_id)
            .join(Event, Event.id == Reminder.event_id)
            .where(Delivery.state == DeliveryState.SENDING)
        )
        return ReminderRows(
            states=Counter(state for state, _, _ in rows),
            claimed_by=Counter(worker or "" for _, worker, _ in rows),
            attempts=Counter(attempts for _, _, attempts in rows),
            deliveries=Counter({state: count for state, count in by_state}),
            sending=frozenset((chat, name) for chat, name in sending),
        )
