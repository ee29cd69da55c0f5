"""A partner's iCalendar text -> the occurrences to import: recurrences expanded within the
next 12 months (recurring-ical-events), at most MAX_EVENTS, times in UTC."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from bot.feeds.fetch import FeedError
from models.services.calendar import ImportedEvent

MAX_EVENTS = 10_000
HORIZON = timedelta(days=366)
EXPAND_SECONDS = 5.0


def _moment(value: object, zone: ZoneInfo) -> tuple[datetime, bool]:
    """A DTSTART/DTEND value as an aware UTC datetime, and whether it is a whole day."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=zone)
        return aware.astimezone(UTC), False
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone).astimezone(UTC), True
    raise ValueError("no start")


def _text(component: object, name: str) -> str | None:
    value = component.get(name)  # type: ignore[attr-defined]
    return str(value) if value is not None else None


def _too_frequent(calendar: Calendar) -> bool:
    """Whether an event repeats more than once a minute: expanding such a rule computes
    millions of moments before the first one can be looked at. Rules that cannot be read
    are left to the expansion, which skips their series."""
    for component in calendar.walk("VEVENT"):
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules]:
            try:
                frequency = [str(f).upper() for f in rule.get("FREQ", [])]
                interval = int((rule.get("INTERVAL") or [1])[0])
                by_second = len(rule.get("BYSECOND", []))
            except Exception:
                continue
            if ("SECONDLY" in frequency and interval < 60) or by_second > 1:
                return True
    return False


def _occurrences(calendar: Calendar, now: datetime, zone: ZoneInfo) -> Iterator[Any]:
    """The occurrences from yesterday on, soonest first, until the horizon: at most one more
    than MAX_EVENTS, within EXPAND_SECONDS (a rule repeating every second ends here)."""
    if _too_frequent(calendar):
        raise FeedError("an event repeats more than once a minute")
    deadline = time.monotonic() + EXPAND_SECONDS
    horizon = now + HORIZON
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        for count, occurrence in enumerate(query.after(now - timedelta(days=1))):
            start = occurrence.get("DTSTART")
            if start is not None and _moment(start.dt, zone)[0] > horizon:
                return
            if count > MAX_EVENTS:
                raise FeedError(f"more than {MAX_EVENTS} events")
            if time.monotonic() > deadline:
                raise FeedError(f"its events take more than {EXPAND_SECONDS:g} s to read")
            yield occurrence
    except FeedError:
        raise
    except Exception as error:
        raise FeedError(f"the events cannot be read ({type(error).__name__})") from None


def parse_feed(body: bytes, now: datetime, zone: ZoneInfo) -> list[ImportedEvent]:
    """Raises FeedError for anything that is not a calendar or holds too many events."""
    try:
        calendar = Calendar.from_ical(body)
    except Exception as error:
        raise FeedError(f"not an iCalendar feed ({type(error).__name__})") from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise FeedError("not an iCalendar feed")
    components = calendar.walk("VEVENT")
    if len(components) > MAX_EVENTS:
        raise FeedError(f"more than {MAX_EVENTS} events")
    recurring = {
        str(c.get("UID"))
        for c in components
        if c.get("RRULE") or c.get("RDATE") or c.get("RECURRENCE-ID")
    }
    events: list[ImportedEvent] = []
    for occurrence in _occurrences(calendar, now, zone):
        if len(events) >= MAX_EVENTS:
            raise FeedError(f"more than {MAX_EVENTS} events")
        uid = _text(occurrence, "UID")
        if not uid or str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            starts_at, all_day = _moment(occurrence.get("DTSTART").dt, zone)
            end = occurrence.get("DTEND")
            ends_at = _moment(end.dt, zone)[0] if end is not None else None
        except (AttributeError, ValueError):
            continue
        if all_day and ends_at is not None:
            ends_at = ends_at - timedelta(days=1)
            ends_at = ends_at if ends_at > starts_at else None
        key = f"{uid}/{starts_at:%Y%m%dT%H%M%SZ}" if uid in recurring else uid
        events.append(
            ImportedEvent(
                uid=key,
                title=_text(occurrence, "SUMMARY") or "—",
                starts_at=starts_at,
                ends_at=ends_at if ends_at and ends_at > starts_at else None,
                all_day=all_day,
                location=_text(occurrence, "LOCATION"),
                description=_text(occurrence, "DESCRIPTION"),
            )
        )
    return events
