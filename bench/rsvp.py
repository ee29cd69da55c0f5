"""RSVP presses at a steady rate on one event, through the dispatcher, on PostgreSQL.

    python -m bench.rsvp --postgres-url URL [--rate 500] [--seconds 10] [--places 1000]

Builds a coalition with one event of PLACES places in a fresh PostgreSQL database on that
server, then offers RATE presses a second for SECONDS seconds, each started on its own
schedule whether or not the ones before it have been answered (an open loop, as people
press): 2,000 people, each press going, maybe or can't at random, so some people press the
same button twice and some change their answer. Every press goes the whole way a pressed
button goes after the platform adapter (the dispatcher: the chat's coalition and the
person's role, the per-person limit off, the answer stored under the event's row lock, the
reply rendered). It prints p50 and p99 from the press to the answer in milliseconds, the
presses answered a second, and whether the counts agree with the rows afterwards (places
taken never above the capacity).

What it does not measure: the platform's own round trip (Telegram's callback query and the
edit of the message), which the Telegram throughput benchmark measures for typed commands.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench.dataset import scratch_postgres
from bot.app import build_app, start_app
from bot.config import Config, ThrottleConfig
from handlers.types import ChatKind, IncomingCommand
from models.database import Database
from models.entities import Role
from models.rsvp import Attendance, Rsvp, RsvpState
from models.services.directory import CoalitionSpec

SLUG = "bench"
PEOPLE = 2_000
COORDINATOR = "telegram:1"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(url: str, rate: int, seconds: float, places: int) -> dict[str, object]:
    database = Database.connect(url)
    await asyncio.to_thread(database.upgrade)
    await database.dispose()
    app = build_app(replace(Config(), database_url=url, throttle=ThrottleConfig(burst=0)))
    try:
        await start_app(app)
        await app.services.directory.apply_config(
            [CoalitionSpec(slug=SLUG, name="Merilna koalicija", chats=("telegram:-100",))]
        )
        await app.services.directory.ensure_role(SLUG, COORDINATOR, Role.COORDINATOR)
        event = await app.services.events.create(
            SLUG,
            COORDINATOR,
            title="Veliki forum",
            starts_at=datetime.now(UTC) + timedelta(days=30),
        )
        await app.services.rsvp.set_capacity(SLUG, COORDINATOR, event.id, places)
        chooser = random.Random(20261129)
        answers = ("yes", "yes", "maybe", "no")
        latencies: list[float] = []
        failed = 0

        async def press(person: int, answer: str) -> None:
            nonlocal failed
            started = time.perf_counter()
            reply = await app.dispatcher.handle(
                IncomingCommand(
                    user_id=f"telegram:{1000 + person}",
                    chat_id="telegram:-100",
                    chat_kind=ChatKind.GROUP,
                    name="rsvp",
                    args=f"{event.id} {answer}",
                    coalition=SLUG,
                )
            )
            latencies.append((time.perf_counter() - started) * 1000)
            failed += reply.is_error

        total = int(rate * seconds)
        tasks = []
        began = time.perf_counter()
        for n in range(total):
            delay = began + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            person, answer = chooser.randrange(PEOPLE), chooser.choice(answers)
            tasks.append(asyncio.create_task(press(person, answer)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
        async with app.database.sessions() as session:
            attendance = await session.get_one(Attendance, event.id)
            going_places = await session.scalar(
                select(func.coalesce(func.sum(1 + Rsvp.guests), 0)).where(
                    Rsvp.event_id == event.id, Rsvp.state == RsvpState.GOING
                )
            )
            waiting = await session.scalar(
                select(func.count()).where(
                    Rsvp.event_id == event.id, Rsvp.state == RsvpState.WAITING
                )
            )
        exact = attendance.places == going_places and attendance.waiting == waiting
        return {
            "presses": total,
            "answered a second": total / elapsed,
            "p50 ms": statistics.median(latencies),
            "p99 ms": percentile(latencies, 0.99),
            "errors": failed,
            "counts exact": exact,
            "places taken": attendance.places,
            "capacity": places,
            "waiting": attendance.waiting,
        }
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--places", type=int, default=1_000)
    arguments = parser.parse_args()
    url, drop = scratch_postgres(arguments.postgres_url, "rsvp")
    try:
        figures = asyncio.run(measure(url, arguments.rate, arguments.seconds, arguments.places))
    finally:
        drop()
    for name, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{name:18} {shown}")


if __name__ == "__main__":
    main()
