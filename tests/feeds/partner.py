"""A partner's calendar server on 127.0.0.1: a feed that can change, with ETags, and the
hostile kinds (too large, malformed, too many events, silent, redirecting in a loop)."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

from aiohttp import web


def vevent(uid: str, title: str, start: str, *, end: str = "", extra: str = "") -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{title}", f"DTSTART{start}"]
    if end:
        lines.append(f"DTEND{end}")
    if extra:
        lines.append(extra)
    lines += ["DTSTAMP:20261101T000000Z", "END:VEVENT"]
    return "\r\n".join(lines)


def vcalendar(*events: str) -> bytes:
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//partner//test//EN", *events, "END:VCALENDAR"]
    )
    return (body + "\r\n").encode()


@dataclass
class Partner:
    feed: bytes = b""
    hits: int = 0
    not_modified: int = 0
    sent_bytes: int = 0
    silence: asyncio.Event = field(default_factory=asyncio.Event)

    def application(self) -> web.Application:
        application = web.Application()
        application.add_routes(
            [
                web.get("/feed.ics", self.serve_feed),
                web.get("/huge.ics", self.huge),
                web.get("/silent.ics", self.silent),
                web.get("/loop", self.loop),
                web.get("/missing.ics", self.missing),
            ]
        )
        return application

    async def serve_feed(self, request: web.Request) -> web.Response:
        self.hits += 1
        etag = '"' + hashlib.sha256(self.feed).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.feed, content_type="text/calendar", headers={"ETag": etag})

    async def huge(self, request: web.Request) -> web.StreamResponse:
        """50 MB, streamed without a length: the reader must stop on its own."""
        response = web.StreamResponse(headers={"Content-Type": "text/calendar"})
        await response.prepare(request)
        chunk = b"X" * 65536
        try:
            for _ in range(50 * 1024 * 1024 // len(chunk)):
                await response.write(chunk)
                self.sent_bytes += len(chunk)
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response

    async def silent(self, _request: web.Request) -> web.Response:
        await self.silence.wait()
        return web.Response(text="late")

    async def loop(self, _request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def missing(self, _request: web.Request) -> web.Response:
        return web.Response(status=404)
