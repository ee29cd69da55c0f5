"""Status arithmetic of indicators and goals: periods in the coalition's zone, paces, verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.goals.entities import Direction
from models.goals.status import (
    GoalStatus,
    IndicatorStatus,
    end_of_day,
    goal_status,
    indicator_status,
    until_period,
    year_bounds,
    year_period,
)

ZONE = ZoneInfo("Europe/Ljubljana")
AT_LEAST, AT_MOST = Direction.AT_LEAST, Direction.AT_MOST
YEAR_2026 = year_period(2026, ZONE)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def test_a_year_runs_from_local_midnight_to_local_midnight() -> None:
    start, end = year_bounds(2026, ZONE)
    assert start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert not YEAR_2026.over(local(2026, 12, 31, 23, 59))
    assert YEAR_2026.over(local(2027, 1, 1, 0, 0))


def test_the_last_minute_of_the_year_still_counts_toward_the_pace_not_the_verdict() -> None:
    last_minute = local(2026, 12, 31, 23, 59)
    new_year = local(2027, 1, 1, 0, 0)
    assert indicator_status(2, 3, AT_LEAST, YEAR_2026, last_minute) is IndicatorStatus.BEHIND
    assert indicator_status(2, 3, AT_LEAST, YEAR_2026, new_year) is IndicatorStatus.NOT_ACHIEVED
    assert indicator_status(3, 3, AT_LEAST, YEAR_2026, new_year) is IndicatorStatus.ACHIEVED


def test_pace_is_the_elapsed_share_of_the_year() -> None:
    midyear = YEAR_2026.share_from + (YEAR_2026.end - YEAR_2026.share_from) / 2
    assert YEAR_2026.elapsed_share(midyear) == pytest.approx(0.5)
    assert indicator_status(1.5, 3, AT_LEAST, YEAR_2026, midyear) is IndicatorStatus.ON_TRACK
    assert indicator_status(1.4, 3, AT_LEAST, YEAR_2026, midyear) is IndicatorStatus.BEHIND
    assert YEAR_2026.elapsed_share(local(2025, 6, 1)) == 0.0
    assert YEAR_2026.elapsed_share(local(2027, 6, 1)) == 1.0


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)],
)
def test_a_day_ends_at_local_midnight_also_when_the_clocks_change(day: date, hours: int) -> None:
    start = end_of_day(day - timedelta(days=1), ZONE)
    assert (end_of_day(day, ZONE) - start) == timedelta(hours=hours)
    assert end_of_day(day, ZONE).astimezone(ZONE).hour == 0


def test_the_share_of_a_year_is_exact_across_the_clock_changes() -> None:
    # the spring day has 23 hours and the autumn one 25: the year keeps 365 days of 24 hours
    spring_night = local(2026, 3, 29, 12, 0)
    expected = (spring_night - YEAR_2026.share_from) / (YEAR_2026.end - YEAR_2026.share_from)
    assert YEAR_2026.elapsed_share(spring_night) == pytest.approx(expected)
    assert (YEAR_2026.end - YEAR_2026.share_from) == timedelta(days=365)


def test_an_until_period_counts_from_when_the_indicator_was_made() -> None:
    made = local(2025, 1, 1)
    period = until_period(date(2025, 12, 31), ZONE, made)
    assert period.start is None
    assert period.end == local(2026, 1, 1)
    assert indicator_status(0, 1, AT_LEAST, period, local(2025, 3, 1)) is IndicatorStatus.BEHIND
    assert indicator_status(1, 1, AT_LEAST, period, local(2025, 3, 1)) is IndicatorStatus.ACHIEVED
    assert (
        indicator_status(0, 1, AT_LEAST, period, local(2025, 12, 31, 23, 59))
        is IndicatorStatus.BEHIND
    )
    assert (
        indicator_status(0, 1, AT_LEAST, period, local(2026, 1, 1)) is IndicatorStatus.NOT_ACHIEVED
    )


def test_no_check_in_is_no_data_while_the_period_runs_and_a_miss_after() -> None:
    assert indicator_status(None, 1, AT_LEAST, YEAR_2026, local(2026, 5, 1)) is (
        IndicatorStatus.NO_DATA
    )
    assert indicator_status(None, 1, AT_LEAST, YEAR_2026, local(2027, 1, 1)) is (
        IndicatorStatus.NOT_ACHIEVED
    )


def test_at_most_is_met_only_when_the_period_ends_within_the_target() -> None:
    during, after = local(2026, 5, 1), local(2027, 1, 1)
    assert indicator_status(2, 3, AT_MOST, YEAR_2026, during) is IndicatorStatus.ON_TRACK
    assert indicator_status(4, 3, AT_MOST, YEAR_2026, during) is IndicatorStatus.NOT_ACHIEVED
    assert indicator_status(3, 3, AT_MOST, YEAR_2026, after) is IndicatorStatus.ACHIEVED


def test_a_yes_or_no_indicator_is_a_target_of_one() -> None:
    assert indicator_status(1, 1, AT_LEAST, YEAR_2026, local(2026, 2, 1)) is (
        IndicatorStatus.ACHIEVED
    )


@pytest.mark.parametrize(
    ("statuses", "all_over", "expected"),
    [
        (["achieved", "achieved"], False, GoalStatus.ACHIEVED),
        (["achieved", "behind", "not_achieved"], False, GoalStatus.PARTIALLY_ACHIEVED),
        (["achieved", "not_achieved"], True, GoalStatus.PARTIALLY_ACHIEVED),
        (["not_achieved", "not_achieved"], True, GoalStatus.NOT_ACHIEVED),
        (["on_track", "not_achieved"], False, GoalStatus.IN_PROGRESS),
        ([], False, GoalStatus.IN_PROGRESS),
    ],
)
def test_a_goal_is_met_by_all_its_indicators_partially_by_some(
    statuses: list[str], all_over: bool, expected: GoalStatus
) -> None:
    assert goal_status([IndicatorStatus(s) for s in statuses], all_over) is expected
