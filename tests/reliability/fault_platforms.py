"""The fake Telegram Bot API and fake Slack Web API, made slow or unavailable on demand.

`delay` makes every call answer that many seconds late (Telegram's getUpdates excepted: long
polling is slow by nature, and delaying it would only delay the test). `go_down(status)` makes
every call fail with that status until `come_back()`: 502 as a gateway says it (an HTML page,
no JSON), 429 with `retry_after` (Telegram) or `Retry-After` (Slack). What the users see is
recorded by the fakes as before, so a test can count every answer.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.adapters.slack.fake_web_api import FakeSlackWebApi
from tests.adapters.telegram.fake_bot_api import Call, FakeBotApi

GATEWAY_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass
class Outage:
    """Calls fail with `status`; after `calls` of them (when given) the platform is back."""

    status: int
    retry_after: int | None = None
    calls: int | None = None
    methods: frozenset[str] | None = None

    def refuse(self, method: str) -> bool:
        """Whether this call fails (and counts it)."""
        if self.methods is not None and method not in self.methods:
            return False
        if self.calls is not None:
            if self.calls <= 0:
                return False
            self.calls -= 1
        return True


class Switchable:
    """An outage that a test switches on and off."""

    outage: Outage | None

    def go_down(
        self,
        status: int,
        *,
        retry_after: int | None = None,
        calls: int | None = None,
        methods: tuple[str, ...] | None = None,
    ) -> None:
        """Calls (of `methods`, or all) fail with `status` until come_back() or for `calls`."""
        chosen = frozenset(methods) if methods is not None else None
        self.outage = Outage(status, retry_after, calls, chosen)

    def come_back(self) -> None:
        self.outage = None


class FlakyBotApi(Switchable, FakeBotApi):
    """The fake Bot API with a delay and outages (getUpdates keeps working)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.delay = 0.0
        self.outage: Outage | None = None
        self.refused = 0

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "getUpdates":
            return await super()._handle(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        outage = self.outage
        if outage is None or not outage.refuse(method):
            return await super()._handle(request)
        self.refused += 1
        self.calls.append(
            Call(method, await self._params(request), outage.status, time.monotonic())
        )
        if outage.status >= 500:
            return web.Response(status=outage.status, text=GATEWAY_PAGE, content_type="text/html")
        return self._error_response(outage)

    def _error_response(self, outage: Outage) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": outage.status,
            "description": "Too Many Requests: retry later",
        }
        if outage.retry_after is not None:
            body["parameters"] = {"retry_after": outage.retry_after}
        return web.json_response(body, status=outage.status)


class FlakySlackWebApi(Switchable, FakeSlackWebApi):
    """The fake Slack Web API (and response_url endpoint) with a delay and outages."""

    def __init__(self) -> None:
        super().__init__()
        self.delay = 0.0
        self.outage: Outage | None = None
        self.refused = 0

    async def _api(self, request: web.Request) -> web.Response:
        return await self._maybe(request, request.match_info["method"], super()._api)

    async def _response_url(self, request: web.Request) -> web.Response:
        return await self._maybe(request, "response_url", super()._response_url)

    async def _maybe(self, request: web.Request, method: str, handler: Any) -> web.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        outage = self.outage
        if outage is None or not outage.refuse(method):
            response: web.Response = await handler(request)
            return response
        self.refused += 1
        self.requests.append((f"refused:{method}", {"_status": outage.status}))
        await self._notify()
        if outage.status >= 500:
            return web.Response(status=outage.status, text=GATEWAY_PAGE, content_type="text/html")
        headers = {"Retry-After": str(outage.retry_after)} if outage.retry_after is not None else {}
        return web.json_response(
            {"ok": False, "error": "ratelimited"}, status=outage.status, headers=headers
        )
