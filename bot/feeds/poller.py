"""Reads every configured partner's feed now and then every `[feeds] interval`, one feed at
a time, each in its own bounds; a failure is stored for /status and the rest go on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp

from bot.config import FeedConfig
from bot.feeds.fetch import FeedError, fetch
from bot.feeds.parse import parse_feed
from models.errors import NotFound
from models.services.calendar import FeedImportService
from models.services.calendar.imports import Conditional

log = logging.getLogger(__name__)


class FeedPoller:
    name = "feeds"

    def __init__(
        self,
        feeds: tuple[FeedConfig, ...],
        imports: FeedImportService,
        zones: Mapping[str, str],
        clock: Callable[[], datetime],
        *,
        interval: float = 900,
    ) -> None:
        self.feeds = feeds
        self.imports = imports
        self.zones = zones
        self.clock = clock
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _loop(self) -> None:
        while True:
            await self.read_all()
            await asyncio.sleep(self.interval)

    async def read_all(self) -> None:
        for feed in self.feeds:
            try:
                await self.read(feed)
            except Exception:
                log.exception("reading the feed %s failed", feed.url)

    async def read(self, feed: FeedConfig) -> None:
        """One feed: unchanged, imported, or its error recorded (nothing changed then)."""
        session = self._session or aiohttp.ClientSession()
        try:
            known = await self.imports.conditional(feed.coalition, feed.url)
            try:
                fetched = await fetch(
                    session, feed.url, etag=known.etag, last_modified=known.last_modified
                )
                if fetched.body is None:
                    await self.imports.record(feed.coalition, feed.url)
                    return
                zone = ZoneInfo(self.zones.get(feed.coalition, "Europe/Ljubljana"))
                events = await asyncio.to_thread(parse_feed, fetched.body, self.clock(), zone)
            except FeedError as error:
                log.warning("the feed %s cannot be imported: %s", feed.url, error)
                await self.imports.record(feed.coalition, feed.url, error=str(error))
                return
            result = await self.imports.apply(
                feed.coalition,
                feed.url,
                events,
                organisation=feed.organisation,
                area=feed.area,
                public=feed.public,
                conditional=Conditional(fetched.etag, fetched.last_modified),
            )
            log.info(
                "feed %s: %d added, %d changed, %d removed",
                feed.url,
                result.added,
                result.changed,
                result.removed,
            )
        except NotFound:
            log.warning("the feed %s names no known coalition %r", feed.url, feed.coalition)
        finally:
            if session is not self._session:
                await session.close()
