"""The web side: a coalition's public events page, iCalendar feeds, /healthz, /metrics."""

from __future__ import annotations

from aiohttp import web

from bot.web.metrics import Metrics
from bot.web.server import WebServer, measured, security_headers
from bot.web.site import HealthCheck, Site

MAX_REQUEST_BYTES = 64 * 1024
"""The pages take no body; anything larger is refused before it is read."""


def web_application(site: Site, embed_origins: tuple[str, ...] = ()) -> web.Application:
    application = web.Application(
        middlewares=[measured(site.metrics), security_headers(embed_origins)],
        client_max_size=MAX_REQUEST_BYTES,
    )
    application.add_routes(site.routes())
    return application


__all__ = ["HealthCheck", "Metrics", "Site", "WebServer", "web_application"]
