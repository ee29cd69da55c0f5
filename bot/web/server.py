"""The web server's life and the rules every answer follows: security headers, metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.metrics import Metrics

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors {ancestors}"
)


def security_headers(
    embed_origins: tuple[str, ...],
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """CSP (no script, nothing from elsewhere; framing only of /<slug>/embed, only by the
    configured sites), no MIME sniffing, no referrer sent beyond this origin."""
    embed_ancestors = " ".join(embed_origins) or "'none'"

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = error
        embeddable = request.match_info.route.name == "embed"
        ancestors = embed_ancestors if embeddable else "'none'"
        response.headers["Content-Security-Policy"] = CSP.format(ancestors=ancestors)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if not embeddable:
            response.headers["X-Frame-Options"] = "DENY"
        if isinstance(response, web.HTTPException):
            raise response
        return response

    return middleware


def measured(metrics: Metrics) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        route = request.match_info.route.name or "other"
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            metrics.web_requests.labels(route, str(status)).inc()
            metrics.web_seconds.labels(route).observe(time.perf_counter() - started)

    return middleware


class WebServer:
    """Runs an aiohttp application on one address; the runner starts and stops it."""

    name = "web"

    def __init__(self, application: web.Application, listen: str, port: int) -> None:
        self.application = application
        self.listen = listen
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        runner = web.AppRunner(self.application, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.listen, self.port, shutdown_timeout=5)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("web pages at http://%s:%d/", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
