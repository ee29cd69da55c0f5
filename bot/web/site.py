"""The routes: the coalitions, a coalition's public events, one event, feeds, the embeddable
list, health and metrics. Everything shown comes from PublicService or CalendarService,
which never hand out an internal event (except in a member's own feed) or a contact."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.web import ics
from bot.web.labels import labels
from bot.web.language import choose
from bot.web.metrics import Metrics
from bot.web.privacy import scrub
from handlers.i18n import Translator
from models.errors import NotFound
from models.freshness import ContentChanges
from models.services.calendar import CalendarService, FeedEvent, PublicService
from models.services.views import CoalitionView, EventView

HERE = Path(__file__).parent
PAGE_SIZE = 20
MAX_PAGE = 500
PERIODS = {"week": 7, "month": 31}
FEEDS_KEPT = 256
PAGES_KEPT = 512
INLINE_COMPONENTS = 50
"""A feed needing at most this many events serialized anew is written on the event loop."""
HealthCheck = Callable[[], Awaitable[str | None]]
"""None when healthy, else what is wrong."""


@dataclass(frozen=True)
class RenderedFeed:
    etag: str
    last_modified: datetime
    body: bytes


def templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def shown_event(t: Translator, coalition: CoalitionView, event: EventView) -> dict[str, Any]:
    """What a template shows of an event: text of the public kind, no personal data."""
    zone = coalition.zone
    until = None
    if event.ends_at:
        same_day = event.ends_at.astimezone(zone).date() == event.starts_at.astimezone(zone).date()
        until = (
            t.clock(event.ends_at.astimezone(zone))
            if same_day and not event.all_day
            else t.moment(event.ends_at, zone)
        )
    return {
        "id": event.id,
        "title": event.title,
        "when": t.moment(event.starts_at, zone, all_day=event.all_day),
        "iso": event.starts_at.astimezone(zone).isoformat(),
        "until": until,
        "where": scrub(event.location),
        "area": event.area.name if event.area and not event.origin else None,
        "organiser": event.organiser,
        "description": scrub(event.description),
        "source": urlparse(event.source).hostname if event.source else None,
        "cancelled": event.status.value == "cancelled",
        "origin": shared_by(t) % {"coalition": event.origin} if event.origin else None,
    }


def shared_by(t: Translator) -> str:
    """How a linked coalition's shared event names its origin: `Iz koalicije »…«`."""
    words = t.gettext("shared by %(coalition)s")
    return words[:1].upper() + words[1:]


class Site:
    def __init__(
        self,
        public: PublicService,
        calendar: CalendarService,
        translators: Mapping[str, Translator],
        metrics: Metrics,
        changes: ContentChanges,
        *,
        base_url: str,
        clock: Callable[[], datetime],
        checks: dict[str, HealthCheck],
    ) -> None:
        self.public = public
        self.calendar = calendar
        self.translators = translators
        self.metrics = metrics
        self.changes = changes
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.checks = checks
        self.env = templates()
        self._style = (HERE / "static" / "style.css").read_bytes()
        self._icon = (HERE / "static" / "icon.svg").read_bytes()
        self._feeds: OrderedDict[tuple[str, str | None], RenderedFeed] = OrderedDict()
        self._coalition_ids: dict[str, int] = {}
        self.writer = ics.FeedWriter()
        self._writing = asyncio.Lock()
        self._pages: OrderedDict[tuple[object, ...], web.Response] = OrderedDict()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self.index, name="index"),
            web.get("/healthz", self.healthz, name="healthz"),
            web.get("/metrics", self.metrics_text, name="metrics"),
            web.get("/static/style.css", self.style, name="style"),
            web.get("/static/icon.svg", self.icon, name="icon"),
            web.get("/favicon.ico", self.icon, name="favicon"),
            web.get("/{slug}", self.slash, name="slash"),
            web.get("/{slug}/", self.coalition_page, name="coalition"),
            web.get(r"/{slug}/events/{id:\d{1,9}}", self.event_page, name="event"),
            web.get(r"/{slug}/events/{id:\d{1,9}}.ics", self.event_ics, name="event_ics"),
            web.get("/{slug}/calendar.ics", self.feed, name="feed"),
            web.get("/{slug}/embed", self.embed, name="embed"),
        ]

    # -- pages ---------------------------------------------------------------------------

    def _translator(self, request: web.Request, default: str = "sl") -> Translator:
        locale = choose(
            request.query.get("lang"), request.headers.get("Accept-Language", ""), default
        )
        return self.translators[locale]

    def _render(
        self, name: str, t: Translator, request: web.Request, status: int = 200, **values: Any
    ) -> web.Response:
        switch = [
            {
                "code": code,
                "name": "Slovenščina" if code == "sl" else "English",
                "url": request.path + "?" + urlencode({**request.query, "lang": code}),
                "current": code == t.locale,
            }
            for code in ("sl", "en")
        ]
        body = self.env.get_template(name).render(
            lang=t.locale, l=labels(t), switch=switch, **values
        )
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def _not_found(self, request: web.Request) -> web.Response:
        t = self._translator(request)
        return self._render("not_found.html", t, request, status=404)

    async def _remembered(
        self, request: web.Request, render: Callable[[web.Request], Awaitable[web.Response]]
    ) -> web.Response:
        """A page as rendered while nothing changed in any coalition within the same minute
        (what the chat's remembered answers do too); a 404 is not kept."""
        await self.changes.refresh_if_due()
        key = (
            request.match_info.route.name,
            request.path,
            tuple(sorted(request.query.items())),
            request.headers.get("Accept-Language", "")[:100],
            self.changes.version,
            self.clock().replace(second=0, microsecond=0),
        )
        kept = self._pages.get(key)
        if kept is None:
            kept = await render(request)
            if kept.status != 200:
                return kept
            self._pages[key] = kept
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(key)
        assert kept.body is not None
        return web.Response(
            body=kept.body, status=kept.status, content_type="text/html", charset="utf-8"
        )

    async def index(self, request: web.Request) -> web.Response:
        return await self._remembered(request, self._index)

    async def _index(self, request: web.Request) -> web.Response:
        t = self._translator(request)
        coalitions = await self.public.coalitions()
        return self._render("index.html", t, request, coalitions=coalitions)

    async def slash(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"/{request.match_info['slug']}/")

    async def coalition_page(self, request: web.Request) -> web.Response:
        return await self._remembered(request, lambda r: self._listing(r, "coalition.html"))

    async def embed(self, request: web.Request) -> web.Response:
        return await self._remembered(request, lambda r: self._listing(r, "embed.html"))

    async def _listing(self, request: web.Request, template: str) -> web.Response:
        slug = request.match_info["slug"]
        area = request.query.get("area", "").strip()[:60] or None
        period = request.query.get("period", "")
        period = period if period in PERIODS else ""
        page = request.query.get("page", "1")
        number = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
        until = self.clock() + timedelta(days=PERIODS[period]) if period else None
        try:
            listing = await self.public.listing(
                slug, area=area, until=until, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
        except NotFound:
            return self._not_found(request)
        coalition, result, areas = listing.coalition, listing.page, listing.areas
        t = self._translator(request, coalition.default_locale)

        def page_url(to: int) -> str:
            query = {k: v for k, v in request.query.items() if k != "page"}
            return request.path + "?" + urlencode({**query, "page": str(to)})

        return self._render(
            template,
            t,
            request,
            coalition=coalition,
            events=[shown_event(t, coalition, e) for e in result.items],
            areas=areas,
            area=area,
            period=period,
            previous=page_url(number - 1) if number > 1 else None,
            next=page_url(number + 1) if result.has_next else None,
            feed_url=self.calendar.feed_url(slug),
            total=result.total,
        )

    async def event_page(self, request: web.Request) -> web.Response:
        return await self._remembered(request, self._event_page)

    async def _event_page(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        try:
            coalition = await self.public.coalition(slug)
            item = await self.public.event(slug, int(request.match_info["id"]))
        except NotFound:
            return self._not_found(request)
        t = self._translator(request, coalition.default_locale)
        return self._render(
            "event.html",
            t,
            request,
            coalition=coalition,
            event=shown_event(t, coalition, item.event),
            ics_url=f"/{slug}/events/{item.event.id}.ics",
            google_url=ics.google_link(coalition, item.event, self.base_url),
        )

    # -- calendars -----------------------------------------------------------------------

    async def event_ics(self, request: web.Request) -> web.StreamResponse:
        slug = request.match_info["slug"]
        try:
            coalition = await self.public.coalition(slug)
            item: FeedEvent = await self.public.event(slug, int(request.match_info["id"]))
        except NotFound:
            return self._not_found(request)
        return web.Response(
            body=ics.event_document(
                coalition,
                item,
                self.base_url,
                shared_by(self.translators[coalition.default_locale]),
            ),
            content_type="text/calendar",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="event-{item.event.id}.ics"'},
        )

    async def feed(self, request: web.Request) -> web.StreamResponse:
        """The public feed, or with `?token=` a member's private one; 304 while unchanged."""
        slug = request.match_info["slug"]
        token = request.query.get("token") or None
        if token is not None and (len(token) > 64 or not token.isascii()):
            return self._not_found(request)
        try:
            rendered = await self._rendered_feed(slug, token)
        except NotFound:
            return self._not_found(request)
        headers = {
            "ETag": rendered.etag,
            "Last-Modified": format_datetime(rendered.last_modified, usegmt=True),
            "Cache-Control": "private, max-age=300" if token else "public, max-age=300",
        }
        if unchanged(request, rendered):
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=rendered.body, content_type="text/calendar", charset="utf-8", headers=headers
        )

    async def _rendered_feed(self, slug: str, token: str | None) -> RenderedFeed:
        """The feed as last rendered while the coalition's content and the day are the same;
        else rendered anew (a wrong token or a coalition without public events: NotFound)."""
        await self.changes.refresh_if_due()
        coalition_id = self._coalition_ids.get(slug)
        if coalition_id is None:
            coalition_id = await self.calendar.coalition_id(slug)
            self._coalition_ids[slug] = coalition_id
        now = self.clock()
        version = f"{coalition_id}-{self.changes.revision(coalition_id)}-{now:%Y%m%d}"
        key = (slug, token)
        kept = self._feeds.get(key)
        if kept is not None and kept.etag == etag_of(version, token):
            if token is not None:
                await self.calendar.check_token(slug, token)  # a revoked link stops at once
            self._feeds.move_to_end(key)
            return kept
        feed = await self.calendar.feed(slug, token)
        name = feed.coalition.name
        words = shared_by(self.translators[feed.coalition.default_locale])
        async with self._writing:  # one at a time: the writer's kept components are shared
            if self.writer.missing(feed, self.base_url) > INLINE_COMPONENTS:
                # a first feed of a thousand events takes a quarter of a second to serialize:
                # in a worker thread, so that the bot keeps answering meanwhile
                body = await asyncio.to_thread(
                    self.writer.document, feed, self.base_url, name, words
                )
            else:
                body = self.writer.document(feed, self.base_url, name, words)
        stamps = [item.updated_at for item in feed.events if item.updated_at]
        rendered = RenderedFeed(
            etag_of(version, token),
            max(stamps, default=now).replace(microsecond=0),
            body,
        )
        self._feeds[key] = rendered
        while len(self._feeds) > FEEDS_KEPT:
            self._feeds.popitem(last=False)
        return rendered

    # -- operations ----------------------------------------------------------------------

    async def healthz(self, _request: web.Request) -> web.Response:
        problems: dict[str, str] = {}
        for name, check in self.checks.items():
            try:
                problem = await check()
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"[:300]
            if problem:
                problems[name] = problem
        body = {name: problems.get(name, "ok") for name in self.checks}
        return web.Response(
            text=json.dumps({"status": "failing" if problems else "ok", "checks": body}),
            status=503 if problems else 200,
            content_type="application/json",
        )

    async def metrics_text(self, _request: web.Request) -> web.Response:
        response = web.Response(body=self.metrics.text())
        response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
        return response

    async def icon(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self._icon,
            content_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    async def style(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self._style,
            content_type="text/css",
            headers={"Cache-Control": "public, max-age=3600"},
        )


def etag_of(version: str, token: str | None) -> str:
    audience = "public" if token is None else hashlib.sha256(token.encode()).hexdigest()[:12]
    return f'"{version}-{audience}"'


def unchanged(request: web.Request, rendered: RenderedFeed) -> bool:
    """The client's copy is current: its ETag matches, or (without one) it is not older."""
    match = request.headers.get("If-None-Match")
    if match is not None:
        return rendered.etag in {tag.strip().removeprefix("W/") for tag in match.split(",")}
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since) >= rendered.last_modified
        except (TypeError, ValueError):
            return False
    return False
