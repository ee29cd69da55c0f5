"""The HTTP server Telegram posts updates to in webhook mode.

It checks the secret header before it reads anything of the body, reads at most
`BODY_LIMIT` bytes (Telegram's updates are a few kB; a bigger body is refused with 413
instead of being buffered), and answers a body that is not an update with 400. Accepted
updates go into the Application's update queue, as python-telegram-bot's own server does.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

BODY_LIMIT = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    """Takes POSTs at `path` on `listen`:`port` for `application`."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        secret: str,
        path: str,
        listen: str,
        port: int,
    ) -> None:
        self.application = application
        self.secret = secret.encode()
        self.path = "/" + path.lstrip("/")
        self.listen = listen
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=BODY_LIMIT)
        app.router.add_post(self.path, self.receive)
        if self.path != "/":
            app.router.add_post(self.path.rstrip("/") + "/", self.receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.listen, self.port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def receive(self, request: web.Request) -> web.Response:
        """One update from Telegram: 200 when queued; 403, 413 or 400 when refused."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="wrong or missing secret token")
        if request.content_length is not None and request.content_length > BODY_LIMIT:
            return web.Response(status=413, text="an update is never this large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="an update is never this large")
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) else None
        except Exception as error:
            log.warning("webhook: a body that is not an update (%s)", type(error).__name__)
            return web.Response(status=400, text="not a Telegram update")
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        await self.application.update_queue.put(update)
        return web.Response(status=200)
