"""Start-up to the first answer, and peak memory, of the real `coalition-bot run` process.

Both spawn `python -m bot --config FILE run` on the largest data set's deployment copy (see
bench/deployment.py), with `[telegram] token` and `base_url` pointing at the fake Bot API of
bench/fake_telegram.py on 127.0.0.1: the process checks the schema, polls getUpdates, runs
the reminder scheduler and sends through its rate limiter, as deployed.

start-up: one `/events` update from a bound group waits in the fake before the spawn; the
figure is the time from the spawn to the fake receiving the sendMessage that answers it:
the median of N runs after one unmeasured warm-up run (so it is of a warm file cache; the
warm-up is reported too; `--quick` has none). For context the same is timed for a bare
interpreter and for importing the bot, and each run's time to its first Bot API call (getMe).

memory: the process answers one update, then 5,000 more offered at once, from the bound
groups in turn (so that the limiter's 20 a minute per group does not hold them up; its 30
a second overall does); the figure is its peak RSS (VmHWM from /proc/PID/status) after the
last answer. `--quick` sends at most 10 updates from a group.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.deployment import (
    BotProcess,
    Deployment,
    coalition_bot_run,
    deployment,
    describe,
)
from bench.fake_telegram import FakeTelegram
from bench.memory import status_mb
from bench.registry import Benchmark, Measurement, Run, median

ROOT = Path(__file__).resolve().parents[1]
TARGET_START_S = 2.0
TARGET_RSS_MB = 150.0
START_SECONDS = 120.0
DEPLOYED_RATE = 30
QUICK_PER_GROUP = 10
"""Messages a second the deployed rate limiter lets out."""


def largest(bench: Run, backend: str) -> Deployment:
    return deployment(bench, backend, max(bench.options.sizes))


def timed(command: list[str], timeout: float = 120) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, cwd=ROOT, check=True, timeout=timeout)
    return time.perf_counter() - started


async def start_once(
    fake: FakeTelegram, config: Path, deployed: Deployment, run: int
) -> tuple[float, float]:
    """Spawns `coalition-bot run` with one /events waiting: seconds to getMe, to the answer."""
    fake.reset()
    fake.offer(deployed.updates(1, first_id=1, label=f"start-up {run}"))
    process = BotProcess(coalition_bot_run(config), config.with_suffix(".log"))
    await process.start()
    try:
        await process.wait_answered(fake, START_SECONDS, "coalition-bot run")
        get_me = fake.first_call_at["getMe"] - process.started_at
        return get_me, fake.answered_at() - process.started_at
    finally:
        await process.stop()


async def start_ups(
    deployed: Deployment, config_path: Path, runs: int, *, warm_up: bool
) -> dict[str, Any]:
    fake = FakeTelegram()
    await fake.start()
    try:
        config = deployed.config(config_path, fake.base_url)
        warmup = (await start_once(fake, config, deployed, 0))[1] if warm_up else None
        timings = [await start_once(fake, config, deployed, run) for run in range(1, runs + 1)]
        return {
            "runs": [answered for _get_me, answered in timings],
            "warmup_run": warmup,
            "to_get_me_median": median([get_me for get_me, _answered in timings]),
        }
    finally:
        await fake.close()


def start_to_first_answer(bench: Run) -> list[Measurement]:
    measurements = []
    runs = bench.options.startup_runs
    for backend in bench.backends():
        deployed = largest(bench, backend)
        bench.log(f"start-up: {backend}, {runs} runs of `coalition-bot run` with /events ...")
        config = bench.options.cache_dir / f"startup-{backend}-{deployed.events}.toml"
        figures = asyncio.run(start_ups(deployed, config, runs, warm_up=not bench.options.quick))
        seconds: list[float] = figures["runs"]
        bare = [timed([sys.executable, "-c", "pass"]) for _ in range(runs)]
        imports = [timed([sys.executable, "-c", "import bot.cli"]) for _ in range(runs)]
        measurements.append(
            Measurement(
                benchmark="startup",
                backend=backend,
                events=deployed.events,
                subject="start to first answered update",
                unit="s",
                median=median(seconds),
                target=TARGET_START_S,
                checks="median",
                samples=len(seconds),
                extra={
                    **figures,
                    **describe(deployed),
                    "bare_interpreter_median": median(bare),
                    "import_bot_cli_median": median(imports),
                    "command": "python -m bot --config FILE run ([telegram] base_url: the fake)",
                },
            )
        )
    return measurements


async def answer_many(deployed: Deployment, config_path: Path, count: int) -> dict[str, Any]:
    fake = FakeTelegram()
    await fake.start()
    try:
        config = deployed.config(config_path, fake.base_url)
        process = BotProcess(coalition_bot_run(config), config.with_suffix(".log"))
        await process.start()
        try:
            fake.offer(deployed.updates(1, first_id=1, label="memory, first"))
            await process.wait_answered(fake, START_SECONDS, "coalition-bot run")
            first = status_mb(process.pid)
            fake.reset()
            fake.offer(deployed.updates(count, first_id=2, label="memory", spread=True))
            await process.wait_answered(
                fake, count / DEPLOYED_RATE * 1.5 + START_SECONDS, "coalition-bot run"
            )
            after = status_mb(process.pid)
            return {
                "updates": fake.answered,
                "peak_mb": after["VmHWM"],
                "rss_mb": after["VmRSS"],
                "after_first_answer_peak_mb": first["VmHWM"],
                "updates_per_second": fake.rate(),
                "messages_not_answers": fake.other_messages,
            }
        finally:
            await process.stop()
    finally:
        await fake.close()


def peak_memory(bench: Run) -> list[Measurement]:
    measurements = []
    for backend in bench.backends():
        deployed = largest(bench, backend)
        count = bench.options.memory_commands
        if bench.options.quick:
            count = min(count, QUICK_PER_GROUP * deployed.groups)
        bench.log(
            f"memory: {backend}, `coalition-bot run` answering {count:,} updates "
            f"(about {count / DEPLOYED_RATE:.0f} s at the limiter's {DEPLOYED_RATE}/s) ..."
        )
        config = bench.options.cache_dir / f"memory-{backend}-{deployed.events}.toml"
        figures = asyncio.run(answer_many(deployed, config, count))
        measurements.append(
            Measurement(
                benchmark="memory",
                backend=backend,
                events=deployed.events,
                subject=f"peak RSS after {figures['updates']:,} updates",
                unit="MB",
                median=figures["peak_mb"],
                target=TARGET_RSS_MB,
                checks="median",
                samples=1,
                extra={
                    **figures,
                    **describe(deployed),
                    "limits": "AIORateLimiter as deployed (30 messages/s overall)",
                    "command": "python -m bot --config FILE run ([telegram] base_url: the fake)",
                },
            )
        )
    return measurements


STARTUP = Benchmark(
    "startup",
    "`coalition-bot run` from spawn to the sendMessage answering a waiting /events",
    start_to_first_answer,
)
MEMORY = Benchmark(
    "memory",
    "peak RSS (VmHWM) of `coalition-bot run` after answering 5,000 /events updates",
    peak_memory,
)
