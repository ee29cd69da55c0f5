"""The calendar feeds, read back with a second, independent parser (the `ics` package; the
feeds are written with `icalendar`): the public one, a member's private one, 304s."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ics
import pytest
from aiohttp.test_utils import TestClient

from bot.app import App
from models.entities import Role
from tests.conftest import FakeClock
from tests.support import as_role, ask
from tests.web.test_web_pages import INTERNAL_SASA, PUBLIC_SASA, event_id

PUBLIC_SASA_ALL = 4  # the demo's international meetings


def parsed(text: str) -> ics.Calendar:
    return ics.Calendar(text)


def by_title(calendar: ics.Calendar) -> dict[str, ics.Event]:
    return {event.name: event for event in calendar.events}


async def test_the_public_feed_holds_the_public_events_with_their_details(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    response = await client.get("/sasa/calendar.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    text = await response.text()
    events = by_title(parsed(text))
    assert len(events) == PUBLIC_SASA_ALL
    assert INTERNAL_SASA not in text
    number = await event_id(web_app, PUBLIC_SASA[0])
    meeting = events[PUBLIC_SASA[0]]
    stored = await web_app.services.events.get("sasa", number)
    assert meeting.begin == stored.starts_at
    assert meeting.end == stored.ends_at
    assert meeting.location == "Velenje"
    assert meeting.uid == f"sasa-event-{number}@coalition-bot"
    assert meeting.url == f"https://events.example.org/sasa/events/{number}"
    assert meeting.categories == {"Premogovna regija"} or meeting.categories
    name = next(c.name for c in await web_app.services.directory.coalitions() if c.slug == "sasa")
    assert f"X-WR-CALNAME:{name}" in text.replace("\r\n ", "")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:Europe/Ljubljana" in text
    assert "DTSTART;TZID=Europe/Ljubljana:" in text


async def test_an_edit_raises_the_sequence_and_a_cancelled_event_stays_as_cancelled(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    number = await event_id(web_app, PUBLIC_SASA[0])
    before = await (await client.get("/sasa/calendar.ics")).text()
    assert "SEQUENCE:0" in before
    await ask(web_app, f"/editevent {number} where=Šoštanj", user=coordinator)
    edited = by_title(parsed(await (await client.get("/sasa/calendar.ics")).text()))
    assert edited[PUBLIC_SASA[0]].location == "Šoštanj"
    await ask(web_app, f"/cancelevent {number}", user=coordinator)
    text = await (await client.get("/sasa/calendar.ics")).text()
    cancelled = by_title(parsed(text))[PUBLIC_SASA[0]]
    assert cancelled.status == "CANCELLED"
    block = text.split(f"UID:sasa-event-{number}@coalition-bot")[0].rsplit("BEGIN:VEVENT", 1)[1]
    block += text.split(f"UID:sasa-event-{number}@coalition-bot")[1].split("END:VEVENT")[0]
    assert "SEQUENCE:2" in block


async def test_a_cancelled_event_leaves_the_feed_after_thirty_days(
    web_app: App, client: TestClient[Any, Any], clock: FakeClock
) -> None:
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    number = await event_id(web_app, PUBLIC_SASA[1])  # 87 days ahead
    await ask(web_app, f"/cancelevent {number}", user=coordinator)
    clock.now += timedelta(days=29)
    assert PUBLIC_SASA[1] in await (await client.get("/sasa/calendar.ics")).text()
    clock.now += timedelta(days=2)
    assert PUBLIC_SASA[1] not in await (await client.get("/sasa/calendar.ics")).text()


async def test_an_unchanged_feed_answers_304_and_a_change_gives_a_new_etag(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    first = await client.get("/sasa/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = await client.get("/sasa/calendar.ics", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""
    since = await client.get("/sasa/calendar.ics", headers={"If-Modified-Since": modified})
    assert since.status == 304
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    number = await event_id(web_app, PUBLIC_SASA[0])
    await ask(
        web_app, f"/editevent {number} title=Mednarodno srečanje Industrija 5.0", user=coordinator
    )
    changed = await client.get("/sasa/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag
    assert "Industrija 5.0" in await changed.text()


async def test_a_members_private_feed_has_internal_events_and_a_new_link_stops_the_old(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    member = await as_role(web_app, "telegram:77", Role.MEMBER)
    reply = await ask(web_app, "/koledar", user=member)
    assert not reply.is_error
    link = reply.lines[0]
    assert link.startswith("https://events.example.org/sasa/calendar.ics?token=")
    path = link.removeprefix("https://events.example.org")
    private = by_title(parsed(await (await client.get(path)).text()))
    assert INTERNAL_SASA in private
    assert PUBLIC_SASA[0] in private
    assert (await ask(web_app, "/calendar", user=member)).lines[0] == link
    renewed = await ask(web_app, "/calendar new", user=member, locale="en")
    assert "no longer works" in renewed.title
    assert renewed.lines[0] != link
    assert (await client.get(path)).status == 404
    new_path = renewed.lines[0].removeprefix("https://events.example.org")
    assert (await client.get(new_path)).status == 200
    wrong = await client.get("/sasa/calendar.ics?token=not-a-token")
    assert wrong.status == 404
    assert INTERNAL_SASA not in await wrong.text()


async def test_the_calendar_link_is_given_only_in_a_private_chat(web_app: App) -> None:
    member = await as_role(web_app, "telegram:78", Role.MEMBER)
    group = await ask(web_app, "/calendar", user=member, group=True)
    assert group.is_error
    assert "v zasebnem klepetu" in " ".join(group.lines)
    assert "token=" not in " ".join((group.title, *group.lines))
    odd = await ask(web_app, "/koledar zeleno", user=member)
    assert odd.is_error


async def test_one_event_downloads_as_its_own_calendar(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    number = await event_id(web_app, PUBLIC_SASA[0])
    response = await client.get(f"/sasa/events/{number}.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{number}.ics"'
    (only,) = parsed(await response.text()).events
    assert only.name == PUBLIC_SASA[0]
    assert only.uid == f"sasa-event-{number}@coalition-bot"


async def test_a_private_feed_stops_when_its_owner_leaves_the_coalitions_chats(
    web_app: App, client: TestClient[Any, Any]
) -> None:
    admin = await as_role(web_app, "chief", Role.ADMIN)
    group = "telegram:-100555"
    await web_app.services.directory.bind_chat(admin, group, "sasa")
    stranger = "telegram:4242"  # no role: a member because they sit in the bound group
    await web_app.services.directory.record_presence(stranger, group, True)
    reply = await ask(web_app, "/calendar", user=stranger)
    assert not reply.is_error, reply.lines
    path = reply.lines[0].removeprefix("https://events.example.org")
    assert INTERNAL_SASA in await (await client.get(path)).text()
    await web_app.services.directory.record_presence(stranger, group, False)
    gone = await client.get(path)
    assert gone.status == 404
    assert INTERNAL_SASA not in await gone.text()


async def test_a_feed_written_in_a_worker_thread_is_the_same_feed(
    web_app: App, client: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    inline = await (await client.get("/sasa/calendar.ics")).read()
    monkeypatch.setattr("bot.web.site.INLINE_COMPONENTS", -1)
    coordinator = await as_role(web_app, "coord", Role.COORDINATOR)
    number = await event_id(web_app, PUBLIC_SASA[0])
    await ask(web_app, f"/editevent {number} where=Celje", user=coordinator)
    threaded = await (await client.get("/sasa/calendar.ics")).read()
    assert by_title(parsed(threaded.decode()))[PUBLIC_SASA[0]].location == "Celje"
    assert len(parsed(threaded.decode()).events) == len(parsed(inline.decode()).events)
