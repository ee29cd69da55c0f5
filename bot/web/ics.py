"""iCalendar documents, built with the icalendar library: a coalition's feed and one event.

Each event keeps one UID for its life, SEQUENCE counts its changes, times are local with
the coalition's VTIMEZONE, a cancelled event is kept (STATUS:CANCELLED) so calendars
remove it, and the text shown publicly carries no e-mail address or phone number.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from bot.web.privacy import scrub
from models.entities import EventStatus
from models.services.calendar import FeedEvent, FeedView
from models.services.views import CoalitionView, EventView

PRODID = "-//coalition-bot//events//SL"
REFRESH = timedelta(hours=1)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""DTSTAMP of an event whose last change is unknown."""
COMPONENTS_KEPT = 50_000


SHARED_BY = "Shared by %(coalition)s"
"""How a shared event's description names its origin (the site gives it translated)."""


def event_uid(coalition: CoalitionView, event_id: int, origin_slug: str | None = None) -> str:
    """One UID for the event's life, its own coalition's even where a linked one shows it."""
    return f"{origin_slug or coalition.slug}-event-{event_id}@coalition-bot"


def event_url(base_url: str, coalition: CoalitionView, event_id: int) -> str:
    return f"{base_url}/{coalition.slug}/events/{event_id}"


def _component(
    coalition: CoalitionView,
    item: FeedEvent,
    base_url: str,
    *,
    public: bool,
    shared_by: str = SHARED_BY,
) -> VEvent:
    event = item.event
    zone = coalition.zone
    component = VEvent()
    component.add("uid", event_uid(coalition, event.id, item.origin_slug))
    stamp = item.updated_at or EPOCH
    component.add("dtstamp", stamp)
    component.add("last-modified", stamp)
    component.add("sequence", item.sequence)
    component.add("summary", event.title)
    start = event.starts_at.astimezone(zone)
    if event.all_day:
        component.add("dtstart", start.date())
        end = event.ends_at.astimezone(zone).date() if event.ends_at else start.date()
        component.add("dtend", end + timedelta(days=1))
    else:
        component.add("dtstart", start)
        if event.ends_at:
            component.add("dtend", event.ends_at.astimezone(zone))
    shown = scrub if public else (lambda text: text)
    if event.location:
        component.add("location", shown(event.location))
    description = [shown(event.description) or ""] if event.description else []
    if event.organiser:
        description.append(event.organiser)
    if event.origin:
        description.append(shared_by % {"coalition": event.origin})
    if description:
        component.add("description", "\n\n".join(description))
    component.add("url", event_url(base_url, coalition, event.id))
    if event.area:
        component.add("categories", [event.area.name])
    if event.visibility.value == "internal":
        component.add("class", "PRIVATE")
    component.add("status", "CANCELLED" if event.status is EventStatus.CANCELLED else "CONFIRMED")
    return component


def _calendar(coalition: CoalitionView, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", coalition.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _timezone(coalition: CoalitionView, years: tuple[int, int]) -> Timezone:
    return Timezone.from_tzid(
        coalition.timezone, first_date=date(years[0], 1, 1), last_date=date(years[1] + 1, 1, 1)
    )


class FeedWriter:
    """Writes feeds, keeping each event's serialized VEVENT until the event changes: after one
    change a feed of 1,000 events costs one component, not a thousand.

    Every piece is icalendar's own serialization: the calendar with its VTIMEZONE, and each
    event's VEVENT (a component's `to_ical()` is what the calendar's would contain)."""

    def __init__(self, kept: int = COMPONENTS_KEPT) -> None:
        self._components: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self.kept = kept

    def document(
        self, feed: FeedView, base_url: str, name: str, shared_by: str = SHARED_BY
    ) -> bytes:
        """The coalition's feed: public events only, or all for a member's private feed; a
        linked coalition's shared event names its origin (`shared_by`, in the feed's
        language)."""
        calendar = _calendar(feed.coalition, name)
        years = [item.event.starts_at.year for item in feed.events]
        calendar.add_component(
            _timezone(feed.coalition, (min(years, default=2026), max(years, default=2026)))
        )
        head: bytes = calendar.to_ical()
        end = b"END:VCALENDAR\r\n"
        if not head.endswith(end):
            raise ValueError("unexpected calendar serialization")
        parts = [head[: -len(end)]]
        parts += (self._serialized(feed, item, base_url, shared_by) for item in feed.events)
        parts.append(end)
        return b"".join(parts)

    def missing(self, feed: FeedView, base_url: str) -> int:
        """How many of the feed's events have no kept VEVENT (would be serialized anew)."""
        kept = self._components
        return sum(
            (base_url, feed.coalition.id, feed.private, item) not in kept for item in feed.events
        )

    def _serialized(
        self, feed: FeedView, item: FeedEvent, base_url: str, shared_by: str = SHARED_BY
    ) -> bytes:
        key = (base_url, feed.coalition.id, feed.private, item)
        found = self._components.get(key)
        if found is not None:
            self._components.move_to_end(key)
            return found
        component = _component(
            feed.coalition, item, base_url, public=not feed.private, shared_by=shared_by
        )
        serialized: bytes = component.to_ical()
        self._components[key] = serialized
        while len(self._components) > self.kept:
            self._components.popitem(last=False)
        return serialized


def event_document(
    coalition: CoalitionView, item: FeedEvent, base_url: str, shared_by: str = SHARED_BY
) -> bytes:
    """One public event, to download into a calendar."""
    calendar = _calendar(coalition, item.event.title)
    calendar.add_component(_component(coalition, item, base_url, public=True, shared_by=shared_by))
    calendar.add_missing_timezones()
    document: bytes = calendar.to_ical()
    return document


def google_link(coalition: CoalitionView, event: EventView, base_url: str) -> str:
    """A link that opens Google Calendar's "new event" form filled in (nothing is loaded
    from Google until the reader follows it)."""
    if event.all_day:
        start = event.starts_at.astimezone(coalition.zone).date()
        end = event.ends_at.astimezone(coalition.zone).date() if event.ends_at else start
        dates = f"{start:%Y%m%d}/{end + timedelta(days=1):%Y%m%d}"
    else:
        start_utc = event.starts_at.astimezone(UTC)
        end_utc = (event.ends_at or event.starts_at + timedelta(hours=1)).astimezone(UTC)
        dates = f"{start_utc:%Y%m%dT%H%M%SZ}/{end_utc:%Y%m%dT%H%M%SZ}"
    details = "\n\n".join(
        part
        for part in (scrub(event.description), event_url(base_url, coalition, event.id))
        if part
    )
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": details,
        "location": scrub(event.location) or "",
        "ctz": coalition.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
