"""Remembered answers while one person toggles their language every 100 ms.

Shared answers (`/events`, `/deadlines`, `/contacts QUERY` ...) are remembered per coalition
until its content or the minute changes (handlers/answer_cache.py). A person's language is
not content: choosing it makes the dispatcher forget only what it remembered about that
person. This measures answers per second through the dispatcher, from the data set's own
chats and members, with remembered answers on, in pairs of rounds (quiet first, then
toggling first): quiet, and with one private-chat user sending `/language en` and
`/language sl` alternately every 100 ms; the figure is the median rate with toggling over the
median rate without (target ≥ 0.9). Before the change, a
toggle made every process forget every remembered answer: 81,079 → 2,631 answers/s.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from typing import Any

from bench.dataset import ANCHOR, SEED, Probe
from bench.latency import KINDS, make_app, workload
from bench.registry import Benchmark, Measurement, Run, median
from bot.app import App
from handlers.types import ChatKind, IncomingCommand

TOGGLE_EVERY = 0.1
TARGET_RATIO = 0.9
WORKERS = 8
ROUNDS = 5


def toggler(probes: tuple[Probe, ...]) -> Probe:
    """A person who writes to the bot privately (the first private probe, else any)."""
    private = [probe for probe in probes if not probe.group]
    return (private or list(probes))[0]


async def answer_for(app: App, commands: list[IncomingCommand], seconds: float) -> int:
    """Answers from `WORKERS` concurrent askers cycling through `commands` for `seconds`."""
    deadline = time.perf_counter() + seconds
    answered = 0

    async def asker(offset: int) -> None:
        nonlocal answered
        for command in itertools.islice(itertools.cycle(commands), offset, None):
            if time.perf_counter() >= deadline:
                return
            reply = await app.dispatcher.handle(command)
            reply.plain_text()
            answered += 1
            await asyncio.sleep(0)  # let the others (and the toggler) run

    await asyncio.gather(*(asker(i * 97) for i in range(WORKERS)))
    return answered


async def remember_all(app: App, commands: list[IncomingCommand]) -> None:
    """Each command answered once, untimed, so that every round starts with all remembered."""
    for command in commands:
        await app.dispatcher.handle(command)


async def toggle(app: App, person: Probe, stop: asyncio.Event, counts: dict[str, int]) -> None:
    """`/language en`, `/language sl`, ... one every TOGGLE_EVERY seconds on the clock (not
    after the last one ended), until `stop`."""
    started = time.perf_counter()
    for n, language in enumerate(itertools.cycle(("en", "sl")), start=1):
        command = IncomingCommand(
            user_id=person.user_id,
            chat_id=person.user_id,
            chat_kind=ChatKind.PRIVATE,
            name="language",
            args=language,
            display_name="bench",
        )
        reply = await app.dispatcher.handle(command)
        counts["toggles"] += 1
        counts["errors"] += int(reply.is_error)
        wait = started + n * TOGGLE_EVERY - time.perf_counter()
        try:
            await asyncio.wait_for(stop.wait(), max(0.0, wait))
            return
        except TimeoutError:
            continue


async def measure(url: str, probes: tuple[Probe, ...], seconds: float) -> dict[str, Any]:
    app = make_app(url, remember=True)
    person = toggler(probes)
    askers = tuple(probe for probe in probes if probe.user_id != person.user_id)
    commands = [c for kind in KINDS for c in workload(kind, askers, 500)]
    random.Random(SEED).shuffle(commands)
    quiet: list[float] = []
    churned: list[float] = []
    counts = {"toggles": 0, "errors": 0}
    try:
        # a first pass records who was seen in which chat, which makes their chat contexts be
        # read once more: untimed, so that the first quiet round is not a warm-up
        await remember_all(app, commands)
        for round_ in range(ROUNDS):
            # quiet first, then toggling first: a drift in the machine's load favours neither
            for toggling in (False, True) if round_ % 2 == 0 else (True, False):
                await remember_all(app, commands)
                if not toggling:
                    quiet.append(await answer_for(app, commands, seconds) / seconds)
                    continue
                stop = asyncio.Event()
                task = asyncio.create_task(toggle(app, person, stop, counts))
                churned.append(await answer_for(app, commands, seconds) / seconds)
                stop.set()
                await task
        return {"quiet": quiet, "toggling": churned, **counts}
    finally:
        await app.close()


def run(bench: Run) -> list[Measurement]:
    measurements = []
    seconds = 0.5 if bench.options.quick else 3.0
    size = max(bench.options.sizes)
    for backend in bench.backends():
        dataset = bench.dataset(backend, size)
        bench.log(f"language-churn: {backend}, {size:,} events, {ROUNDS} rounds of {seconds} s")
        result = asyncio.run(measure(dataset.url, dataset.probes, seconds))
        quiet, toggling = median(result["quiet"]), median(result["toggling"])
        ratio = toggling / quiet
        bench.log(
            f"language-churn: {backend}: quiet {quiet:,.0f} answers/s, toggling "
            f"{toggling:,.0f} answers/s ({result['toggles']} toggles): ratio {ratio:.2f}"
        )
        common: dict[str, Any] = {"benchmark": "language-churn", "backend": backend, "events": size}
        measurements += [
            Measurement(subject="quiet: answers/s", unit="/s", median=quiet, **common),
            Measurement(
                subject="one user toggles /language every 100 ms: answers/s",
                unit="/s",
                median=toggling,
                **common,
            ),
            Measurement(
                subject="toggling / quiet",
                unit="×",
                median=ratio,
                target=TARGET_RATIO,
                checks="at least",
                samples=ROUNDS,
                extra={
                    "quiet_rounds": result["quiet"],
                    "toggling_rounds": result["toggling"],
                    "toggles": result["toggles"],
                    "toggle_errors": result["errors"],
                    "anchor": ANCHOR.isoformat(),
                },
                **common,
            ),
        ]
    return measurements


BENCHMARK = Benchmark(
    "language-churn",
    "remembered answers/s while one user toggles /language every 100 ms, ratio to quiet",
    run,
)
