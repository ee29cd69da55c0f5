"""One person floods a Telegram group; how long does someone else wait for a private answer?

    python -m bench.flood [--rounds 10] [--flood 40] [--before]

The real Telegram adapter (python-telegram-bot Application, its rate limiter as deployed,
the command limit at its defaults) polls `bench.fake_telegram` on 127.0.0.1, on the demo
data in a temporary SQLite file. Each round one person sends FLOOD `/events` at once in a
bound group (a fresh group and person each round, so Telegram's 20 messages a minute per
group and the person's limit start full), and at the same moment another person sends
`/help` in a private chat. The figure is the time from offering that `/help` to its answer
arriving at the fake: p50 and max over the rounds, during the flood and in a quiet run
(the same `/help` with no flood). `--before` adds one round with updates handled one at a
time and no command limit, as the bot did before (slow: the answer waits behind the
group's, which Telegram's limit paces at one every 3 s).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.fake_telegram import TOKEN, FakeTelegram, command_update
from bench.registry import median
from bot.config import Config, TelegramConfig, ThrottleConfig

FLOOD = 40
ROUNDS = 10
BEFORE_SECONDS = 180.0


class TimedTelegram(FakeTelegram):
    """The benchmark's fake Bot API, which also notes when each chat got a message."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: defaultdict[int, list[float]] = defaultdict(list)
        self.delivered = asyncio.Event()

    def _send_message(self, params: dict[str, str]) -> dict[str, Any]:
        self.arrivals[int(params["chat_id"])].append(time.perf_counter())
        self.delivered.set()
        return super()._send_message(params)


async def answer_time(fake: TimedTelegram, chat: int, offered: float, seconds: float) -> float:
    async with asyncio.timeout(seconds):
        while not fake.arrivals[chat]:
            fake.delivered.clear()
            await fake.delivered.wait()
    return fake.arrivals[chat][0] - offered


async def run(rounds: int, flood: int, *, before: bool) -> dict[str, list[float]]:
    from bot.adapters.telegram import TelegramAdapter
    from bot.app import build_app, prepare_schema, start_app
    from models.services.directory import CoalitionSpec

    fake = TimedTelegram()
    await fake.start()
    folder = tempfile.TemporaryDirectory()
    groups = [-100_950_000 - n for n in range(rounds + 1)]
    config = Config(
        database_url=f"sqlite:///{Path(folder.name) / 'flood.db'}",
        telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
    )
    app = build_app(config)
    prepare_schema(app.database)
    await start_app(app, with_demo=True)
    [sasa] = [c for c in await app.services.directory.coalitions() if c.slug == "sasa"]
    chats = tuple(f"telegram:{g}" for g in groups)
    await app.services.directory.apply_config(
        [CoalitionSpec(slug="sasa", name=sasa.name, timezone=sasa.timezone, chats=chats)]
    )
    figures: dict[str, list[float]] = {"quiet": [], "flood": [], "before": []}
    update_ids = iter(range(1, 1_000_000))

    async def one_round(adapter_figures: list[float], group: int, flooder: int, other: int) -> None:
        updates = [
            command_update(
                next(update_ids), "/events", chat_id=group, user_id=flooder, language="en"
            )
            for _ in range(flood)
        ]
        ask = command_update(next(update_ids), "/help", chat_id=other, user_id=other, language="en")
        fake.offer([*updates, ask])
        offered = time.perf_counter()
        adapter_figures.append(await answer_time(fake, other, offered, BEFORE_SECONDS))

    async def quiet_round(other: int) -> None:
        ask = command_update(next(update_ids), "/help", chat_id=other, user_id=other, language="en")
        fake.offer([ask])
        offered = time.perf_counter()
        figures["quiet"].append(await answer_time(fake, other, offered, 30))

    try:
        adapter = TelegramAdapter(app, poll_timeout=1)
        await adapter.start()
        try:
            await quiet_round(70_000)  # warm-up, not counted
            figures["quiet"].clear()
            for n in range(rounds):
                await quiet_round(70_001 + n)
            for n in range(rounds):
                await one_round(figures["flood"], groups[n], 80_000 + n, 71_000 + n)
                await asyncio.sleep(0.5)  # the flood's answers go out between rounds
        finally:
            await adapter.stop()
        if before:
            off = replace(app, config=replace(app.config, throttle=ThrottleConfig(burst=0)))
            adapter = TelegramAdapter(off, poll_timeout=1, one_at_a_time=True)
            await adapter.start()
            try:
                await one_round(figures["before"], groups[rounds], 89_000, 79_000)
            finally:
                await adapter.stop()
    finally:
        await app.close()
        await fake.close()
        folder.cleanup()
    return figures


def describe(name: str, values: Sequence[float]) -> str:
    if not values:
        return f"{name:>7}: not measured"
    return (
        f"{name:>7}: p50 {median(values) * 1000:8.1f} ms   max {max(values) * 1000:8.1f} ms"
        f"   ({len(values)} rounds)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    root = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__)
    root.add_argument("--rounds", type=int, default=ROUNDS)
    root.add_argument("--flood", type=int, default=FLOOD)
    root.add_argument("--before", action="store_true")
    args = root.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    figures = asyncio.run(run(args.rounds, args.flood, before=args.before))
    print(f"Private /help answered while one person sends {args.flood} /events in a group:")
    for name in ("quiet", "flood", "before"):
        print(describe(name, figures[name]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
