"""RSVP presses at a steady rate on one event, through Telegram, on PostgreSQL.

    python -m bench.rsvp --postgres-url URL [--rate 500] [--seconds 10] [--places 1000]
        [--no-limits] [--profile DIR]

Builds a coalition with one event of PLACES places in a fresh PostgreSQL database on that
server and runs the bot's Telegram adapter (python-telegram-bot, long polling, Telegram's
outgoing limits kept as deployed unless `--no-limits`, the per-person command limit off) and
the announcement-count edits in this process, against the fake Bot API (bench.fake_telegram)
in a process of its own, as Telegram is. The event is announced in one group as a new event
is (the scheduler's sweep), and that process offers RATE presses a second of the
announcement's own buttons for SECONDS seconds, each carrying the message with its text and
buttons as Telegram's presses do, each on its own schedule whether or
not the ones before it have been answered (an open loop, as people press): 2,000 people,
each press Going, Maybe or Can't at random, so some people press the same button twice and
some change their answer. A press's time runs from its update being offered to getUpdates to
the fake receiving the answerCallbackQuery that ends it (the whole way: polling, the
adapter, the dispatcher, the answer stored under the event's row lock, the reply rendered).
It prints p50 and p99 of those times in milliseconds, the rate offered and the rate
answered, the presses answered with an alert (a refusal, or the dispatcher's "not answered
in time" after 8 s: the answer may still be stored), whether the counts agree with the rows
afterwards (places taken never above the capacity), and the bot process's CPU time per press
answered (on a shared machine it varies less than the rates). `--profile DIR` samples the
measured presses with pyinstrument.

What it does not measure: Telegram's own network and servers; the fake answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.dataset import scratch_postgres
from bench.fake_telegram import TOKEN, FakeTelegram, callback_update
from bench.profiling import Profiling
from bot.app import build_app, start_app
from bot.config import Config, TelegramConfig, ThrottleConfig
from bot.count_edits import CountEdits
from bot.runner import settle_collector, telegram_adapter
from bot.scheduler import ReminderScheduler
from models.database import Database
from models.entities import Role
from models.rsvp import Attendance, Rsvp, RsvpState
from models.services.directory import CoalitionSpec

SLUG = "bench"
PEOPLE = 2_000
COORDINATOR = "telegram:1"
CHAT = -100
WARMUP = 20
WAIT_SECONDS = 30.0
"""How long the presses not answered yet are waited for after the last one is offered."""


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass(frozen=True)
class Order:
    """What the presser is told once the bot is ready."""

    event_id: int
    rate: int
    seconds: float


def presser(connection: Connection) -> None:
    """The fake Bot API and the people pressing, in a process of their own: Telegram is not
    in the bot's process, and its work must not count as the bot's."""
    asyncio.run(_serve_and_press(connection))


async def _serve_and_press(connection: Connection) -> None:
    fake = FakeTelegram()
    await fake.start()
    try:
        connection.send(fake.base_url)
        order: Order = await asyncio.to_thread(connection.recv)
        announcement = fake.with_buttons[CHAT]  # Going, Maybe, Can't
        going, maybe, cannot = announcement.buttons
        chooser = random.Random(20261129)
        answers = (going, going, maybe, cannot)
        update_ids = iter(range(1, 10**9))

        def press() -> None:
            person, answer = chooser.randrange(PEOPLE), chooser.choice(answers)
            fake.press(
                callback_update(
                    next(update_ids),
                    answer,
                    chat_id=CHAT,
                    message_id=announcement.message_id,
                    user_id=1000 + person,
                    language="sl",
                    shown=announcement,
                )
            )

        for _ in range(WARMUP):  # unmeasured: connections opened, caches filled
            press()
            async with asyncio.timeout(30):
                await fake.queries_answered.wait()
        fake.query_round_trips.clear()
        connection.send("warm")
        await asyncio.to_thread(connection.recv)  # the bot's side is measuring: go
        total = int(order.rate * order.seconds)
        began = time.perf_counter()
        for n in range(total):
            delay = began + n / order.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            press()
        offered = time.perf_counter() - began
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                await fake.queries_answered.wait()
        except TimeoutError:
            pass
        elapsed = time.perf_counter() - began
        connection.send(
            {
                "presses": total,
                "offered": offered,
                "elapsed": elapsed,
                "latencies": [t * 1000 for t in fake.query_round_trips.values()],
                "alerts": fake.query_alerts,  # a refusal, or "not answered in time"
            }
        )
        await asyncio.to_thread(connection.recv)  # the counts are settled: the edits are in
        connection.send(fake.calls.get("editMessageText", 0))
    finally:
        await fake.close()


async def measure(
    url: str,
    rate: int,
    seconds: float,
    places: int,
    profile: Path | None = None,
    *,
    limits: bool = True,
) -> dict[str, object]:
    database = Database.connect(url)
    await asyncio.to_thread(database.upgrade)
    await database.dispose()
    spawning = multiprocessing.get_context("spawn")
    here, there = spawning.Pipe()
    pressing = spawning.Process(target=presser, args=(there,), daemon=True)
    pressing.start()
    base_url: str = await asyncio.to_thread(here.recv)
    config = replace(
        Config(),
        database_url=url,
        throttle=ThrottleConfig(burst=0),
        telegram=TelegramConfig(token=TOKEN, base_url=base_url),
    )
    app = build_app(config)
    adapter = telegram_adapter(app, throttle=limits, poll_timeout=10.0)
    counts = CountEdits(
        app.services.rsvp,
        {adapter.name: adapter},
        app.translators,
        app.clock,
        default_locale=app.dispatcher.default_locale,
    )
    try:
        await start_app(app)
        await app.services.directory.apply_config(
            [CoalitionSpec(slug=SLUG, name="Merilna koalicija", chats=(f"telegram:{CHAT}",))]
        )
        await app.services.directory.ensure_role(SLUG, COORDINATOR, Role.COORDINATOR)
        event = await app.services.events.create(
            SLUG,
            COORDINATOR,
            title="Veliki forum",
            starts_at=datetime.now(UTC) + timedelta(days=30),
            announce=True,
        )
        await app.services.rsvp.set_capacity(SLUG, COORDINATOR, event.id, places)
        await adapter.start()
        await ReminderScheduler(app, {adapter.name: adapter}, worker="bench").sweep()
        await counts.start()
        settle_collector()  # as `coalition-bot run` does once started
        here.send(Order(event.id, rate, seconds))
        await asyncio.to_thread(here.recv)  # warmed up
        profiling = Profiling(profile, "rsvp") if profile is not None else None
        if profiling is not None:
            profiling.start()
        cpu_began = time.process_time()
        here.send("go")
        pressed: dict[str, Any] = await asyncio.to_thread(here.recv)
        cpu = time.process_time() - cpu_began
        if profiling is not None:
            profiling.finish()
        await counts.settle()
        here.send("settled")
        edits: int = await asyncio.to_thread(here.recv)
        async with app.database.sessions() as session:
            attendance = await session.get_one(Attendance, event.id)
            going_places = await session.scalar(
                select(func.coalesce(func.sum(1 + Rsvp.guests), 0)).where(
                    Rsvp.event_id == event.id, Rsvp.state == RsvpState.GOING
                )
            )
            by_state = dict(
                (
                    await session.execute(
                        select(Rsvp.state, func.count())
                        .where(Rsvp.event_id == event.id)
                        .group_by(Rsvp.state)
                    )
                ).all()
            )
        exact = (
            attendance.places == going_places
            and attendance.going == by_state.get(RsvpState.GOING, 0)
            and attendance.waiting == by_state.get(RsvpState.WAITING, 0)
            and attendance.maybe == by_state.get(RsvpState.MAYBE, 0)
            and attendance.declined == by_state.get(RsvpState.DECLINED, 0)
            and attendance.places <= places
        )
        latencies: list[float] = pressed["latencies"]
        total: int = pressed["presses"]
        return {
            "presses": total,
            "offered a second": total / pressed["offered"],
            "answered a second": len(latencies) / pressed["elapsed"],
            "unanswered": total - len(latencies),
            "p50 ms": statistics.median(latencies) if latencies else float("nan"),
            "p99 ms": percentile(latencies, 0.99) if latencies else float("nan"),
            "error answers": pressed["alerts"],
            "cpu ms a press": cpu * 1000 / max(1, len(latencies)),
            "counts exact": exact,
            "places taken": attendance.places,
            "capacity": places,
            "going": attendance.going,
            "waiting": attendance.waiting,
            "people answered": sum(by_state.values()),
            "edits": edits,
            "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        }
    finally:
        await counts.stop()
        await adapter.stop()
        await app.close()
        pressing.kill()
        pressing.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--places", type=int, default=1_000)
    parser.add_argument(
        "--no-limits",
        action="store_true",
        help="no outgoing limits: every press may edit the announcement's counts at once",
    )
    parser.add_argument("--profile", type=Path, help="write pyinstrument profiles here")
    arguments = parser.parse_args()
    url, drop = scratch_postgres(arguments.postgres_url, "rsvp")
    try:
        figures = asyncio.run(
            measure(
                url,
                arguments.rate,
                arguments.seconds,
                arguments.places,
                arguments.profile,
                limits=not arguments.no_limits,
            )
        )
    finally:
        drop()
    for name, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{name:18} {shown}")


if __name__ == "__main__":
    main()
