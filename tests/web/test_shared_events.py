"""A public event shared across a network link shows on the linked coalition's web page, its
own page and its iCalendar feed, marked with its origin; an internal one, shared or not,
never does; after the link ends, nothing of the partner's shows."""

from __future__ import annotations

from typing import Any

import ics
from aiohttp.test_utils import TestClient

from bot.app import App
from models.entities import Role
from tests.support import as_role, ask
from tests.web.conftest import text_of
from tests.web.test_web_pages import INTERNAL_SASA, PUBLIC_SASA, event_id

SASA_NAME = "Lokalna digitalna koalicija SAŠA regije"


async def link(app: App) -> None:
    sasa_admin = await as_role(app, "telegram:9201", Role.ADMIN)
    ljubljana_admin = await as_role(app, "telegram:9202", Role.ADMIN, coalition="ljubljana")
    asked = await ask(app, "/link ljubljana horizontal", user=sasa_admin)
    assert not asked.is_error, asked.plain_text()
    accepted = await ask(app, "/link sasa accept", user=ljubljana_admin, coalition="ljubljana")
    assert not accepted.is_error, accepted.plain_text()


async def share(app: App, title: str) -> int:
    number = await event_id(app, title)
    coordinator = await as_role(app, "sasa-web-koord", Role.COORDINATOR)
    shared = await ask(app, f"/uredidogodek {number} deli=da", user=coordinator)
    assert not shared.is_error, shared.plain_text()
    return number


async def test_a_shared_public_event_shows_on_the_linked_page_and_feed_marked(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    public = await share(web_app, PUBLIC_SASA[0])
    internal = await share(web_app, INTERNAL_SASA)
    before = await client.get("/ljubljana/")
    assert PUBLIC_SASA[0] not in await before.text(), "not linked yet: nothing crosses"

    await link(web_app)
    page = text_of(await (await client.get("/ljubljana/")).text())
    assert PUBLIC_SASA[0] in page
    assert f"Iz koalicije »{SASA_NAME}«" in page
    assert PUBLIC_SASA[1] not in page, "not shared: stays home"
    assert INTERNAL_SASA not in page, "internal: never public, shared or not"
    english = text_of(await (await client.get("/ljubljana/?lang=en")).text())
    assert f"Shared by {SASA_NAME}" in english

    one = await client.get(f"/ljubljana/events/{public}")
    assert one.status == 200
    assert f"Iz koalicije »{SASA_NAME}«" in text_of(await one.text())
    assert (await client.get(f"/ljubljana/events/{internal}")).status == 404

    feed = await client.get("/ljubljana/calendar.ics")
    assert feed.status == 200
    text = await feed.text()
    events = {event.name: event for event in ics.Calendar(text).events}
    assert PUBLIC_SASA[0] in events
    assert INTERNAL_SASA not in text
    assert PUBLIC_SASA[1] not in events
    shared = events[PUBLIC_SASA[0]]
    assert shared.uid == f"sasa-event-{public}@coalition-bot", "the origin's UID: one event"
    assert f"Iz koalicije »{SASA_NAME}«" in (shared.description or "")
    single = await client.get(f"/ljubljana/events/{public}.ics")
    assert single.status == 200
    assert f"sasa-event-{public}@coalition-bot" in await single.text()


async def test_after_unlinking_the_partners_events_leave_the_page_and_feed(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    public = await share(web_app, PUBLIC_SASA[0])
    await link(web_app)
    assert PUBLIC_SASA[0] in await (await client.get("/ljubljana/calendar.ics")).text()
    admin = "telegram:9202"
    ended = await ask(web_app, "/unlink sasa", user=admin, coalition="ljubljana")
    assert not ended.is_error, ended.plain_text()
    assert PUBLIC_SASA[0] not in await (await client.get("/ljubljana/")).text()
    assert (await client.get(f"/ljubljana/events/{public}")).status == 404
    assert PUBLIC_SASA[0] not in await (await client.get("/ljubljana/calendar.ics")).text()
