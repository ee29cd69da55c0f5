"""What /cilji and /porocilo cost for a coalition with many indicators over many events.

    python -m bench.goals [--events 100000] [--rounds 300] [--postgres-url URL]
                          [--cache-dir DIR] [--profile DIR]

Builds a coalition with one goal of 20 indicators (8 counting linked events, 6 linked
activities, 6 check-ins, yearly and until-date periods) over EVENTS events (half of them
linked to the 8 indicators, spread over two years), 10,000 activities and 2,000 check-ins,
in a SQLite file (and, with --postgres-url, in a PostgreSQL database on that server), kept
for the next run under --cache-dir as `goals-<events>-r<schema head>-v<version>.sqlite` and
as the database `bench_goals_<events>_r<schema head>_v<version>` (a new migration builds
anew). It then times the statuses the way /cilji gets them (GoalService.overview), the whole
/cilji answer from its handler (never a remembered answer), /cilji through the dispatcher as
people ask it ("remembered": the answer is kept until the coalition's content or the minute
changes), and the chart of /porocilo drawn in a worker thread.
It prints p50 and p99 in milliseconds. With --profile DIR, pyinstrument samples the /cilji
rounds and writes DIR/goals-<backend>.txt (the call tree) and -flat.txt (by own time).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from bench.dataset import _database_names, _drop, _remove_sqlite, schema_head, server_url
from bench.profiling import Profiling
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

RESULTS = Path(__file__).resolve().parent / "results"
SLUG = "bench"
VERSION = 1
"""Part of the cache key: counts up when build() makes other rows."""
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


async def measure(
    url: str, rounds: int, backend: str = "sqlite", profile: Path | None = None
) -> dict[str, list[float]]:
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
        if profile is not None:
            await profiled(profile, f"goals-{backend}", rounds, lambda: list_goals(ctx))
        answers = await timed(rounds, lambda: list_goals(ctx))  # never a remembered answer
        # as people ask: through the dispatcher, which remembers the answer until the
        # coalition's content or the minute changes (the clock stands still here)
        remembered = await timed(rounds, lambda: app.dispatcher.handle(command))
        overview = await app.services.goals.overview(SLUG)
        drawings: list[float] = []
        if chart.available():
            drawings = await timed(
                max(20, rounds // 10),
                lambda: asyncio.to_thread(chart.draw, chart_of(ctx, overview)),
            )
    finally:
        await app.close()
    return {
        "overview": statuses,
        "/cilji": answers,
        "remembered": remembered,
        "chart": drawings,
    }


async def profiled(
    directory: Path, name: str, rounds: int, call: Callable[[], Awaitable[object]]
) -> None:
    """The call `rounds` times under pyinstrument (its own rounds, not the timed ones)."""
    profiling = Profiling(directory, name)
    profiling.start()
    try:
        for _ in range(rounds):
            await call()
    finally:
        profiling.finish()


def report(backend: str, figures: dict[str, list[float]]) -> None:
    for name, samples in figures.items():
        if samples:
            p50, p99 = statistics.median(samples), percentile(samples, 0.99)
            print(
                f"{backend:10} {name:10} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   n={len(samples)}"
            )


def key(events: int) -> str:
    return f"{events}-r{re.sub(r'[^a-z0-9]', '', schema_head().lower())}-v{VERSION}"


def cached_sqlite(cache_dir: Path, events: int, rebuild: bool) -> str:
    """The SQLite file of this size, built unless already there."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"goals-{key(events)}.sqlite"
    if rebuild or not path.exists():
        partial = cache_dir / f"goals-building-{os.getpid()}.sqlite"
        _remove_sqlite(partial)
        build(f"sqlite:///{partial}", events)
        _remove_sqlite(path)
        os.replace(partial, path)
        _remove_sqlite(partial)
    return f"sqlite:///{path}"


def cached_postgres(server: str, events: int, rebuild: bool) -> str:
    """The PostgreSQL database of this size on the server, built unless already there."""
    base = server_url(server)
    name = f"bench_goals_{key(events).replace('-', '_')}"
    partial = f"bench_goals_building_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            existing = _database_names(connection)
            if name in existing and not rebuild:
                return base.set(database=name).render_as_string(hide_password=False)
            _drop(connection, partial)
            connection.execute(text(f'CREATE DATABASE "{partial}"'))
        build(base.set(database=partial).render_as_string(hide_password=False), events)
        vacuum = create_engine(base.set(database=partial), isolation_level="AUTOCOMMIT")
        try:
            with vacuum.connect() as connection:
                connection.execute(text("VACUUM ANALYZE"))
        finally:
            vacuum.dispose()
        with admin.connect() as connection:
            _drop(connection, name)
            connection.execute(text(f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--cache-dir", type=Path, default=RESULTS)
    parser.add_argument("--rebuild", action="store_true", help="build the data sets anew")
    parser.add_argument("--profile", type=Path, default=None, help="write profiles here")
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    arguments = parser.parse_args()
    urls = []
    if arguments.backend != "postgresql":
        urls.append(
            ("sqlite", cached_sqlite(arguments.cache_dir, arguments.events, arguments.rebuild))
        )
    if arguments.postgres_url and arguments.backend != "sqlite":
        urls.append(
            (
                "postgresql",
                cached_postgres(arguments.postgres_url, arguments.events, arguments.rebuild),
            )
        )
    for backend, url in urls:
        report(backend, asyncio.run(measure(url, arguments.rounds, backend, arguments.profile)))


if __name__ == "__main__":
    main()
