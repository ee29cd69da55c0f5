"""One person floods a group; how long does someone else wait for a private answer?

    python -m bench.flood [--rounds 10] [--flood 40] [--before]

Telegram first, then Slack.

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

On Slack the real Bolt app serves signed HTTP requests (`bench.fake_slack` as the Web API):
per round FLOOD signed `/events` from one person in a bound channel, all at once, and at
the same moment `/help` from another person in a direct message; the figure is the time to
that `/help` answer (in the acknowledgement, or at its response_url). Slack's requests were
always served concurrently; what the limit changes there is the work a flood costs.
With `--before`, the Slack rounds run again without the command limit.
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
from typing import TYPE_CHECKING, Any

from bench.fake_slack import FakeSlack
from bench.fake_telegram import TOKEN, FakeTelegram, command_update
from bench.registry import median
from bench.slack_throughput import EVENTS_PATH, Slash, answer_in_ack, http_settings, signed_headers
from bot.config import Config, TelegramConfig, ThrottleConfig
from bot.runner import slack_adapter, telegram_adapter

if TYPE_CHECKING:
    from bot.app import App

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


async def demo_app(config: Config, chats: tuple[str, ...]) -> App:
    """The bot's core on the demo data in a fresh database, with `chats` bound to SAŠA."""
    from bot.app import build_app, prepare_schema, start_app
    from models.services.directory import CoalitionSpec

    app = build_app(config)
    prepare_schema(app.database)
    await start_app(app, with_demo=True)
    [sasa] = [c for c in await app.services.directory.coalitions() if c.slug == "sasa"]
    await app.services.directory.apply_config(
        [CoalitionSpec(slug="sasa", name=sasa.name, timezone=sasa.timezone, chats=chats)]
    )
    return app


async def run(rounds: int, flood: int, *, before: bool) -> dict[str, list[float]]:

    fake = TimedTelegram()
    await fake.start()
    folder = tempfile.TemporaryDirectory()
    groups = [-100_950_000 - n for n in range(rounds + 1)]
    config = Config(
        database_url=f"sqlite:///{Path(folder.name) / 'flood.db'}",
        telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
    )
    app = await demo_app(config, tuple(f"telegram:{g}" for g in groups))
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
        adapter = telegram_adapter(app, poll_timeout=1)
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
            adapter = telegram_adapter(off, poll_timeout=1, one_at_a_time=True)
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


async def run_slack(rounds: int, flood: int, *, limit: bool = True) -> dict[str, list[float]]:
    import aiohttp

    fake = FakeSlack()
    await fake.start()
    folder = tempfile.TemporaryDirectory()
    team, channels = "TBENCH", [f"CFLOOD{n}" for n in range(rounds)]
    config = Config(
        database_url=f"sqlite:///{Path(folder.name) / 'flood.db'}",
        slack=http_settings(fake.api_url),
        throttle=ThrottleConfig() if limit else ThrottleConfig(burst=0),
    )
    app = await demo_app(config, tuple(f"slack:{team}:{c}" for c in channels))
    adapter = slack_adapter(app, host="127.0.0.1")
    figures: dict[str, list[float]] = {"quiet": [], "flood": []}
    keys = iter(range(1, 1_000_000))
    try:
        await adapter.start()
        url = f"http://127.0.0.1:{adapter.http_port}{EVENTS_PATH}"
        async with aiohttp.ClientSession() as session:

            async def slash(command: str, channel: str, user: str) -> float:
                """Sends one signed slash command; seconds until its answer was there."""
                key = f"k{next(keys)}"
                answer = fake.expect(key)
                body = Slash(command, "", team, channel, user).form(fake.response_url(key), key)
                started = time.perf_counter()
                async with session.post(url, data=body, headers=signed_headers(body)) as ack:
                    carried = answer_in_ack(await ack.read())
                if carried is not None:
                    fake.forget(key)
                    return time.perf_counter() - started
                try:
                    return (await asyncio.wait_for(answer, 30)).at - started
                except TimeoutError:
                    fake.forget(key)
                    return float("nan")  # dropped by the limit: no answer, as meant

            await slash("/help", "DWARM", "UWARM")
            for n in range(rounds):
                figures["quiet"].append(await slash("/help", f"DQUIET{n}", f"UQUIET{n}"))
            for n in range(rounds):
                flooding = [
                    asyncio.ensure_future(slash("/events", channels[n], f"UFLOOD{n}"))
                    for _ in range(flood)
                ]
                await asyncio.sleep(0)
                figures["flood"].append(await slash("/help", f"DOTHER{n}", f"UOTHER{n}"))
                await asyncio.gather(*flooding)
    finally:
        await adapter.stop()
        await app.close()
        await fake.stop()
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
    print(f"Telegram: private /help answered while one person sends {args.flood} /events:")
    for name in ("quiet", "flood", "before"):
        print(describe(name, figures[name]))
    slack = asyncio.run(run_slack(args.rounds, args.flood))
    if args.before:
        slack["before"] = asyncio.run(run_slack(args.rounds, args.flood, limit=False))["flood"]
    print(f"Slack: /help in a direct message while one person sends {args.flood} /events:")
    for name in ("quiet", "flood", "before"):
        print(describe(name, slack.get(name, [])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
