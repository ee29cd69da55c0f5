"""When the goals' posts fall due: the review on the first Monday of a quarter's month, the
verdict on January's first working day, the nudge after days of silence; in the coalition's
zone, across the clocks changing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from models.reminder_policy import (
    ReminderPolicy,
    first_weekday,
    first_working_day,
    next_review,
    next_verdict,
    nudge_due,
)
from models.services.goals.planning import next_nudge

ZONE = ZoneInfo("Europe/Ljubljana")
QUARTERS = (1, 4, 7, 10)
NINE = time(9, 0)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def test_the_first_monday_of_a_month() -> None:
    assert first_weekday(2027, 1, 0) == date(2027, 1, 4)
    assert first_weekday(2026, 6, 0) == date(2026, 6, 1)  # a Monday itself
    assert first_weekday(2026, 11, 4) == date(2026, 11, 6)  # a Friday


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (local(2026, 11, 23, 9), local(2027, 1, 4, 9)),
        (local(2027, 1, 4, 8, 59), local(2027, 1, 4, 9)),
        (local(2027, 1, 4, 9), local(2027, 4, 5, 9)),  # strictly after now
        (local(2026, 2, 10), local(2026, 4, 6, 9)),  # summer time, 09:00 local still
        (local(2026, 8, 1), local(2026, 10, 5, 9)),
    ],
)
def test_the_review_is_on_the_first_monday_of_each_quarter_at_nine(
    now: datetime, due: datetime
) -> None:
    assert next_review(now, QUARTERS, 0, NINE, ZONE) == due.astimezone(UTC)


def test_no_review_months_is_no_review() -> None:
    assert next_review(local(2026, 1, 1), (), 0, NINE, ZONE) is None


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2026, date(2026, 1, 5)),  # Thu 1 and Fri 2 are holidays: Monday
        (2027, date(2027, 1, 4)),  # Fri 1, the weekend: Monday
        (2025, date(2025, 1, 3)),  # Wed 1, Thu 2: Friday
        (2029, date(2029, 1, 3)),  # Mon 1, Tue 2: Wednesday
    ],
)
def test_the_first_working_day_of_january_comes_after_the_new_year_holidays(
    year: int, day: date
) -> None:
    assert first_working_day(year) == day


def test_the_verdict_is_due_once_a_year() -> None:
    assert next_verdict(local(2026, 11, 23), NINE, ZONE) == local(2027, 1, 4, 9).astimezone(UTC)
    assert next_verdict(local(2026, 1, 5, 8), NINE, ZONE) == local(2026, 1, 5, 9).astimezone(UTC)
    assert next_verdict(local(2026, 1, 5, 9), NINE, ZONE) == local(2027, 1, 4, 9).astimezone(UTC)


def test_a_nudge_counts_calendar_days_and_comes_at_nine_local() -> None:
    # a check-in at 22:30 on 1 March; 90 days later is 30 May, in summer time
    silent_since = local(2026, 3, 1, 22, 30)
    assert nudge_due(silent_since, 90, NINE, ZONE) == local(2026, 5, 30, 9).astimezone(UTC)


def test_after_a_nudge_the_next_comes_another_silence_later_never_at_once() -> None:
    policy = ReminderPolicy(nudge_days=90)
    since = local(2025, 1, 10, 12)
    first = next_nudge(since, None, policy, ZONE)
    assert first == local(2025, 4, 10, 9).astimezone(UTC)
    # the first was sent late, in September: the next is the first mark after that
    sent_late = local(2025, 9, 1, 10)
    assert next_nudge(since, sent_late, policy, ZONE) == local(2025, 10, 7, 9).astimezone(UTC)
    # a nudge from before the last check-in belongs to an older silence
    assert next_nudge(since, local(2024, 12, 1), policy, ZONE) == first
    assert next_nudge(since, None, ReminderPolicy(nudge_days=None), ZONE) is None
