"""A minimal Slack Web API on 127.0.0.1 for throughput runs: it answers fast and counts.

It serves the methods a slash command can make the adapter call (auth.test, users.info,
conversations.info, chat.postMessage, chat.postEphemeral) and the `response_url` endpoint
`POST /response/{key}`. Whoever sends a command with `response_url(key)` can `expect(key)` and
await the answer that reaches the server. Nothing is validated or kept beyond a few counters.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT_TOKEN = "xoxb-bench-token"
BOT_USER = "UBENCHBOT"
LOCALES = ("sl-SI", "en-US", "en-GB", "de-DE")

Method = Callable[[dict[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """What reached the response_url: when, whether only the asker sees it, and its text."""

    at: float
    private: bool
    text: str
    blocks: int


class FakeSlack:
    """Start with `await fake.start()`; point the bot at `fake.api_url`."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.unexpected: int = 0
        self.port = 0
        self._waiting: dict[str, asyncio.Future[Answer]] = {}
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, Method] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "chat.postMessage": self._posted,
            "chat.postEphemeral": self._posted,
        }

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def expect(self, key: str) -> Awaitable[Answer]:
        """The answer that will come to `response_url(key)`."""
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        return future

    def forget(self, key: str) -> None:
        """Stops waiting for `key` (its answer did not come in time)."""
        self._waiting.pop(key, None)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        for future in self._waiting.values():
            future.cancel()
        self._waiting.clear()

    async def _api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        self.calls[name] += 1
        if request.headers.get("Authorization", "") != f"Bearer {BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        method = self._methods.get(name)
        if method is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        raw = await request.text()
        if request.content_type == "application/json":
            args = {str(k): str(v) for k, v in json.loads(raw or "{}").items()}
        else:
            args = dict(parse_qsl(raw))
        args.update(request.query)
        return web.json_response(method(args))

    def _auth_test(self, _args: dict[str, str]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://bench.slack.com/",
            "team": "Bench",
            "user": "coalition-bot",
            "team_id": "TBENCH",
            "user_id": BOT_USER,
            "bot_id": "BBENCH",
        }

    def _users_info(self, args: dict[str, str]) -> dict[str, Any]:
        user = args.get("user", "")
        if not user:
            return {"ok": False, "error": "user_not_found"}
        name = f"user-{user.lower()}"
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": name,
                "locale": LOCALES[sum(map(ord, user)) % len(LOCALES)],
                "profile": {"display_name": name, "real_name": name.title()},
            },
        }

    def _conversations_info(self, args: dict[str, str]) -> dict[str, Any]:
        channel = args.get("channel", "")
        return {
            "ok": True,
            "channel": {"id": channel, "is_im": channel.startswith("D"), "name": channel.lower()},
        }

    def _posted(self, args: dict[str, str]) -> dict[str, Any]:
        # With a working response_url a slash command is never answered this way.
        self.unexpected += 1
        return {"ok": True, "channel": args.get("channel", ""), "ts": f"{time.time():.6f}"}

    async def _response(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        self.calls["response_url"] += 1
        body = await request.json()
        future = self._waiting.pop(request.match_info["key"], None)
        if future is None or future.done():
            self.unexpected += 1
        else:
            future.set_result(
                Answer(
                    at,
                    body.get("response_type") == "ephemeral",
                    str(body.get("text", "")),
                    len(body.get("blocks") or ()),
                )
            )
        return web.Response(text="ok")
