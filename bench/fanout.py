"""Reminder fan-out: due reminders posted by the real scheduler through the real Telegram sender.

The data set: 100 coalitions with 10 bound Telegram groups each (1,000 groups), and events
whose one-day reminder is due now, spread round-robin over the coalitions. Each reminder goes
to its coalition's 10 groups, so what is counted is deliveries: one reminder in one group, one
`sendMessage` at the fake Bot API (bench/fanout_fake.py, in its own process on 127.0.0.1).
The bot side is the app on the chosen database, `ReminderScheduler.sweep()` (claims, jobs,
delivery rows) and `TelegramAdapter.send` through python-telegram-bot's Bot over HTTP.

unthrottled: 1,000 reminders = 10,000 deliveries to the 1,000 groups, the bot's rate limiter
off and the fake without limits: deliveries a second, target at least 1,000 (reported as time
per delivery, under 1 ms). One sweep of 20 reminders warms up first, outside the timing.

limited: Telegram's limits on both sides, as in production: the bot's rate limiter
(bot/adapters/telegram/limits.py: 30 messages a second overall, 20 a minute per group) and
the fake answering 429 with retry_after past the same limits, counted as AIORateLimiter
counts them (leaky buckets that also take a burst of 30, and of 20 per group). 150 reminders
= 1,500 deliveries to the 1,000 groups, one or two each, so the per-group limit never binds
and the overall 30 a second does: the limits allow 1,500 in 50 s (and a burst of 30 at the
start lets them through up to 1 s sooner). Figures: deliveries a second over the whole sweep
against the 30 allowed, target at least 95 % (reported as the shortfall, under 5 %; below 0
when the burst gained more than the sweep's start lost), and the 429s the fake answered,
target none. This sweep runs in the same process right after the unthrottled one.

--quick: 20 coalitions of 5 groups; 100 reminders (500 deliveries) unthrottled and 24 (120
deliveries, about 4 s) limited.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import Connection, create_engine, func, insert, select, text

from bench.dataset import server_url
from bench.registry import Benchmark, Measurement, Run
from bot.app import App, build_app
from bot.config import Config, RemindersConfig, TelegramConfig
from bot.runner import telegram_adapter
from bot.scheduler import ReminderScheduler
from models.database import Database
from models.entities import ChatBinding, Coalition, Event, EventKind, EventStatus
from models.reminders import Delivery, DeliveryState, Reminder, ReminderKind, ReminderState

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "1:BENCH"
TARGET_MS_PER_DELIVERY = 1.0
TARGET_SHORTFALL_PCT = 5.0
OVERALL = (30.0, 1.0)
"""Telegram's limit for the whole bot, (messages, seconds): python-telegram-bot's FloodLimit."""
GROUP = (20.0, 60.0)
"""Telegram's limit in one group, (messages, seconds)."""
WARMUP_REMINDERS = 20


@dataclass(frozen=True)
class Plan:
    coalitions: int
    groups_per_coalition: int
    unthrottled: int
    """Reminders due in the unthrottled run (each goes to its coalition's groups)."""
    limited: int

    @property
    def groups(self) -> int:
        return self.coalitions * self.groups_per_coalition


FULL = Plan(coalitions=100, groups_per_coalition=10, unthrottled=1_000, limited=150)
QUICK = Plan(coalitions=20, groups_per_coalition=5, unthrottled=100, limited=24)


def group_chat(index: int) -> str:
    return f"telegram:-100{5_000_000 + index}"


def seed_groups(connection: Connection, plan: Plan) -> None:
    now = datetime.now(UTC)
    connection.execute(
        insert(Coalition),
        [
            {
                "id": c + 1,
                "slug": f"fan{c:03d}",
                "name": f"Koalicija {c + 1}",
                "timezone": "Europe/Ljubljana",
                "default_locale": "sl" if c % 4 else "en",
            }
            for c in range(plan.coalitions)
        ],
    )
    connection.execute(
        insert(ChatBinding),
        [
            {
                "id": g + 1,
                "chat_id": group_chat(g),
                "coalition_id": g // plan.groups_per_coalition + 1,
                "locale": (None, "sl", "en")[g % 3],
                "active": True,
                "bound_by": "config",
                "bound_at": now,
            }
            for g in range(plan.groups)
        ],
    )
    if connection.dialect.name == "postgresql":
        for table in ("coalitions", "chat_bindings"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )


def seed_due(connection: Connection, plan: Plan, count: int, label: str) -> int:
    """`count` events whose one-day reminder fell due a minute ago; returns the deliveries."""
    now = datetime.now(UTC).replace(microsecond=0)
    due = now - timedelta(minutes=1)
    first = int(connection.execute(select(func.coalesce(func.max(Event.id), 0))).scalar_one())
    coalitions = [(first + i) % plan.coalitions + 1 for i in range(count)]
    connection.execute(
        insert(Event),
        [
            {
                "id": first + i + 1,
                "coalition_id": coalition,
                "title": f"Sestanek {label} {i + 1}",
                "starts_at": due + timedelta(days=1),
                "ends_at": due + timedelta(days=1, hours=2),
                "all_day": False,
                "location": "Celje",
                "kind": EventKind.MEETING,
                "status": EventStatus.SCHEDULED,
                "created_by": "bench",
            }
            for i, coalition in enumerate(coalitions)
        ],
    )
    connection.execute(
        insert(Reminder),
        [
            {
                "coalition_id": coalition,
                "kind": ReminderKind.EVENT,
                "event_id": first + i + 1,
                "subject": f"event:{first + i + 1}",
                "offset_minutes": 1440,
                "due_at": due,
                "state": ReminderState.PENDING,
                "attempts": 0,
            }
            for i, coalition in enumerate(coalitions)
        ],
    )
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('events', 'id'), "
                "(SELECT max(id) FROM events))"
            )
        )
    return count * plan.groups_per_coalition


def per_group(plan: Plan, first_event: int, count: int) -> Counter[str]:
    """Deliveries per group chat for `count` reminders seeded after `first_event` events."""
    sends: Counter[str] = Counter()
    for i in range(count):
        coalition = (first_event + i) % plan.coalitions
        for g in range(plan.groups_per_coalition):
            sends[group_chat(coalition * plan.groups_per_coalition + g)] += 1
    return sends


def quickest(sends: Counter[str], *, bursts: bool = False) -> float:
    """Seconds Telegram's limits need at least for these sends: 30 a second overall and 20 a
    minute in each group beyond the 20 a group takes at once, whichever takes longer. With
    `bursts`, also the 30 taken at once overall: the fastest the fake could accept them."""
    overall_rate, overall_period = OVERALL
    group_rate, group_period = GROUP
    total = sum(sends.values()) - (overall_rate if bursts else 0)
    needed = max(0.0, total * overall_period / overall_rate)
    for count in sends.values():
        needed = max(needed, (count - group_rate) * group_period / group_rate)
    return needed


class FakeServer:
    """bench/fanout_fake.py in a child process."""

    def __init__(self, *limits: str) -> None:
        self.limits = limits
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0

    async def __aenter__(self) -> FakeServer:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fanout_fake",
            *self.limits,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), 30)
            self.port = int(json.loads(line)["port"])
        except (TimeoutError, ValueError, KeyError) as error:
            await self.__aexit__()
            raise RuntimeError("the fake Bot API did not start") from error
        return self

    async def __aexit__(self, *_exc: object) -> None:
        process = self.process
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def call(self, method: str, path: str) -> dict[str, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, f"http://127.0.0.1:{self.port}{path}") as response,
        ):
            response.raise_for_status()
            result: dict[str, Any] = await response.json()
            return result


@dataclass(frozen=True)
class Sweep:
    deliveries: int
    seconds: float
    fake: dict[str, Any]
    """What the fake counted: sent, refused (429), span (s from the first send to the last)."""
    recorded: int
    """Deliveries the database recorded as sent during the sweep."""


async def timed_sweep(
    scheduler: ReminderScheduler, server: FakeServer, url: str, count: int, seconds: float
) -> Sweep:
    """One sweep (that must be over within `seconds`), with what the fake and the database
    counted during it."""
    await server.call("POST", "/reset")
    before = recorded_sends(url)
    started = time.perf_counter()
    async with asyncio.timeout(seconds):
        await scheduler.sweep()
    seconds = time.perf_counter() - started
    fake = await server.call("GET", "/stats")
    return Sweep(count, seconds, fake, recorded_sends(url) - before)


def recorded_sends(url: str) -> int:
    """Deliveries recorded as sent in the database."""
    engine = Database.connect(url).sync_engine()
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count(Delivery.id)).where(Delivery.state == DeliveryState.SENT)
                ).scalar_one()
            )
    finally:
        engine.dispose()


def seed(url: str, plan: Plan, count: int, label: str) -> tuple[int, int]:
    """Seeds `count` due reminders; returns (events before them, deliveries they make)."""
    engine = Database.connect(url).sync_engine()
    try:
        with engine.begin() as connection:
            first = int(
                connection.execute(select(func.coalesce(func.max(Event.id), 0))).scalar_one()
            )
            return first, seed_due(connection, plan, count, label)
    finally:
        engine.dispose()


def make_app(url: str) -> App:
    return build_app(Config(database_url=url, reminders=RemindersConfig(digest=None)))


async def phase(
    app: App, url: str, plan: Plan, count: int, label: str, *, limited: bool
) -> tuple[Sweep, tuple[float, float]]:
    """`count` reminders fall due and one sweep sends them, to a fake of its own; returns the
    sweep and the fewest seconds Telegram's limits allow for its sends, without and with the
    bursts they take at once (0 when unlimited)."""
    limits = ("--overall", rate(OVERALL), "--group", rate(GROUP)) if limited else ()
    async with FakeServer(*limits) as server:
        adapter = telegram_adapter(
            app, TelegramConfig(token=TOKEN, base_url=server.base_url), throttle=limited
        )
        await adapter.application.initialize()
        try:
            scheduler = ReminderScheduler(app, {"telegram": adapter})
            if not limited:
                seed(url, plan, WARMUP_REMINDERS, "warm-up")
                await scheduler.sweep()
            first, deliveries = seed(url, plan, count, label)
            sends = per_group(plan, first, count)
            needed = (quickest(sends), quickest(sends, bursts=True)) if limited else (0.0, 0.0)
            sweep = await timed_sweep(
                scheduler, server, url, deliveries, seconds=2 * needed[0] + max(60.0, count / 5)
            )
            return sweep, needed
        finally:
            await adapter.application.shutdown()


async def both(url: str, plan: Plan) -> tuple[Sweep, Sweep, tuple[float, float]]:
    """The unthrottled sweep, then the limited one, by one app (warm for the second)."""
    app = make_app(url)
    try:
        fast, _ = await phase(app, url, plan, plan.unthrottled, "unthrottled", limited=False)
        slow, needed = await phase(app, url, plan, plan.limited, "limited", limited=True)
        return fast, slow, needed
    finally:
        await app.close()


def rate(limit: tuple[float, float]) -> str:
    return f"{limit[0]:g}/{limit[1]:g}"


def fresh_database(bench: Run, backend: str) -> tuple[str, Any]:
    """A new, migrated, empty database for this run, and how to remove it afterwards."""
    if backend == "sqlite":
        path = bench.options.cache_dir / f"fanout-{os.getpid()}.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_sqlite(path)
        url = f"sqlite:///{path}"
        Database.connect(url).upgrade()
        return url, lambda: remove_sqlite(path)
    name = f"bench_fanout_{os.getpid()}"
    server = server_url(bench.options.postgres_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        if not re.fullmatch(r"bench_fanout_[0-9]+", name):
            raise ValueError(name)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    Database.connect(url).upgrade()

    def remove() -> None:
        drop()
        admin.dispose()

    return url, remove


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def checked(sweep: Sweep, what: str) -> None:
    """Every delivery arrived once at the fake and is recorded as sent."""
    fake = sweep.fake
    if fake["sent"] != sweep.deliveries or sweep.recorded != sweep.deliveries:
        raise RuntimeError(
            f"{what}: {sweep.deliveries} deliveries expected, the fake counted {fake['sent']}, "
            f"the database recorded {sweep.recorded}"
        )


def measure(bench: Run, backend: str, plan: Plan) -> list[Measurement]:
    url, remove = fresh_database(bench, backend)
    try:
        engine = Database.connect(url).sync_engine()
        try:
            with engine.begin() as connection:
                seed_groups(connection, plan)
        finally:
            engine.dispose()
        bench.log(
            f"fan-out on {backend}: {plan.unthrottled:,} reminders to {plan.groups:,} groups "
            f"unthrottled, then {plan.limited:,} within Telegram's limits ..."
        )
        fast, slow, needed = asyncio.run(both(url, plan))
        checked(fast, "unthrottled")
        checked(slow, "limited")
    finally:
        remove()

    rate = fast.deliveries / fast.seconds
    slow_rate = slow.deliveries / slow.seconds
    steady, fastest = needed
    allowed = slow.deliveries / steady
    share = 100 * slow_rate / allowed
    common = {"groups": plan.groups, "groups_per_reminder": plan.groups_per_coalition}
    fast_extra = {
        **common,
        "reminders": plan.unthrottled,
        "deliveries": fast.deliveries,
        "seconds": round(fast.seconds, 3),
        "deliveries_per_second": round(rate, 1),
        "fake": fast.fake,
    }
    slow_extra = {
        **common,
        "reminders": plan.limited,
        "deliveries": slow.deliveries,
        "seconds": round(slow.seconds, 3),
        "seconds_the_limits_need": round(steady, 3),
        "seconds_the_fake_would_take_with_bursts": round(fastest, 3),
        "percent_of_the_fastest_with_bursts": round(100 * fastest / slow.seconds, 2),
        "deliveries_per_second": round(slow_rate, 2),
        "allowed_per_second": round(allowed, 2),
        "percent_of_allowed": round(share, 2),
        "limits": {"overall": OVERALL, "group": GROUP},
        "fake": slow.fake,
    }
    events = plan.unthrottled
    return [
        Measurement(
            "fanout",
            backend,
            events,
            f"unthrottled: {fast.deliveries:,} deliveries per second",
            "/s",
            rate,
            extra=fast_extra,
        ),
        Measurement(
            "fanout",
            backend,
            events,
            "unthrottled: time per delivery",
            "ms",
            1000 * fast.seconds / fast.deliveries,
            target=TARGET_MS_PER_DELIVERY,
            checks="median",
            samples=fast.deliveries,
            extra=fast_extra,
        ),
        Measurement(
            "fanout",
            backend,
            plan.limited,
            f"limited: {slow.deliveries:,} deliveries per second (allowed {allowed:.1f})",
            "/s",
            slow_rate,
            extra=slow_extra,
        ),
        Measurement(
            "fanout",
            backend,
            plan.limited,
            "limited: shortfall from the allowed rate",
            "%",
            100 - share,
            target=TARGET_SHORTFALL_PCT,
            checks="median",
            samples=slow.deliveries,
            extra=slow_extra,
        ),
        Measurement(
            "fanout",
            backend,
            plan.limited,
            "limited: 429 answers",
            "429s",
            float(slow.fake["refused"]),
            target=1.0,
            checks="median",
            extra=slow_extra,
        ),
    ]


def run(bench: Run) -> list[Measurement]:
    plan = QUICK if bench.options.quick else FULL
    measurements: list[Measurement] = []
    for backend in bench.backends():
        measurements += measure(bench, backend, plan)
    return measurements


BENCHMARK = Benchmark(
    "fanout",
    "reminders fanned out by the scheduler through the Telegram sender to a fake Bot API: "
    "10,000 deliveries to 1,000 groups unthrottled (target 1,000/s), and 1,500 within "
    "Telegram's limits (target 95 % of the allowed rate, no 429)",
    run,
)
