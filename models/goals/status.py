"""Periods and statuses: the arithmetic that says whether an indicator and a goal are met.

An indicator's period is either a calendar year in the coalition's zone (from 1 January
00:00 local up to, not including, the next 1 January 00:00), or everything until the end of
a day in that zone (cumulative; its share of time elapsed counts from when the indicator was
made). Times are compared in UTC, so a period is exact across the clocks changing.

Statuses of an indicator, as of a moment within or after its period:
- achieved: the target is met (at least: value >= target; at most: the period is over and
  the value stayed within the target);
- on track: the value is at least target x the elapsed share of the period (at most: within
  the target so far);
- behind: below that pace;
- not achieved: the period is over and the target was missed (at most: exceeded at any time);
- no data: a manual indicator without any check-in in the period, while the period runs.

A goal is achieved when all its indicators are, partially achieved when some are, not
achieved when every period is over and none is, else in progress.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.goals.entities import Direction


class IndicatorStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_ACHIEVED = "not_achieved"
    NO_DATA = "no_data"


class GoalStatus(StrEnum):
    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    NOT_ACHIEVED = "not_achieved"
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `start` None counts everything before the end."""

    start: datetime | None
    end: datetime
    share_from: datetime
    """Where the elapsed share starts (the year's start, or when the indicator was made)."""

    def over(self, as_of: datetime) -> bool:
        return as_of >= self.end

    def elapsed_share(self, as_of: datetime) -> float:
        """The share of the period passed at `as_of`, from 0 to 1."""
        length = (self.end - self.share_from).total_seconds()
        if length <= 0:
            return 1.0
        passed = (min(as_of, self.end) - self.share_from).total_seconds()
        return min(1.0, max(0.0, passed / length))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of a day in a zone, in UTC."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return local_midnight(date(year, 1, 1), zone), local_midnight(date(year + 1, 1, 1), zone)


def year_period(year: int, zone: ZoneInfo) -> Period:
    start, end = year_bounds(year, zone)
    return Period(start, end, start)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The moment a day ends in a zone (the next midnight), in UTC."""
    return local_midnight(day + timedelta(days=1), zone)


def until_period(until_on: date, zone: ZoneInfo, made_at: datetime) -> Period:
    return Period(None, end_of_day(until_on, zone), made_at)


def indicator_status(
    value: float | None,
    target: float,
    direction: Direction,
    period: Period,
    as_of: datetime,
) -> IndicatorStatus:
    """The status of an indicator whose value in its period, as of `as_of`, is `value`
    (None: a manual indicator with no check-in)."""
    over = period.over(as_of)
    if value is None:
        return IndicatorStatus.NOT_ACHIEVED if over else IndicatorStatus.NO_DATA
    if direction is Direction.AT_MOST:
        if value > target:
            return IndicatorStatus.NOT_ACHIEVED
        return IndicatorStatus.ACHIEVED if over else IndicatorStatus.ON_TRACK
    if value >= target:
        return IndicatorStatus.ACHIEVED
    if over:
        return IndicatorStatus.NOT_ACHIEVED
    if value >= target * period.elapsed_share(as_of):
        return IndicatorStatus.ON_TRACK
    return IndicatorStatus.BEHIND


def goal_status(statuses: Sequence[IndicatorStatus], all_over: bool) -> GoalStatus:
    """A goal's status from its indicators' (`all_over`: every indicator's period is over)."""
    achieved = sum(status is IndicatorStatus.ACHIEVED for status in statuses)
    if statuses and achieved == len(statuses):
        return GoalStatus.ACHIEVED
    if achieved:
        return GoalStatus.PARTIALLY_ACHIEVED
    if statuses and all_over:
        return GoalStatus.NOT_ACHIEVED
    return GoalStatus.IN_PROGRESS


def remaining(value: float | None, target: float) -> float:
    """How much more an at-least indicator needs to meet its target."""
    return max(0.0, target - (value or 0.0))
