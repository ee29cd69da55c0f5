"""`python -m bench.web`: the public page and feeds at 100,000 events, while the bot answers.

    python -m bench.web                       # 100k events, SQLite, 30 s at 200 requests/s
    python -m bench.web --events 10000 --seconds 5 --rate 50   # a quick look
    python -m bench.web --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Pages and feeds are remembered while nothing changes (within the minute, for pages), so the
figures say both what a request costs as served and what a render costs after a change.

Builds (or reuses) the benchmark data set (bench/dataset.py), marks 1,000 upcoming events of
one coalition public, starts the web application on 127.0.0.1 exactly as `coalition-bot run`
builds it (bot/runner.py `web_server`), and measures over real HTTP from a client in the
same process:
  - `/<slug>/` (20 events, page 1) round trips, p50/p99;
  - the public feed of those 1,000 events: rendered anew (the render cache emptied before each
    request) and as served while the content is unchanged;
  - a conditional request answered `304 Not Modified`;
  - a steady load of pages, event pages, feeds and 304s at `--rate` requests per second for
    `--seconds`, while a member sends `/events` through the dispatcher 10 times a second:
    errors, and the commands' p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import create_engine, make_url, text

from bench.dataset import ANCHOR, postgres_dataset, server_url, sqlite_dataset
from bot.app import build_app
from bot.config import Config, ThrottleConfig, WebConfig
from bot.runner import settle_collector, web_server
from bot.web.health import alive_check, database_check
from bot.web.ics import FeedWriter
from bot.web.site import Site
from handlers.types import ChatKind, IncomingCommand
from models.entities import Role
from tests.web.running import free_port

PUBLIC_EVENTS = 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(values: list[float]) -> dict[str, float]:
    milliseconds = [v * 1000 for v in values]
    return {
        "n": len(milliseconds),
        "p50_ms": round(statistics.median(milliseconds), 2),
        "p99_ms": round(percentile(milliseconds, 0.99), 2),
        "max_ms": round(max(milliseconds), 2),
    }


def prepare(events: int, cache: Path, folder: Path, postgres: str = "") -> tuple[str, str]:
    """A copy of the data set with 1,000 upcoming public events in its first coalition."""
    if postgres:
        dataset = postgres_dataset(postgres, events)
        server = server_url(postgres)
        copy = f"bench_web_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{copy}"'))
            template = make_url(dataset.url).database
            connection.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"'))
        admin.dispose()
        url = server.set(database=copy).render_as_string(hide_password=False)
    else:
        source = Path(sqlite_dataset(cache, events).url.removeprefix("sqlite:///"))
        path = folder / "web.sqlite"
        shutil.copy(source, path)
        url = f"sqlite:///{path}"
    engine = create_engine(
        server_url(url).set(database=make_url(url).database) if postgres else url
    )
    with engine.begin() as connection:
        slug, coalition_id = connection.execute(
            text("SELECT slug, id FROM coalitions ORDER BY id LIMIT 1")
        ).one()
        connection.execute(
            text(
                "UPDATE events SET visibility = 'public' WHERE id IN (SELECT id FROM events "
                "WHERE coalition_id = :c AND status = 'scheduled' AND starts_at >= :now "
                "ORDER BY starts_at LIMIT :n)"
            ),
            {"c": coalition_id, "now": ANCHOR.replace(tzinfo=None), "n": PUBLIC_EVENTS},
        )
    engine.dispose()
    return url, str(slug)


def drop_copy(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    admin = create_engine(server_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


async def timed(
    session: aiohttp.ClientSession, url: str, count: int, **kw: Any
) -> tuple[list[float], int]:
    seconds: list[float] = []
    status = 0
    for _ in range(count):
        started = time.perf_counter()
        async with session.get(url, **kw) as response:
            await response.read()
            status = response.status
        seconds.append(time.perf_counter() - started)
    return seconds, status


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url, slug = prepare(args.events, Path(args.cache), folder, args.postgres_url)
    port = free_port()
    config = Config(
        database_url=url,
        throttle=ThrottleConfig(burst=0),
        web=WebConfig(port=port, public_url=f"http://127.0.0.1:{port}"),
    )
    app = build_app(config, clock=lambda: ANCHOR)
    checks = {
        "database": database_check(app.database.sessions),
        "scheduler": alive_check(lambda: True, ""),
    }
    server = web_server(app, checks)
    await server.start()
    settle_collector()  # as `coalition-bot run` does once it has started
    member = "console:bench-member"
    await app.services.directory.ensure_role(slug, member, Role.MEMBER)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "backend": "postgres" if args.postgres_url else "sqlite",
        "events": args.events,
        "public_events": PUBLIC_EVENTS,
    }
    try:
        async with aiohttp.ClientSession() as session:
            site = _site(server)
            await timed(session, f"{base}/{slug}/", 20)
            rendered: list[float] = []
            for _ in range(args.feed_renders * 2):
                site._pages.clear()
                seconds, status = await timed(session, f"{base}/{slug}/", 1)
                rendered += seconds
            assert status == 200
            results["page_rendered"] = figures(rendered)
            page, status = await timed(session, f"{base}/{slug}/", args.requests)
            assert status == 200
            results["page"] = figures(page)

            feed_url = f"{base}/{slug}/calendar.ics"
            async with session.get(feed_url) as first:
                body = await first.read()
                etag = first.headers["ETag"]
            results["feed_bytes"] = len(body)
            results["feed_events"] = body.count(b"BEGIN:VEVENT")
            cold: list[float] = []
            for _ in range(max(3, args.feed_renders // 5)):
                site._feeds.clear()
                site.writer = FeedWriter()
                seconds, _status = await timed(session, feed_url, 1)
                cold += seconds
            results["feed_written_from_nothing"] = figures(cold)
            changed: list[float] = []
            for _ in range(args.feed_renders):
                site._feeds.clear()
                seconds, _status = await timed(session, feed_url, 1)
                changed += seconds
            results["feed_after_a_change"] = figures(changed)
            warm, _status = await timed(session, feed_url, args.requests)
            results["feed_unchanged_content"] = figures(warm)
            not_modified, status = await timed(
                session, feed_url, args.requests, headers={"If-None-Match": etag}
            )
            assert status == 304
            results["not_modified"] = figures(not_modified)
            results["load"] = await load(session, base, slug, etag, app, member, args)
    finally:
        await server.stop()
        await app.close()
        shutil.rmtree(folder, ignore_errors=True)
        drop_copy(url)
    return results


def _site(server: Any) -> Site:
    """The web application's routes' owner, whose remembered pages and feeds are emptied to
    time a render."""
    for route in server.application.router.routes():
        handler = getattr(route.handler, "__self__", None)
        if isinstance(handler, Site):
            return handler
    raise RuntimeError("no site found")


async def load(
    session: aiohttp.ClientSession,
    base: str,
    slug: str,
    etag: str,
    app: Any,
    member: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """`rate` requests a second for `seconds`, and `/events` 10 times a second meanwhile."""
    paths = [
        (f"{base}/{slug}/", {}),
        (f"{base}/{slug}/?page=3", {}),
        (f"{base}/{slug}/calendar.ics", {}),
        (f"{base}/{slug}/calendar.ics", {"headers": {"If-None-Match": etag}}),
        (f"{base}/{slug}/embed", {}),
    ]
    latencies: list[float] = []
    errors: list[str] = []
    commands: list[float] = []

    async def one(url: str, kw: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            async with session.get(url, **kw) as response:
                await response.read()
                if response.status not in (200, 304):
                    errors.append(str(response.status))
        except Exception as error:
            errors.append(type(error).__name__)
        latencies.append(time.perf_counter() - started)

    async def command() -> None:
        started = time.perf_counter()
        reply = await app.dispatcher.handle(
            IncomingCommand(member, member, ChatKind.PRIVATE, "events", coalition=slug)
        )
        if reply.is_error:
            errors.append("command")
        commands.append(time.perf_counter() - started)

    async def paced(every: float, total: int, make: Callable[[int], Awaitable[None]]) -> None:
        tasks = []
        start = time.perf_counter()
        for index in range(total):
            delay = start + index * every - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(make(index)))
        await asyncio.gather(*tasks)

    total = int(args.rate * args.seconds)
    started = time.perf_counter()
    await asyncio.gather(
        paced(1 / args.rate, total, lambda i: one(*paths[i % len(paths)])),
        paced(0.1, int(args.seconds * 10), lambda _i: command()),
    )
    elapsed = time.perf_counter() - started
    return {
        "requests": total,
        "seconds": round(elapsed, 1),
        "achieved_rate": round(total / elapsed, 1),
        "errors": len(errors),
        "requests_ms": figures(latencies),
        "commands": figures(commands),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--feed-renders", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--cache", default=str(Path(__file__).parent / "results"))
    parser.add_argument(
        "--postgres-url", default="", help="run on a copy of the PostgreSQL data set instead"
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args)), indent=2))


if __name__ == "__main__":
    main()
