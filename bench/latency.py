"""Command latency through the core: dispatcher, handler, services, database and rendering.

Each timed call is `await app.dispatcher.handle(IncomingCommand(...))` and then
`reply.plain_text()`, with no network and no platform: what every adapter pays before it sends.
The commands come from the data set's own chats and members (bound groups and private chats,
each resolving its coalition the way Telegram and Slack updates do), in English and Slovenian,
always the same sequence. The four commands are interleaved call by call, so the noise of a
shared machine falls on all of them alike. The clock is fixed at the data set's ANCHOR.

The dispatcher remembers shared answers until the content or the minute changes
(handlers/answer_cache.py). The targeted figures are taken with that off, so that every call
does the whole work; on the largest data set the same calls are then measured with it on
("remembered"): the first call of each chat and question does the work, the rest do not.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from bench.dataset import ANCHOR, SEED, Probe
from bench.registry import Benchmark, Measurement, Run, median, percentile
from bot.app import App, build_app
from bot.config import Config
from handlers.types import ChatKind, IncomingCommand

TARGET_P99_MS = {"sqlite": 10.0, "postgres": 15.0}
WARMUP_CALLS = 50
CONTACT_QUERIES = (
    "zbornica",
    "šola",
    "Novak",
    "Kovačič",
    "občina",
    "inštitut",
    "društvo",
    "Žagar",
    "direktor",
    "business",
    "izobraževanje",
    "Špela",
    "digitalne rešitve",
    "ravnateljica",
)


@dataclass(frozen=True)
class CommandKind:
    """One benchmarked command: its label and how to write a line for a probe."""

    label: str
    line: Callable[[random.Random, Probe], str]


def _events(rng: random.Random, _probe: Probe) -> str:
    return rng.choice(("/events", "/dogodki"))


def _events_area_week(rng: random.Random, probe: Probe) -> str:
    name = rng.choice(("/events", "/dogodki"))
    return f"{name} {rng.choice(probe.areas)} {rng.choice(('week', 'teden'))}"


def _deadlines(rng: random.Random, _probe: Probe) -> str:
    return rng.choice(("/deadlines", "/roki"))


def _contacts(rng: random.Random, _probe: Probe) -> str:
    return f"{rng.choice(('/contacts', '/kontakti'))} {rng.choice(CONTACT_QUERIES)}"


KINDS = (
    CommandKind("/events", _events),
    CommandKind("/events AREA week", _events_area_week),
    CommandKind("/deadlines", _deadlines),
    CommandKind("/contacts QUERY", _contacts),
)


def incoming(line: str, probe: Probe, locale: str | None) -> IncomingCommand:
    """A command line from a probe's chat, as an adapter would hand it over."""
    name, _, args = line.lstrip("/").partition(" ")
    return IncomingCommand(
        user_id=probe.user_id,
        chat_id=probe.chat_id,
        chat_kind=ChatKind.GROUP if probe.group else ChatKind.PRIVATE,
        name=name,
        args=args,
        locale=locale,
        display_name="bench",
    )


def workload(kind: CommandKind, probes: tuple[Probe, ...], count: int) -> list[IncomingCommand]:
    """`count` commands of one kind from probes across the data set; the same every run."""
    rng = random.Random(f"{SEED}:{kind.label}")
    commands = []
    for _ in range(count):
        probe = rng.choice(probes)
        locale = rng.choice((None, "sl", "en"))
        commands.append(incoming(kind.line(rng, probe), probe, locale))
    return commands


def make_app(url: str, *, remember: bool = False) -> App:
    """The app on the data set; without `remember` every call does the whole work (the
    dispatcher's remembered answers are off), which is what the targets are about."""
    app = build_app(Config(database_url=url), clock=lambda: ANCHOR)
    if not remember:
        app.dispatcher.freshness = None
    return app


async def answer(app: App, command: IncomingCommand) -> tuple[str, bool]:
    reply = await app.dispatcher.handle(command)
    return reply.plain_text(), reply.is_error


async def count_statements(app: App, commands: list[IncomingCommand]) -> float:
    """SQL statements per command (the round trips), on a few calls outside the timing."""
    statements = 0

    def counted(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    engine = app.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        for command in commands:
            await answer(app, command)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return statements / len(commands)


def warmup_calls(calls: int) -> int:
    """Untimed calls before the timed ones: 50, fewer for a short (--quick) run."""
    return min(WARMUP_CALLS, max(5, calls // 10))


async def measure(
    url: str, probes: tuple[Probe, ...], calls: int, *, remember: bool = False
) -> dict[str, dict[str, Any]]:
    """Per command kind: the latencies in ms, statements per call, errors and a sample answer."""
    app = make_app(url, remember=remember)
    warmup = warmup_calls(calls)
    try:
        plans = {kind.label: workload(kind, probes, calls + warmup) for kind in KINDS}
        results: dict[str, dict[str, Any]] = {}
        for label, commands in plans.items():
            sample, _error = await answer(app, commands[0])
            results[label] = {
                "samples": [],
                "errors": 0,
                "statements": await count_statements(app, commands[: min(20, calls)]),
                "sample": sample,
            }
        for index in range(calls + warmup):
            for label, commands in plans.items():
                started = time.perf_counter_ns()
                reply = await app.dispatcher.handle(commands[index])
                reply.plain_text()
                elapsed = time.perf_counter_ns() - started
                if index >= warmup:
                    results[label]["samples"].append(elapsed / 1e6)
                    results[label]["errors"] += int(reply.is_error)
        return results
    finally:
        await app.close()


def run(bench: Run) -> list[Measurement]:
    measurements = []
    calls = bench.options.calls
    for backend in bench.backends():
        for size in bench.options.sizes:
            dataset = bench.dataset(backend, size)
            bench.log(f"latency: {backend}, {size:,} events, {calls} calls per command ...")
            results = asyncio.run(measure(dataset.url, dataset.probes, calls))
            if size == max(bench.options.sizes):
                bench.log(f"latency: {backend}, {size:,} events, answers remembered ...")
                remembered = asyncio.run(measure(dataset.url, dataset.probes, calls, remember=True))
                results.update({f"{label}, remembered": r for label, r in remembered.items()})
            for label, result in results.items():
                samples: list[float] = result["samples"]
                if result["errors"]:
                    bench.log(f"latency: {label} answered {result['errors']} times with an error")
                measurements.append(
                    Measurement(
                        benchmark="latency",
                        backend=backend,
                        events=size,
                        subject=label,
                        unit="ms",
                        median=median(samples),
                        p99=percentile(samples, 99),
                        target=None if "remembered" in label else TARGET_P99_MS[backend],
                        checks="p99",
                        samples=len(samples),
                        extra={
                            "mean": sum(samples) / len(samples),
                            "p90": percentile(samples, 90),
                            "max": max(samples),
                            "errors": result["errors"],
                            "statements_per_call": result["statements"],
                            "sample_answer": result["sample"][:400],
                        },
                    )
                )
    return measurements


BENCHMARK = Benchmark(
    "latency",
    "p50/p99 of /events, /events AREA week, /deadlines, /contacts QUERY through the core",
    run,
)
