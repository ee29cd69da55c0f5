"""A minimal Telegram Bot API on 127.0.0.1 that counts sendMessage, for the fan-out benchmark.

    python -m bench.fanout_fake [--overall 30/1] [--group 20/60]

It prints `{"port": N}` once it listens and runs until stdin closes. It answers getMe and
sendMessage (any token), and serves its counts as JSON at GET /stats (POST /reset zeroes
them). With --overall and --group it enforces Telegram's limits the way python-telegram-bot's
AIORateLimiter counts them: leaky buckets of `rate` messages per `period` seconds that also
take a burst of `rate`, one for the whole bot and one per group (a negative chat id). A
message over either answers 429 with `retry_after` and is not counted as sent. It runs in its
own process so that its work does not slow down the bot it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 999_001


@dataclass
class Bucket:
    """A leaky bucket: `capacity` messages at once, draining at `capacity / period` per second
    (aiolimiter's AsyncLimiter, which AIORateLimiter uses, counts the same way)."""

    capacity: float
    period: float
    level: float = 0.0
    checked: float = 0.0

    def take(self, now: float) -> float:
        """Takes one message; 0 when allowed, else the seconds until it would be."""
        self.level = max(0.0, self.level - (now - self.checked) * self.capacity / self.period)
        self.checked = now
        excess = self.level + 1 - self.capacity
        if excess > 0:
            return excess * self.period / self.capacity
        self.level += 1
        return 0.0


def limit(value: str) -> tuple[float, float]:
    """`30/1` -> (30, 1): messages per seconds."""
    rate, _, period = value.partition("/")
    try:
        parsed = (float(rate), float(period or 1))
    except ValueError:
        raise argparse.ArgumentTypeError("expected MESSAGES/SECONDS, like 30/1") from None
    if parsed[0] <= 0 or parsed[1] <= 0:
        raise argparse.ArgumentTypeError("both numbers must be positive")
    return parsed


@dataclass
class FanOutApi:
    overall: tuple[float, float] | None = None
    group: tuple[float, float] | None = None
    sent: int = 0
    refused: int = 0
    first: float | None = None
    last: float | None = None
    per_chat: Counter[int] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._overall = Bucket(*self.overall) if self.overall else None
        self._groups: dict[int, Bucket] = {}
        self._message_id = 0

    def reset(self) -> None:
        self.sent = self.refused = 0
        self.first = self.last = None
        self.per_chat.clear()

    def stats(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "refused": self.refused,
            "span": (self.last - self.first) if self.first and self.last else 0.0,
            "chats": len(self.per_chat),
            "most_to_one_chat": max(self.per_chat.values(), default=0),
        }

    def wait_for(self, chat_id: int, now: float) -> float:
        """0 when a message to `chat_id` is within the limits now, else the seconds to wait."""
        wait = 0.0
        if self.group and chat_id < 0:
            bucket = self._groups.get(chat_id)
            if bucket is None:
                bucket = self._groups[chat_id] = Bucket(*self.group)
            wait = bucket.take(now)
            if wait:
                return wait
        if self._overall is not None:
            wait = self._overall.take(now)
            if wait and self.group and chat_id < 0:
                self._groups[chat_id].level -= 1  # refused: the group's message did not count
        return wait

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "getMe":
            return ok({"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench"})
        if method != "sendMessage":
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        form = (
            await request.json()
            if request.content_type == "application/json"
            else await request.post()
        )
        chat_id = int(str(form["chat_id"]))
        now = time.monotonic()
        wait = self.wait_for(chat_id, now)
        if wait:
            self.refused += 1
            retry_after = max(1, math.ceil(wait))
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        self.sent += 1
        self.per_chat[chat_id] += 1
        self.first = self.first or now
        self.last = now
        self._message_id += 1
        return ok(
            {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "supergroup", "title": "Bench"},
                "text": str(form.get("text", "")),
            }
        )

    async def handle_stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def handle_reset(self, _request: web.Request) -> web.Response:
        self.reset()
        return web.json_response(self.stats())


def ok(result: dict[str, Any]) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def serve(api: FanOutApi) -> None:
    app = web.Application()
    app.router.add_get("/stats", api.handle_stats)
    app.router.add_post("/reset", api.handle_reset)
    app.router.add_route("*", "/bot{token}/{method}", api.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"port": port}), flush=True)
    loop = asyncio.get_running_loop()
    try:
        # the parent closes stdin (or dies) to stop this server
        await loop.run_in_executor(None, sys.stdin.read)
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout_fake")
    parser.add_argument("--overall", type=limit, default=None, help="e.g. 30/1")
    parser.add_argument("--group", type=limit, default=None, help="e.g. 20/60, per group")
    args = parser.parse_args(argv)
    asyncio.run(serve(FanOutApi(args.overall, args.group)))


if __name__ == "__main__":
    main()
