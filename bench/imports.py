"""What importing a 10,000-row spreadsheet costs, from the file's bytes to the commit.

    python -m bench.imports [--rows 10000] [--rounds 3] [--postgres-url URL]

Builds the demo coalitions in a temporary SQLite file (and, with --postgres-url, in a fresh
PostgreSQL database on that server), then for each kind writes a file of ROWS rows (events
with dates in the forms /addevent reads, activities with due dates, contacts with e-mail
addresses, goals with indicators; a semicolon CSV, UTF-8) and times, through the same path
a chat's Confirm and `coalition-bot import --yes` take (handlers/imports/flow.import_file):
the preview, the import, and the same file imported again (nothing changes). Each figure is
the median of ROUNDS runs, each on a fresh copy of the database. Target: < 10 s for the
import of 10,000 rows on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from bench.dataset import scratch_postgres
from bot.app import build_app, start_app
from bot.config import Config
from handlers.imports.flow import import_file
from models.database import Database
from models.imports.columns import Kind

SLUG = "sasa"
TARGET_SECONDS = 10.0


def events_csv(rows: int) -> bytes:
    lines = [
        f"Dogodek {i};{1 + i % 28}. {1 + i % 12}. 2027 ob {8 + i % 10}h;Velenje;pametno-mesto"
        for i in range(rows)
    ]
    return ("naslov;kdaj;kje;področje\n" + "\n".join(lines) + "\n").encode()


def activities_csv(rows: int) -> bytes:
    lines = [f"Aktivnost {i};{1 + i % 28}. {1 + i % 12}. 2027;;v teku" for i in range(rows)]
    return ("naslov;rok;področje;stanje\n" + "\n".join(lines) + "\n").encode()


def contacts_csv(rows: int) -> bytes:
    lines = [
        f"Oseba {i};Organizacija {i % 200};vodja;oseba{i}@example.org;+386 1 {i:06d}"
        for i in range(rows)
    ]
    return ("ime;organizacija;vloga;e-pošta;telefon\n" + "\n".join(lines) + "\n").encode()


def goals_csv(rows: int) -> bytes:
    lines = [
        f"Cilj {i // 10};;;Kazalnik {i};{1 + i % 5};srečanja;"
        f"{'letno' if i % 2 else 'do 31. 12. 2028'};{'ročno' if i % 3 else 'dogodki'}"
        for i in range(rows)
    ]
    head = "cilj;področje;opis cilja;kazalnik;ciljna vrednost;enota;obdobje;vir\n"
    return (head + "\n".join(lines) + "\n").encode()


FILES: dict[Kind, Callable[[int], bytes]] = {
    Kind.EVENTS: events_csv,
    Kind.ACTIVITIES: activities_csv,
    Kind.CONTACTS: contacts_csv,
    Kind.GOALS: goals_csv,
}


async def one_round(url: str, kind: Kind, content: bytes) -> tuple[float, float, float, int]:
    """Seconds for the preview, the import and the import again; rows written."""
    app = build_app(Config(database_url=url))
    try:
        coalition = await app.services.exports.coalition(SLUG)
        times: list[float] = []
        written = 0
        for write in (False, True, True):
            started = time.perf_counter()
            _, outcome = await import_file(
                app.services.imports,
                SLUG,
                None,
                f"{kind.value}.csv",
                content,
                kind=kind,
                now=app.clock(),
                zone=coalition.zone,
                t=app.translators["sl"],
                translators=app.translators.values(),
                write=write,
            )
            times.append(time.perf_counter() - started)
            if write and not written:
                written = outcome.new
                assert not outcome.rejected, outcome.rejected[:3]
            elif write:
                assert (outcome.new, outcome.changed) == (0, 0), "the second import is a no-op"
        return times[0], times[1], times[2], written
    finally:
        await app.close()


async def demo(url: str) -> None:
    database = Database.connect(url)
    await asyncio.to_thread(database.upgrade)
    await database.dispose()
    app = build_app(Config(database_url=url))
    await start_app(app, with_demo=True)
    await app.close()


def measure(
    backend: str, rows: int, rounds: int, fresh: Callable[[], AbstractContextManager[str]]
) -> None:
    print(f"\n{backend}, {rows:,} rows, median of {rounds} (seconds)")
    print("| kind | preview | import | again (no-op) | rows written |")
    print("|---|---|---|---|---|")
    for kind, make in FILES.items():
        content = make(rows)
        results = []
        for _ in range(rounds):
            with fresh() as url:
                results.append(asyncio.run(one_round(url, kind, content)))
        preview, first, again = (statistics.median(r[i] for r in results) for i in range(3))
        mark = " ✓" if kind is Kind.EVENTS and first < TARGET_SECONDS else ""
        written = results[0][3]
        print(f"| {kind.value} | {preview:.2f} | {first:.2f}{mark} | {again:.2f} | {written:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "demo.db"
        asyncio.run(demo(f"sqlite:///{template}"))

        def sqlite_copy() -> AbstractContextManager[str]:
            copy = Path(scratch) / "bench.db"
            shutil.copy(template, copy)
            return nullcontext(f"sqlite:///{copy}")

        measure("SQLite", args.rows, args.rounds, sqlite_copy)
    if args.postgres_url:

        def postgres_copy() -> AbstractContextManager[str]:
            return postgres_fresh(args.postgres_url)

        measure("PostgreSQL", args.rows, args.rounds, postgres_copy)


@contextmanager
def postgres_fresh(server: str) -> Iterator[str]:
    """A fresh PostgreSQL database with the demo, dropped afterwards."""
    url, drop = scratch_postgres(server, "imports")
    try:
        asyncio.run(demo(url))
        yield url
    finally:
        drop()


if __name__ == "__main__":
    main()
