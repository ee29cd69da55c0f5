"""Telegram throughput, side by side: our bot and a bare python-telegram-bot bot, one fake API.

Both bots poll getUpdates from `bench.fake_telegram` (unthrottled, on 127.0.0.1, in this
process) and answer the same 5,000 `/events` updates, sent from groups bound in the data set
by their Telegram members, so ours answers with real data. The fake offers them all at once;
a bot's rate is updates answered per second from that moment to the sendMessage answering
the last one. Each bot is its own process (`bench.telegram_bots`): ours is `coalition-bot
run` on the data set's deployment copy (adapter, reminder scheduler and all, logging at the
default level); the bare one is python-telegram-bot's default Application with one
CommandHandler that replies a fixed text. The bare bot answers one update at a time; ours
handles different chats concurrently, each chat's updates in order, and runs without the
per-person command limit (the workload repeats members' commands). Each process
first answers a few unmeasured updates. The rounds alternate which bot goes first; the
figures are the medians of the rounds and ours / bare is the ratio of the medians.

Our adapter sends through AIORateLimiter, which keeps a bot within Telegram's limits of
30 messages a second and 20 a minute per group: as deployed it caps the rate at 30/s, so
the side-by-side rounds run ours with those two limits off (its retries kept) and the bare
bot without a limiter. One run of the unchanged `coalition-bot run` on a sample spread over
the groups (at most 10 each) shows the deployed rate. Each bot's CPU time per update (all
its threads, from /proc) is reported too: on a shared machine it varies less than a rate.
`--quick` runs one round of 200 updates on the largest size, without the deployed sample.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.deployment import BotProcess, Deployment, coalition_bot_run, deployment, describe
from bench.fake_telegram import FakeTelegram, Update
from bench.registry import Benchmark, Measurement, Run, median

TARGET_RATIO = 0.8
UPDATES = 5_000
QUICK_UPDATES = 200
ROUNDS = 3
QUICK_ROUNDS = 1
WARMUP_UPDATES = 20
DEPLOYED_SAMPLE = 300
PER_GROUP = 10
"""Updates at most from one group in the deployed sample: fewer than the limiter lets into a
group at once before it holds the group to 20 a minute."""
START_SECONDS = 120.0
NO_LIMITS = (
    "no rate limits: ours with AIORateLimiter's 30/s overall and 20/min per group off "
    "(retries kept), bare without a rate limiter; as deployed the limiter caps ours at 30/s"
)


@dataclass(frozen=True)
class Result:
    """One bot process answering one batch of updates."""

    bot: str
    rate: float
    seconds: float
    answered: int
    messages: int
    other_messages: int
    polls: int
    cpu_ms_per_update: float
    sample: str


async def answer_batch(
    fake: FakeTelegram,
    bot: str,
    command: list[str],
    log: Path,
    warmup: list[Update],
    updates: list[Update],
    seconds: float,
) -> Result:
    """Starts a bot, lets it answer `warmup`, then times it answering `updates`."""
    fake.reset()
    process = BotProcess(command, log)
    await process.start()
    try:
        fake.offer(warmup)
        await process.wait_answered(fake, START_SECONDS, f"{bot}: warm-up")
        fake.reset()
        cpu = process.cpu_seconds()
        fake.offer(updates)
        await process.wait_answered(fake, seconds, bot)
        cpu = process.cpu_seconds() - cpu
        return Result(
            bot=bot,
            rate=fake.rate(),
            seconds=fake.elapsed(),
            answered=fake.answered,
            messages=fake.messages,
            other_messages=fake.other_messages,
            polls=fake.polls,
            cpu_ms_per_update=1000 * cpu / len(updates),
            sample=fake.samples[0] if fake.samples else "",
        )
    finally:
        await process.stop()


async def measure(bench: Run, deployed: Deployment) -> dict[str, Any]:
    quick = bench.options.quick
    count = QUICK_UPDATES if quick else UPDATES
    rounds = QUICK_ROUNDS if quick else ROUNDS
    cache = bench.options.cache_dir
    fake = FakeTelegram()
    await fake.start()
    try:
        name = f"{deployed.backend}-{deployed.events}"
        config = deployed.config(cache / f"telegram-{name}.toml", fake.base_url)
        python = [sys.executable, "-m", "bench.telegram_bots"]
        bots = {
            "ours": [*python, "ours", str(config), "--unthrottled"],
            "bare": [*python, "bare", fake.base_url],
        }
        warmup = deployed.updates(WARMUP_UPDATES, first_id=1, label="warm-up")
        updates = deployed.updates(count, first_id=WARMUP_UPDATES + 1, label="throughput")
        results: dict[str, list[Result]] = {"ours": [], "bare": []}
        for index in range(rounds):
            order = ("ours", "bare") if index % 2 == 0 else ("bare", "ours")
            for bot in order:
                bench.log(f"telegram-throughput: round {index + 1}/{rounds}, {bot} ...")
                result = await answer_batch(
                    fake,
                    bot,
                    bots[bot],
                    cache / f"telegram-{bot}.log",
                    warmup,
                    updates,
                    count / 10 + 60,
                )
                bench.log(
                    f"telegram-throughput: {bot}: {result.rate:.0f} updates/s, "
                    f"{result.cpu_ms_per_update:.1f} ms CPU per update"
                )
                results[bot].append(result)
        if quick:
            return {"rounds": results, "deployed": None, "updates": count}
        sample = min(count, DEPLOYED_SAMPLE, PER_GROUP * deployed.groups)
        bench.log(f"telegram-throughput: `coalition-bot run` as deployed, {sample} updates ...")
        deployed_result = await answer_batch(
            fake,
            "ours as deployed",
            coalition_bot_run(config),
            cache / "telegram-deployed.log",
            warmup[:1],
            deployed.updates(sample, first_id=2, label="deployed", spread=True),
            sample / 15 + 60,
        )
        return {"rounds": results, "deployed": deployed_result, "updates": count}
    finally:
        await fake.close()


def measurements_of(deployed: Deployment, figures: dict[str, Any]) -> list[Measurement]:
    rounds: dict[str, list[Result]] = figures["rounds"]
    deployed_result: Result | None = figures["deployed"]
    count: int = figures["updates"]
    rates = {bot: [r.rate for r in results] for bot, results in rounds.items()}
    ours, bare = median(rates["ours"]), median(rates["bare"])
    ratio = ours / bare
    common = {"updates": count, "limits": NO_LIMITS, **describe(deployed)}

    def per_bot(bot: str, subject: str, notes: dict[str, Any]) -> Measurement:
        results = rounds[bot]
        return Measurement(
            benchmark="telegram-throughput",
            backend=deployed.backend,
            events=deployed.events,
            subject=subject,
            unit="/s",
            median=median(rates[bot]),
            checks="median",
            samples=len(results),
            extra={
                **common,
                **notes,
                "rounds": [asdict(r) for r in results],
                "min": min(rates[bot]),
                "max": max(rates[bot]),
                "cpu_ms_per_update": median([r.cpu_ms_per_update for r in results]),
                "sample_answer": results[0].sample[:400],
            },
        )

    found = [
        per_bot(
            "ours",
            "ours, updates/s, no limits",
            {"bot": "coalition-bot run (bench.telegram_bots ours --unthrottled)"},
        ),
        per_bot(
            "bare",
            "bare PTB, updates/s, no limits",
            {"bot": "python-telegram-bot Application, one CommandHandler, fixed text"},
        ),
        Measurement(
            benchmark="telegram-throughput",
            backend=deployed.backend,
            events=deployed.events,
            subject=f"ours / bare (target ≥ {TARGET_RATIO:.0%})",
            unit="%",
            median=100 * ratio,
            checks="median",
            samples=len(rates["ours"]),
            extra={
                **common,
                "target_at_least": TARGET_RATIO,
                "met": ratio >= TARGET_RATIO,
                "paired_round_ratios": [
                    o / b for o, b in zip(rates["ours"], rates["bare"], strict=True)
                ],
            },
        ),
    ]
    if deployed_result is None:
        return found
    return [
        *found,
        Measurement(
            benchmark="telegram-throughput",
            backend=deployed.backend,
            events=deployed.events,
            subject="ours as deployed, updates/s",
            unit="/s",
            median=deployed_result.rate,
            checks="median",
            samples=1,
            extra={
                **describe(deployed),
                "updates": deployed_result.answered,
                "limits": "AIORateLimiter as deployed: 30 messages/s overall, 20/min per group; "
                f"the sample sends at most {PER_GROUP} updates from any group",
                "run": asdict(deployed_result),
            },
        ),
    ]


def run(bench: Run) -> list[Measurement]:
    measurements = []
    # the CI smoke form (--quick) runs the largest size only
    sizes = bench.options.sizes[-1:] if bench.options.quick else bench.options.sizes
    for backend in bench.backends():
        for size in sizes:
            deployed = deployment(bench, backend, size)
            figures = asyncio.run(measure(bench, deployed))
            found = measurements_of(deployed, figures)
            ours, bare, ratio = (m.median for m in found[:3])
            bench.log(
                f"telegram-throughput: {backend}, {size:,} events: ours {ours:.0f}/s, "
                f"bare {bare:.0f}/s, ours/bare {ratio:.0f} % (target ≥ {TARGET_RATIO:.0%}: "
                f"{'met' if ratio >= 100 * TARGET_RATIO else 'missed'})"
                + (f"; as deployed {found[3].median:.1f}/s" if len(found) > 3 else "")
            )
            measurements.extend(found)
    return measurements


BENCHMARK = Benchmark(
    "telegram-throughput",
    "5,000 /events updates through our Telegram adapter and through a bare "
    "python-telegram-bot bot, one fake Bot API: updates/s of each and ours / bare",
    run,
)
