"""Partners' feeds imported from a fake partner server on loopback: imported, changed,
shrunk, left alone while unchanged, and hostile feeds that change nothing."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app import App
from bot.config import Config, FeedConfig
from bot.feeds import FeedError, fetch
from bot.feeds.parse import MAX_EVENTS
from bot.runner import feed_poller
from models.entities import Role
from models.reminders import Reminder
from tests.conftest import FakeClock, make_app
from tests.feeds.partner import Partner, vcalendar, vevent
from tests.support import as_role, ask

CHAMBER = "Gospodarska zbornica Šaleške doline"
ZONE = ";TZID=Europe/Ljubljana:"


@pytest.fixture
async def partner() -> AsyncIterator[tuple[Partner, str]]:
    fake = Partner()
    server = TestServer(fake.application(), host="127.0.0.1")
    await server.start_server()
    yield fake, str(server.make_url("")).rstrip("/")
    fake.silence.set()
    await server.close()


async def app_with_feeds(url: str, clock: FakeClock, feeds: tuple[FeedConfig, ...]) -> App:
    return await make_app(url, clock, config=replace(Config(database_url=url), feeds=feeds))


def feed(base: str, path: str = "/feed.ics") -> FeedConfig:
    return FeedConfig("sasa", f"{base}{path}", CHAMBER, "pametno-mesto", public=True)


FIRST = vcalendar(
    vevent(
        "talk-1@chamber",
        "Zajtrk s podjetniki",
        f"{ZONE}20261203T080000",
        end=f"{ZONE}20261203T093000",
    ),
    vevent(
        "fair-2@chamber", "Sejem zaposlitev", ";VALUE=DATE:20261210", end=";VALUE=DATE:20261211"
    ),
    vevent(
        "club-3@chamber",
        "Klub izvoznikov",
        f"{ZONE}20261202T170000",
        end=f"{ZONE}20261202T183000",
        extra="RRULE:FREQ=WEEKLY;COUNT=3\r\nLOCATION:Velenje\r\nDESCRIPTION:Vsako sredo.",
    ),
)


async def titles(app: App) -> list[str]:
    return [e.title for e in (await app.services.events.upcoming("sasa", limit=200)).items]


async def test_a_partners_feed_is_imported_changed_and_shrunk(
    database_url: str, clock: FakeClock, partner: tuple[Partner, str]
) -> None:
    server, base = partner
    server.feed = FIRST
    app = await app_with_feeds(database_url, clock, (feed(base),))
    try:
        poller = feed_poller(app)
        await poller.read_all()
        shown = await titles(app)
        assert shown.count("Klub izvoznikov") == 3  # the weekly series, expanded
        assert "Zajtrk s podjetniki" in shown
        assert "Sejem zaposlitev" in shown
        events = (await app.services.events.upcoming("sasa", limit=200)).items
        breakfast = next(e for e in events if e.title == "Zajtrk s podjetniki")
        assert breakfast.starts_at.isoformat() == "2026-12-03T07:00:00+00:00"
        assert breakfast.organiser == CHAMBER
        assert breakfast.area is not None
        assert breakfast.area.slug == "pametno-mesto"
        fair = next(e for e in events if e.title == "Sejem zaposlitev")
        assert fair.all_day
        in_chat = await ask(app, f"/event {breakfast.id}", locale="en")
        assert f"Imported from: {base}/feed.ics" in in_chat.lines
        coordinator = await as_role(app, "coord", Role.COORDINATOR)
        refused = await ask(
            app, f"/editevent {breakfast.id} title=Drugo", user=coordinator, locale="en"
        )
        assert refused.is_error
        assert f"{base}/feed.ics" in " ".join(refused.lines)
        async with app.database.sessions() as session:
            reminders = await session.scalar(
                select(func.count()).select_from(Reminder).where(Reminder.event_id == breakfast.id)
            )
        assert reminders == 2  # a day and an hour before, like any event

        await poller.read_all()  # unchanged: a 304, nothing touched
        assert server.not_modified == 1

        server.feed = vcalendar(
            vevent("talk-1@chamber", "Zajtrk s podjetniki in županom", f"{ZONE}20261203T080000"),
            vevent(
                "fair-2@chamber",
                "Sejem zaposlitev",
                ";VALUE=DATE:20261210",
                end=";VALUE=DATE:20261211",
            ),
        )
        await poller.read_all()
        shown = await titles(app)
        assert "Zajtrk s podjetniki in županom" in shown
        assert "Zajtrk s podjetniki" not in shown
        assert "Klub izvoznikov" not in shown  # gone from the feed: cancelled
        assert (await app.services.events.get("sasa", breakfast.id)).title.endswith("županom")
        public = await app.services.calendar.feed("sasa")
        changed = next(i for i in public.events if i.event.id == breakfast.id)
        assert changed.sequence == 1
        status = await ask(
            app, "/status", user=await as_role(app, "chief", Role.ADMIN), locale="en"
        )
        (item,) = [i for i in status.items if "Partner calendar" in i.title]
        assert "Events imported: 2" in item.details
    finally:
        await app.close()


@pytest.mark.parametrize(
    ("path", "body", "problem"),
    [
        ("/huge.ics", b"", "larger than 5 MiB"),
        ("/feed.ics", b"this is not a calendar", "not an iCalendar feed"),
        ("/loop", b"", "too many redirects"),
        ("/missing.ics", b"", "HTTP 404"),
        (
            "/feed.ics",
            vcalendar(
                *(vevent(f"e{n}", f"E{n}", f"{ZONE}20261203T080000") for n in range(MAX_EVENTS + 1))
            ),
            "more than 10000 events",
        ),
        (
            "/feed.ics",
            vcalendar(
                vevent(
                    "every-second", "Ves čas", f"{ZONE}20261201T000000", extra="RRULE:FREQ=SECONDLY"
                )
            ),
            "more than once a minute",
        ),
        (
            "/feed.ics",
            vcalendar(
                vevent(
                    "twice-a-minute",
                    "Ves čas",
                    f"{ZONE}20261201T000000",
                    extra="RRULE:FREQ=MINUTELY;BYSECOND=0,30",
                )
            ),
            "more than once a minute",
        ),
    ],
)
async def test_a_hostile_feed_changes_nothing_and_shows_its_error(
    sqlite_url: str,
    clock: FakeClock,
    partner: tuple[Partner, str],
    path: str,
    body: bytes,
    problem: str,
) -> None:
    server, base = partner
    server.feed = FIRST
    app = await app_with_feeds(sqlite_url, clock, (feed(base),))
    try:
        await feed_poller(app).read_all()
        before = await titles(app)
        server.feed = body
        hostile = replace(feed(base, path))
        poller = feed_poller(app)
        started = time.monotonic()
        await poller.read(
            replace(hostile, url=f"{base}/feed.ics") if path == "/feed.ics" else hostile
        )
        assert time.monotonic() - started < 16  # at most 10 s to fetch and 5 s to read
        assert await titles(app) == before
        statuses = await app.services.feeds.statuses("sasa")
        failed = next(s for s in statuses if s.url.endswith(path))
        assert failed.last_error is not None
        assert problem in failed.last_error
        status = await ask(
            app, "/status", user=await as_role(app, "chief", Role.ADMIN), locale="en"
        )
        assert any(problem in line for item in status.items for line in item.details)
        if path == "/huge.ics":
            assert server.sent_bytes < 20 * 1024 * 1024
    finally:
        await app.close()


async def test_a_silent_server_is_given_up_within_the_time_limit(
    partner: tuple[Partner, str],
) -> None:
    _server, base = partner
    async with aiohttp.ClientSession() as session:
        started = time.monotonic()
        with pytest.raises(FeedError, match=r"no complete answer within 0\.5 s"):
            await fetch(session, f"{base}/silent.ics", seconds=0.5)
        assert time.monotonic() - started < 3
