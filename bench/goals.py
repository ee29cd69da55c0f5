"""What /cilji and /porocilo cost for a coalition with many indicators over many events.

    python -m bench.goals [--events 100000] [--rounds 300] [--postgres-url URL]

Builds a coalition with one goal of 20 indicators (8 counting linked events, 6 linked
activities, 6 check-ins, yearly and until-date periods) over EVENTS events (half of them
linked to the 8 indicators, spread over two years), 10,000 activities and 2,000 check-ins,
in a temporary SQLite file (and, with --postgres-url, in a fresh PostgreSQL database on that
server). It then times the statuses the way /cilji gets them (GoalService.overview: one
aggregate statement for the indicators, one for the goals), the whole /cilji answer from its
handler (never a remembered answer), and the chart of /porocilo drawn in a worker thread.
It prints p50 and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.dataset import scratch_postgres
from bot.app import build_app
from bot.config import Config, ThrottleConfig
from handlers.context import Context
from handlers.goals import chart
from handlers.goals.listing import list_goals
from handlers.goals.report import chart_of
from handlers.types import ChatKind, IncomingCommand
from models.database import Database
from models.entities import Activity, ActivityStatus, Coalition, Event, Member, Role
from models.goals.entities import Aggregate, CheckIn, Goal, Indicator, PeriodKind, Source
from models.services.views import CoalitionView

SLUG = "bench"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build(url: str, events: int) -> None:
    database = Database.connect(url)
    database.upgrade()
    engine = database.sync_engine()
    with engine.begin() as connection:
        coalition = connection.execute(
            insert(Coalition).values(slug=SLUG, name="Merilna koalicija").returning(Coalition.id)
        ).scalar_one()
        connection.execute(
            insert(Member).values(coalition_id=coalition, identity="console:b", role=Role.ADMIN)
        )
        goal = connection.execute(
            insert(Goal)
            .values(coalition_id=coalition, title="Cilj", created_at=NOW - timedelta(days=400))
            .returning(Goal.id)
        ).scalar_one()
        sources = [Source.EVENTS] * 8 + [Source.ACTIVITIES] * 6 + [Source.MANUAL] * 6
        indicators: dict[Source, list[int]] = {source: [] for source in Source}
        for number, source in enumerate(sources):
            until = number % 4 == 3
            indicators[source].append(
                connection.execute(
                    insert(Indicator)
                    .values(
                        coalition_id=coalition,
                        goal_id=goal,
                        title=f"Kazalnik {number + 1}",
                        target=50 + number,
                        source=source,
                        aggregate=Aggregate.SUM if number % 2 else Aggregate.LATEST,
                        period=PeriodKind.UNTIL if until else PeriodKind.YEARLY,
                        until_on=(NOW + timedelta(days=30)).date() if until else None,
                        until_end=NOW + timedelta(days=31) if until else None,
                        created_at=NOW - timedelta(days=400),
                    )
                    .returning(Indicator.id)
                ).scalar_one()
            )
        start = NOW - timedelta(days=700)
        event_rows = [
            {
                "coalition_id": coalition,
                "title": f"Dogodek {n}",
                "starts_at": start + timedelta(minutes=n * 11),
                "indicator_id": indicators[Source.EVENTS][n % 8] if n % 2 else None,
            }
            for n in range(events)
        ]
        for offset in range(0, len(event_rows), 5000):
            connection.execute(insert(Event), event_rows[offset : offset + 5000])
        activity_rows = [
            {
                "coalition_id": coalition,
                "title": f"Aktivnost {n}",
                "status": ActivityStatus.DONE if n % 3 else ActivityStatus.ACTIVE,
                "done_at": start + timedelta(hours=n * 1.5) if n % 3 else None,
                "indicator_id": indicators[Source.ACTIVITIES][n % 6],
            }
            for n in range(10_000)
        ]
        connection.execute(insert(Activity), activity_rows)
        check_ins = [
            {
                "coalition_id": coalition,
                "indicator_id": indicators[Source.MANUAL][n % 6],
                "value": float(n % 7),
                "actor": "console:b",
                "at": start + timedelta(hours=n * 8),
            }
            for n in range(2_000)
        ]
        connection.execute(insert(CheckIn), check_ins)
    engine.dispose()


async def timed(rounds: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    await call()  # warm up
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


async def measure(url: str, rounds: int) -> dict[str, list[float]]:
    config = Config(database_url=url, throttle=ThrottleConfig(burst=0))
    app = build_app(config, clock=lambda: NOW)
    command = IncomingCommand(
        user_id="console:b",
        chat_id="console:b",
        chat_kind=ChatKind.PRIVATE,
        name="cilji",
        coalition=SLUG,
        locale="sl",
    )
    ctx = Context(
        command=command,
        services=app.services,
        coalition_or_none=CoalitionView(0, SLUG, "Merilna koalicija", "Europe/Ljubljana", "sl"),
        role=Role.ADMIN,
        chat_bound=False,
        t=app.translators["sl"],
        translators=app.translators,
        now=NOW,
    )
    try:
        statuses = await timed(rounds, lambda: app.services.goals.overview(SLUG))
        answers = await timed(rounds, lambda: list_goals(ctx))  # never a remembered answer
        overview = await app.services.goals.overview(SLUG)
        drawings: list[float] = []
        if chart.available():
            drawings = await timed(
                max(20, rounds // 10),
                lambda: asyncio.to_thread(chart.draw, chart_of(ctx, overview)),
            )
    finally:
        await app.close()
    return {"overview": statuses, "/cilji": answers, "chart": drawings}


def report(backend: str, figures: dict[str, list[float]]) -> None:
    for name, samples in figures.items():
        if samples:
            p50, p99 = statistics.median(samples), percentile(samples, 0.99)
            print(f"{backend:10} {name:9} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   n={len(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--postgres-url", default="")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'goals.db'}"
        build(url, arguments.events)
        report("sqlite", asyncio.run(measure(url, arguments.rounds)))
    if arguments.postgres_url:
        url, drop = scratch_postgres(arguments.postgres_url, "goals")
        try:
            build(url, arguments.events)
            report("postgresql", asyncio.run(measure(url, arguments.rounds)))
        finally:
            drop()


if __name__ == "__main__":
    main()
