"""The public pages: what anyone sees, in their language, and what they never see."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.runner import web_server
from bot.web.health import alive_check, database_check
from models.entities import Role
from tests.support import as_role, ask
from tests.web.conftest import EMBED_ORIGIN, text_of

PUBLIC_SASA = (
    "Mednarodno srečanje Industrija 4.0",
    "Mednarodno srečanje Monitoring onesnaženosti zraka",
)
INTERNAL_SASA = "Rok za oddajo prijave za sofinanciranje"


async def event_id(app: App, title: str, coalition: str = "sasa") -> int:
    page = await app.services.events.upcoming(coalition, limit=100)
    return next(e.id for e in page.items if e.title == title)


async def test_the_coalition_page_shows_public_events_and_hides_internal_ones(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get("/sasa/")
    html = await response.text()
    assert response.status == 200
    for title in PUBLIC_SASA:
        assert title in html
    assert INTERNAL_SASA not in html
    assert "Delavnica" not in text_of(html)  # internal events of the demo
    assert "@" not in text_of(html)
    assert '<html lang="sl">' in html
    assert html.count("<h1") == 1
    assert "<main" in html
    assert "<nav" in html
    assert "<footer" in html
    assert "<script" not in html
    assert not re.search(r'src="(https?:)?//', html)
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/style.css"]


async def test_no_contact_ever_reaches_a_page_or_the_public_feed(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    contacts = await web_app.services.contacts.search("sasa", "", limit=500)
    names = [c.name for c in contacts.items if c.name] + [
        value for c in contacts.items for value in (c.email, c.phone) if value
    ]
    assert names
    shown = ""
    for path in ("/", "/sasa/", "/sasa/embed", "/sasa/calendar.ics", "/ljubljana/"):
        shown += await (await client.get(path)).text()
    assert [name for name in names if name in shown] == []


async def test_the_language_follows_the_query_then_the_browser_then_the_coalition(
    client: TestClient[Any, Any],
) -> None:
    default = await (await client.get("/sasa/")).text()
    assert "Prihajajoči dogodki" in default
    browser = await client.get("/sasa/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Upcoming events" in await browser.text()
    chosen = await client.get("/sasa/?lang=sl", headers={"Accept-Language": "en"})
    html = await chosen.text()
    assert '<html lang="sl">' in html
    assert "Prihajajoči dogodki" in html
    assert 'href="/sasa/?lang=en"' in html  # the visible switch
    assert 'aria-current="true">Slovenščina' in html


async def test_an_event_page_shows_the_event_and_how_to_add_it_to_a_calendar(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    number = await event_id(web_app, PUBLIC_SASA[0])
    response = await client.get(f"/sasa/events/{number}?lang=en")
    html = await response.text()
    assert response.status == 200
    assert PUBLIC_SASA[0] in html
    assert "Velenje" in html
    assert "Industry" not in html
    assert f'href="/sasa/events/{number}.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "ctz=Europe%2FLjubljana" in html
    ics = await client.get(f"/sasa/events/{number}.ics")
    assert ics.status == 200
    assert ics.content_type == "text/calendar"


async def test_internal_events_and_coalitions_without_public_events_are_not_found(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    internal = await event_id(web_app, INTERNAL_SASA)
    for path in (f"/sasa/events/{internal}", f"/sasa/events/{internal}.ics", "/nobody/"):
        response = await client.get(path)
        assert response.status == 404, path
        assert INTERNAL_SASA not in await response.text()
    strategic = await event_id(
        web_app, "Letno srečanje Strateškega sveta za digitalni razvoj MOL", "ljubljana"
    )
    admin = await as_role(web_app, "boss", Role.ADMIN, "ljubljana")
    reply = await ask(
        web_app, f"/uredidogodek {strategic} javno=ne", user=admin, coalition="ljubljana"
    )
    assert not reply.is_error
    for path in ("/ljubljana/", "/ljubljana/calendar.ics", "/ljubljana/embed"):
        assert (await client.get(path)).status == 404, path
    assert "ljubljana" not in await (await client.get("/")).text()


async def test_editevent_public_yes_shows_an_event_and_bad_values_change_nothing(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    number = await event_id(web_app, INTERNAL_SASA)
    wrong = await ask(web_app, f"/editevent {number} public=maybe", user=coordinator, locale="en")
    assert wrong.is_error
    assert "public=yes" in " ".join(wrong.lines)
    assert INTERNAL_SASA not in await (await client.get("/sasa/")).text()
    done = await ask(web_app, f"/editevent {number} public=yes", user=coordinator, locale="en")
    assert not done.is_error
    assert any("web page" in line for line in done.lines)
    assert INTERNAL_SASA in await (await client.get("/sasa/")).text()
    member = await as_role(web_app, "plain", Role.MEMBER)
    refused = await ask(web_app, f"/uredidogodek {number} javno=ne", user=member)
    assert refused.is_error
    assert INTERNAL_SASA in await (await client.get("/sasa/")).text()


async def test_area_and_period_filters_and_pages_of_twenty(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    for day in range(1, 26):
        added = await ask(
            web_app,
            f"/addevent Javni posvet {day} | {day}.2.2027 10:00 | Velenje",
            user=coordinator,
        )
        number = int(re.findall(r"#(\d+)", added.title)[0])
        await ask(web_app, f"/editevent {number} public=yes", user=coordinator)
    first = text_of(await (await client.get("/sasa/")).text())
    assert first.count("Javni posvet") + first.count("Mednarodno srečanje") == 20
    second = text_of(await (await client.get("/sasa/?page=2")).text())
    assert "Javni posvet 25" in second or "Mednarodno" in second
    area = text_of(await (await client.get("/sasa/?area=zgodnje-ucenje")).text())
    assert "Fizična aktivnost" in area
    assert "Industrija 4.0" not in area
    week = text_of(await (await client.get("/sasa/?period=week")).text())
    assert "Mednarodno" not in week  # the first is 24 days ahead
    month = text_of(await (await client.get("/sasa/?period=month")).text())
    assert "Uporaba IKT" in month
    assert "Industrija 4.0" not in month
    assert (await client.get("/sasa/?area=nowhere")).status == 404


async def test_security_headers_and_embedding_only_by_the_configured_site(
    client: TestClient[Any, Any],
) -> None:
    page = await client.get("/sasa/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    embed = await client.get("/sasa/embed?lang=en")
    assert f"frame-ancestors {EMBED_ORIGIN}" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    html = await embed.text()
    assert "<header" not in html
    assert PUBLIC_SASA[0] in html
    assert 'target="_blank"' in html
    missing = await client.get("/nobody/")
    assert missing.headers["X-Content-Type-Options"] == "nosniff"


async def test_public_text_carries_no_email_address_or_phone_number(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    number = await event_id(web_app, PUBLIC_SASA[0])
    await ask(
        web_app,
        f"/editevent {number} opis=Prijave: ana.novak@example.org ali 041 123 456, do 15.3.2027.",
        user=coordinator,
    )
    page = await (await client.get(f"/sasa/events/{number}")).text()
    feed = await (await client.get("/sasa/calendar.ics")).text()
    for shown in (page, feed.replace("\r\n ", "")):
        assert "ana.novak@example.org" not in shown
        assert "041 123 456" not in shown
        assert "15.3.2027" in shown


async def test_healthz_and_metrics(web_app: App, client: TestClient[Any, Any]) -> None:
    health = await client.get("/healthz")
    assert health.status == 200
    assert await health.json() == {
        "status": "ok",
        "checks": {"database": "ok", "scheduler": "ok"},
    }
    await ask(web_app, "/events")
    await client.get("/sasa/")
    metrics = await (await client.get("/metrics")).text()
    assert 'coalition_bot_commands_total{command="events",platform="console"} 1.0' in metrics
    assert 'coalition_bot_web_requests_total{route="coalition",status="200"}' in metrics
    assert "coalition_bot_command_seconds_bucket" in metrics


async def test_healthz_is_503_naming_what_failed(web_app: App) -> None:
    server = web_server(
        web_app,
        {
            "database": database_check(web_app.database.sessions),
            "scheduler": alive_check(lambda: False, "not running"),
        },
    )
    async with TestClient(TestServer(server.application)) as client:
        health = await client.get("/healthz")
        assert health.status == 503
        assert (await health.json())["checks"] == {"database": "ok", "scheduler": "not running"}
