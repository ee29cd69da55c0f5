"""When reminders fall due: offsets before events and deadlines, the digest, DST-correct."""

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
