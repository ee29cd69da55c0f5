"""When reminders fall due: offsets before events and deadlines, the digest, the goals'
review, the year's verdict and the nudge to check in, DST-correct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_MINUTES = 1440


@dataclass(frozen=True)
class ReminderPolicy:
    """The deployment's defaults; a coalition may override the offsets."""

    event_offsets: tuple[int, ...] = (1440, 60)
    deadline_offsets: tuple[int, ...] = (10080, 1440, 0)
    deadline_time: time = time(9, 0)
    digest_weekday: int | None = 0
    digest_time: time = time(8, 0)
    grace: timedelta = timedelta(hours=12)
    review_months: tuple[int, ...] = (1, 4, 7, 10)
    """The months whose first `review_weekday` brings the goals' review (empty: off)."""
    review_weekday: int = 0
    review_time: time = time(9, 0)
    verdict_time: time | None = time(9, 0)
    """The year's verdict, on the first working day of January (None: off)."""
    nudge_days: int | None = 90
    """Days without a check-in before coordinators are nudged (None: off)."""


def wall_time(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall time made aware; a time skipped by DST moves forward past the gap."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone)


def before(start: datetime, offset_minutes: int, zone: ZoneInfo) -> datetime:
    """`start` minus an offset: whole days on the local calendar, the rest in real time.

    So a meeting at 09:00 the day after a DST switch is reminded at 09:00 the day before.
    """
    days, minutes = divmod(offset_minutes, DAY_MINUTES)
    local = start.astimezone(zone).replace(tzinfo=None) - timedelta(days=days)
    return (wall_time(local, zone) - timedelta(minutes=minutes)).astimezone(UTC)


def deadline_due(day: date, offset_minutes: int, at: time, zone: ZoneInfo) -> datetime:
    """A deadline reminder: `at` local time, whole days before the deadline day."""
    local = datetime.combine(day, at) - timedelta(days=offset_minutes // DAY_MINUTES)
    return wall_time(local, zone).astimezone(UTC)


def next_digest(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The next weekly digest moment strictly after `now`, in the coalition's zone."""
    local_now = now.astimezone(zone)
    days_ahead = (weekday - local_now.weekday()) % 7
    candidate = wall_time(datetime.combine(local_now.date() + timedelta(days_ahead), at), zone)
    if candidate <= local_now:
        candidate = wall_time(
            datetime.combine(local_now.date() + timedelta(days_ahead + 7), at), zone
        )
    return candidate.astimezone(UTC)


JANUARY_HOLIDAYS = (1, 2)
"""1 and 2 January are public holidays in Slovenia: no working day."""


def first_weekday(year: int, month: int, weekday: int) -> date:
    """The first Monday (0) … Sunday (6) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def next_review(
    now: datetime, months: tuple[int, ...], weekday: int, at: time, zone: ZoneInfo
) -> datetime | None:
    """The next goals' review strictly after `now`: `at` local time on the first `weekday` of
    the next of `months` (None: no months, reviews are off)."""
    if not months:
        return None
    local_now = now.astimezone(zone)
    year, month = local_now.year, local_now.month
    for _ in range(13):
        if month in months:
            day = first_weekday(year, month, weekday)
            candidate = wall_time(datetime.combine(day, at), zone)
            if candidate > local_now:
                return candidate.astimezone(UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def first_working_day(year: int) -> date:
    """The first Monday to Friday of January after the New Year holidays."""
    day = date(year, 1, 1)
    while day.day in JANUARY_HOLIDAYS or day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def next_verdict(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The next year's verdict strictly after `now`: `at` local time on January's first
    working day."""
    local_now = now.astimezone(zone)
    for year in (local_now.year, local_now.year + 1):
        candidate = wall_time(datetime.combine(first_working_day(year), at), zone)
        if candidate > local_now:
            return candidate.astimezone(UTC)
    raise AssertionError("a year has a first working day")  # pragma: no cover


def nudge_due(silent_since: datetime, days: int, at: time, zone: ZoneInfo) -> datetime:
    """When a silence that began at `silent_since` has lasted `days` calendar days: at `at`
    local time on that day."""
    day = silent_since.astimezone(zone).date() + timedelta(days=days)
    return wall_time(datetime.combine(day, at), zone).astimezone(UTC)
