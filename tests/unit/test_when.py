"""Table-driven tests of handlers.when.parse_when (Slovenian and English date/time input)."""

from __future__ import annotations

import contextlib
import re
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import get_args
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.when import ParsedWhen, Reason, WhenError, parse_when

TZ = ZoneInfo("Europe/Ljubljana")
NOW = datetime(2027, 3, 10, 14, 0, tzinfo=TZ)  # a Wednesday, 13:00Z


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive wall time, compared with `local.replace(tzinfo=None)`."""
    return datetime(year, month, day, hour, minute)


def check(result: ParsedWhen, expected: datetime, has_time: bool) -> None:
    assert result.local.tzinfo is TZ
    assert result.local.replace(tzinfo=None) == expected
    assert result.has_time is has_time
    assert result.utc.tzinfo is UTC
    offset = result.local.utcoffset()
    assert offset is not None
    assert result.utc.replace(tzinfo=None) == expected - offset


def error(text: str, now: datetime = NOW, **kwargs: bool) -> WhenError:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now, TZ, **kwargs)
    assert caught.value.text == text
    return caught.value


TIMED = [
    # numeric Slovenian dates
    ("15.3.2027 10:00", wall(2027, 3, 15, 10, 0)),
    ("15. 3. 2027 10:00", wall(2027, 3, 15, 10, 0)),
    ("15. 3. 2027 ob 10h", wall(2027, 3, 15, 10, 0)),
    ("15.3.2027 ob 10.30", wall(2027, 3, 15, 10, 30)),
    ("15.3. ob 10h", wall(2027, 3, 15, 10, 0)),
    ("15.3 ob 10h", wall(2027, 3, 15, 10, 0)),
    ("15.3.27 ob 10h", wall(2027, 3, 15, 10, 0)),
    ("10.3. ob 10h", wall(2028, 3, 10, 10, 0)),  # this year's is past: next year
    ("10.3. ob 18h", wall(2027, 3, 10, 18, 0)),
    ("ob 10h 15.3.2027", wall(2027, 3, 15, 10, 0)),
    ("2027-03-15 10:00", wall(2027, 3, 15, 10, 0)),
    ("2027-03-15T10:00", wall(2027, 3, 15, 10, 0)),
    # written months
    ("15. marca ob 9:30", wall(2027, 3, 15, 9, 30)),
    ("15. marec 2027 ob 9:30", wall(2027, 3, 15, 9, 30)),
    ("15. mar. 2027 ob 9:30.", wall(2027, 3, 15, 9, 30)),
    ("dne 15. 3. 2027 ob 10. uri", wall(2027, 3, 15, 10, 0)),
    # relative days
    ("danes ob 18h", wall(2027, 3, 10, 18, 0)),
    ("jutri ob 10h", wall(2027, 3, 11, 10, 0)),
    ("jutri ob 10", wall(2027, 3, 11, 10, 0)),
    ("jutri ob 10:15", wall(2027, 3, 11, 10, 15)),
    ("jutri 10:00", wall(2027, 3, 11, 10, 0)),
    ("Jutri, ob 10h.", wall(2027, 3, 11, 10, 0)),
    ("  JUTRI   OB 10H  ", wall(2027, 3, 11, 10, 0)),
    ("jutri ob 8 zvečer", wall(2027, 3, 11, 20, 0)),
    ("jutri ob 8 zjutraj", wall(2027, 3, 11, 8, 0)),
    ("jutri opoldne", wall(2027, 3, 11, 12, 0)),
    ("pojutrišnjem ob 8:00", wall(2027, 3, 12, 8, 0)),
    ("pojutrisnjem ob 8:00", wall(2027, 3, 12, 8, 0)),
    # weekdays (today is Wednesday 10 March)
    ("v petek ob 17:00", wall(2027, 3, 12, 17, 0)),
    ("petek ob 17h", wall(2027, 3, 12, 17, 0)),
    ("pet ob 17h", wall(2027, 3, 12, 17, 0)),
    ("naslednji ponedeljek ob 9", wall(2027, 3, 15, 9, 0)),
    ("prihodnji torek ob 9", wall(2027, 3, 16, 9, 0)),
    ("v nedeljo ob 12:00", wall(2027, 3, 14, 12, 0)),
    ("v sredo ob 18h", wall(2027, 3, 10, 18, 0)),  # today, still ahead
    ("v sredo ob 10h", wall(2027, 3, 17, 10, 0)),  # today but gone: next week
    ("naslednjo sredo ob 18h", wall(2027, 3, 17, 18, 0)),  # "next" is never today
    ("v četrtek ob 9h", wall(2027, 3, 11, 9, 0)),
    ("cetrtek ob 9h", wall(2027, 3, 11, 9, 0)),
    ("čet. ob 9h", wall(2027, 3, 11, 9, 0)),
    ("v soboto ob 9h", wall(2027, 3, 13, 9, 0)),
    ("v ponedeljek, 15. 3. ob 10h", wall(2027, 3, 15, 10, 0)),
    # relative amounts: real elapsed time from 14:00
    ("čez 2 uri", wall(2027, 3, 10, 16, 0)),
    ("čez 1 uro", wall(2027, 3, 10, 15, 0)),
    ("cez uro", wall(2027, 3, 10, 15, 0)),
    ("čez 3 ure", wall(2027, 3, 10, 17, 0)),
    ("čez 5 ur", wall(2027, 3, 10, 19, 0)),
    ("čez 30 minut", wall(2027, 3, 10, 14, 30)),
    ("čez pol ure", wall(2027, 3, 10, 14, 30)),
    ("čez 2 dni ob 10h", wall(2027, 3, 12, 10, 0)),
    # a time alone: today if still ahead, else tomorrow
    ("10:00", wall(2027, 3, 11, 10, 0)),
    ("10h", wall(2027, 3, 11, 10, 0)),
    ("10 h", wall(2027, 3, 11, 10, 0)),
    ("ob 10", wall(2027, 3, 11, 10, 0)),
    ("ob 10h", wall(2027, 3, 11, 10, 0)),
    ("ob 9:30", wall(2027, 3, 11, 9, 30)),
    ("9.30h", wall(2027, 3, 11, 9, 30)),
    ("17:00", wall(2027, 3, 10, 17, 0)),
    ("opoldne", wall(2027, 3, 11, 12, 0)),
    ("ob 5:00", wall(2027, 3, 11, 5, 0)),
    ("5am", wall(2027, 3, 11, 5, 0)),
    ("ob 5 zjutraj", wall(2027, 3, 11, 5, 0)),
    ("ob 7", wall(2027, 3, 11, 7, 0)),
    ("jutri ob 0:30", wall(2027, 3, 11, 0, 30)),
    ("ob 15.10", wall(2027, 3, 10, 15, 10)),  # after ob a pair of numbers is a time
    ("jutri 17.30", wall(2027, 3, 11, 17, 30)),  # and after a date
    ("15.3. 10.30", wall(2027, 3, 15, 10, 30)),
    # English
    ("tomorrow 10:00", wall(2027, 3, 11, 10, 0)),
    ("tomorrow at 10am", wall(2027, 3, 11, 10, 0)),
    ("Tomorrow at 10 a.m.", wall(2027, 3, 11, 10, 0)),
    ("today 6pm", wall(2027, 3, 10, 18, 0)),
    ("day after tomorrow 8:00", wall(2027, 3, 12, 8, 0)),
    ("the day after tomorrow at noon", wall(2027, 3, 12, 12, 0)),
    ("next friday 5pm", wall(2027, 3, 12, 17, 0)),
    ("friday 17:00", wall(2027, 3, 12, 17, 0)),
    ("on friday at 5:30 pm", wall(2027, 3, 12, 17, 30)),
    ("fri 9am", wall(2027, 3, 12, 9, 0)),
    ("wed 3pm", wall(2027, 3, 10, 15, 0)),
    ("this wednesday at 1pm", wall(2027, 3, 17, 13, 0)),
    ("5pm friday", wall(2027, 3, 12, 17, 0)),
    ("in 2 hours", wall(2027, 3, 10, 16, 0)),
    ("in 30 minutes", wall(2027, 3, 10, 14, 30)),
    ("in 30min", wall(2027, 3, 10, 14, 30)),
    ("in 1 hour", wall(2027, 3, 10, 15, 0)),
    ("in an hour", wall(2027, 3, 10, 15, 0)),
    ("in half an hour", wall(2027, 3, 10, 14, 30)),
    ("in 2 days at 5pm", wall(2027, 3, 12, 17, 0)),
    ("March 15 10:00", wall(2027, 3, 15, 10, 0)),
    ("15 March 2027 9:30", wall(2027, 3, 15, 9, 30)),
    ("Mar 15, 2027 at 9:30am", wall(2027, 3, 15, 9, 30)),
    ("march 15th at 9pm", wall(2027, 3, 15, 21, 0)),
    ("12am", wall(2027, 3, 11, 0, 0)),
    ("12pm", wall(2027, 3, 11, 12, 0)),
    ("tomorrow 12am", wall(2027, 3, 11, 0, 0)),
    ("tomorrow 12pm", wall(2027, 3, 11, 12, 0)),
    ("tomorrow 12:30 am", wall(2027, 3, 11, 0, 30)),
    ("sat 03/04/2027 10am", wall(2027, 4, 3, 10, 0)),  # the weekday settles the order
]

DATES = [
    ("15.3.2027", wall(2027, 3, 15)),
    ("15.3.2027.", wall(2027, 3, 15)),
    ("15. 3. 2027", wall(2027, 3, 15)),
    ("15.3.", wall(2027, 3, 15)),
    ("10.3.", wall(2027, 3, 10)),  # today: the day is not over yet
    ("9.3.", wall(2028, 3, 9)),
    ("10.12.", wall(2027, 12, 10)),
    ("29.2.", wall(2028, 2, 29)),
    ("2027-03-15", wall(2027, 3, 15)),
    ("15 marca 2027", wall(2027, 3, 15)),
    ("15. mar. 2027", wall(2027, 3, 15)),
    ("15. marca", wall(2027, 3, 15)),
    ("jutri", wall(2027, 3, 11)),
    ("Jutri.", wall(2027, 3, 11)),
    ("danes", wall(2027, 3, 10)),
    ("pojutrišnjem", wall(2027, 3, 12)),
    ("v sredo", wall(2027, 3, 17)),  # today is Wednesday: the next one
    ("v petek", wall(2027, 3, 12)),
    ("ta petek", wall(2027, 3, 12)),
    ("naslednji petek", wall(2027, 3, 12)),
    ("tomorrow", wall(2027, 3, 11)),
    ("March 15", wall(2027, 3, 15)),
    ("15th of march 2027", wall(2027, 3, 15)),
    ("on Mar. 15, 2027", wall(2027, 3, 15)),
    ("25/03/2027", wall(2027, 3, 25)),
    ("03/25/2027", wall(2027, 3, 25)),
    ("05/05/2027", wall(2027, 5, 5)),
    ("15.10", wall(2027, 10, 15)),  # without the final dot it is still a date
    ("9.3", wall(2028, 3, 9)),
    # whole days or weeks ahead name a day, not the current minute on it
    ("čez 2 dni", wall(2027, 3, 12)),
    ("čez 1 dan", wall(2027, 3, 11)),
    ("čez teden", wall(2027, 3, 17)),
    ("čez 2 tedna", wall(2027, 3, 24)),
    ("in 3 days", wall(2027, 3, 13)),
    ("in a week", wall(2027, 3, 17)),
    ("in 2 weeks", wall(2027, 3, 24)),
]

WEEKDAY_WORDS = [
    (words, offset)
    for words, offset in (
        ("ponedeljek pon monday mon", 5),
        ("torek tor tuesday tue tues", 6),
        ("sreda sredo sre wednesday wed", 7),
        ("četrtek cetrtek čet thursday thu thurs", 1),
        ("petek pet friday fri", 2),
        ("sobota soboto sob saturday sat", 3),
        ("nedelja nedeljo ned sunday sun", 4),
    )
]
MONTH_WORDS = [
    "januar januarja jan january",
    "februar februarja feb february",
    "marec marca mar march",
    "april aprila apr",
    "maj maja may",
    "junij junija jun june",
    "julij julija jul july",
    "avgust avgusta avg aug august",
    "september septembra sep sept",
    "oktober oktobra okt oct october",
    "november novembra nov",
    "december decembra dec",
]


@pytest.mark.parametrize(("text", "expected"), TIMED)
def test_timed(text: str, expected: datetime) -> None:
    check(parse_when(text, NOW, TZ), expected, True)


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date_only(text: str, expected: datetime) -> None:
    check(parse_when(text, NOW, TZ), expected, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{prefix}{word}", wall(2027, 3, 10 + offset))
        for words, offset in WEEKDAY_WORDS
        for word in words.split()
        for prefix in ("", "v ", "next ")
    ],
)
def test_weekday_words(text: str, expected: datetime) -> None:
    check(parse_when(text, NOW, TZ), expected, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (form.format(word), wall(2028, month, 1, 9, 0))
        for month, words in enumerate(MONTH_WORDS, 1)
        for word in words.split()
        for form in ("1. {} 2028 ob 9h", "1 {}. 2028 9:00", "{} 1, 2028 9am")
    ],
)
def test_month_words(text: str, expected: datetime) -> None:
    check(parse_when(text, NOW, TZ), expected, True)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware time in TZ (fold 0)."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "now", "local", "utc"),
    [
        # a calendar day across the switch is 23 or 25 hours; the wall time stays 09:00
        ("jutri ob 9h", at(2027, 3, 27, 12), wall(2027, 3, 28, 9), wall(2027, 3, 28, 7)),
        ("jutri ob 9h", at(2027, 10, 30, 12), wall(2027, 10, 31, 9), wall(2027, 10, 31, 8)),
        ("čez 1 dan ob 9h", at(2027, 3, 27, 12), wall(2027, 3, 28, 9), wall(2027, 3, 28, 7)),
        ("tomorrow 9am", at(2027, 10, 30, 23), wall(2027, 10, 31, 9), wall(2027, 10, 31, 8)),
        # relative amounts are real elapsed time
        ("čez 2 uri", at(2027, 3, 28, 1, 30), wall(2027, 3, 28, 4, 30), wall(2027, 3, 28, 2, 30)),
        (
            "in 2 hours",
            at(2027, 10, 31, 1, 30),
            wall(2027, 10, 31, 2, 30),
            wall(2027, 10, 31, 1, 30),
        ),
        # now given in another zone is converted first
        (
            "jutri ob 9h",
            datetime(2027, 3, 10, 23, 30, tzinfo=UTC),
            wall(2027, 3, 12, 9),
            wall(2027, 3, 12, 8),
        ),
        (
            "danes ob 18h",
            datetime(2027, 3, 10, 13, tzinfo=UTC),
            wall(2027, 3, 10, 18),
            wall(2027, 3, 10, 17),
        ),
    ],
)
def test_dst_and_zones(text: str, now: datetime, local: datetime, utc: datetime) -> None:
    result = parse_when(text, now, TZ)
    check(result, local, True)
    assert result.utc.replace(tzinfo=None) == utc


@pytest.mark.parametrize(
    ("text", "now", "local", "utc"),
    [
        ("čez 1 dan", at(2027, 3, 27, 12), wall(2027, 3, 28), wall(2027, 3, 27, 23)),
        ("in 1 day", at(2027, 10, 30, 12), wall(2027, 10, 31), wall(2027, 10, 30, 22)),
    ],
)
def test_whole_days_ahead_across_dst_start_at_midnight(
    text: str, now: datetime, local: datetime, utc: datetime
) -> None:
    result = parse_when(text, now, TZ)
    check(result, local, False)
    assert result.utc.replace(tzinfo=None) == utc


def test_second_occurrence_of_fall_back_hour() -> None:
    result = parse_when("čez 2 uri", datetime(2027, 10, 31, 1, 30, tzinfo=TZ), TZ)
    assert result.local.fold == 1
    assert result.local.utcoffset() == timedelta(hours=1)


def test_date_only_on_switch_day() -> None:
    check(parse_when("jutri", datetime(2027, 3, 27, 12, tzinfo=TZ), TZ), wall(2027, 3, 28), False)


@pytest.mark.parametrize("text", ["28.3.2027 ob 2:30", "28. 3. 2027 02:30", "2027-03-28 2:30am"])
def test_nonexistent_time(text: str) -> None:
    err = error(text)
    assert err.reason == "nonexistent_time"
    assert err.understood == datetime(2027, 3, 28, 2, 30, tzinfo=TZ)
    assert err.alternatives == ()


@pytest.mark.parametrize("text", ["31.10.2027 ob 2:30", "31. oktobra ob 2:30", "Oct 31 2:30am"])
def test_ambiguous_time(text: str) -> None:
    err = error(text)
    assert err.reason == "ambiguous"
    assert err.understood is None
    assert [a.astimezone(UTC).replace(tzinfo=None) for a in err.alternatives] == [
        wall(2027, 10, 31, 0, 30),
        wall(2027, 10, 31, 1, 30),
    ]
    assert all(a.tzinfo is TZ and a.hour == 2 for a in err.alternatives)


@pytest.mark.parametrize(
    ("text", "alternatives"),
    [
        ("03/04/2027", [wall(2027, 4, 3), wall(2027, 3, 4)]),
        ("03/04/2027 10:00", [wall(2027, 4, 3, 10), wall(2027, 3, 4, 10)]),
        ("4/5", [wall(2027, 5, 4), wall(2027, 4, 5)]),
    ],
)
def test_ambiguous_slash_date(text: str, alternatives: list[datetime]) -> None:
    err = error(text)
    assert err.reason == "ambiguous_date"
    assert err.has_time is (":" in text)
    assert [a.replace(tzinfo=None) for a in err.alternatives] == alternatives
    assert all(a.tzinfo is TZ for a in err.alternatives)


@pytest.mark.parametrize(
    ("text", "understood"),
    [
        ("danes ob 8h", wall(2027, 3, 10, 8)),
        ("today 1pm", wall(2027, 3, 10, 13)),
        ("1.1.2027", wall(2027, 1, 1)),
        ("9.3.2027 ob 18h", wall(2027, 3, 9, 18)),
        ("2027-03-09", wall(2027, 3, 9)),
        ("včeraj ob 10h", wall(2027, 3, 9, 10)),
        ("predvčerajšnjim", wall(2027, 3, 8)),
        ("yesterday 10:00", wall(2027, 3, 9, 10)),
    ],
)
def test_past(text: str, understood: datetime) -> None:
    err = error(text)
    assert err.reason == "past"
    assert err.understood is not None
    assert err.understood.replace(tzinfo=None) == understood
    assert parse_when(text, NOW, TZ, allow_past=True).local == err.understood


@pytest.mark.parametrize(
    "text",
    [
        "31.2.2027",
        "30. februarja",
        "29.2.2027",
        "31. 4.",
        "15.13.2027",
        "2027-13-01",
        "jutri ob 25h",
        "jutri ob 24:00",
        "jutri ob 10:60",
        "13pm",
    ],
)
def test_invalid_date(text: str) -> None:
    err = error(text)
    assert (err.reason, err.understood, err.alternatives) == ("invalid_date", None, ())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\n\t ", "empty"),
        ("5", "unrecognised"),
        ("10", "unrecognised"),
        ("jutri 10", "unrecognised"),
        ("ob", "unrecognised"),
        ("čez", "unrecognised"),
        ("in march", "unrecognised"),
        ("blabla", "unrecognised"),
        ("sestanek jutri ob 10h", "unrecognised"),
        ("čez 2 uri ob 10h", "unrecognised"),
        ("x" * 10_000, "unrecognised"),
    ],
)
def test_unreadable(text: str, reason: str) -> None:
    err = error(text)
    assert (err.reason, err.understood, err.alternatives) == (reason, None, ())


@pytest.mark.parametrize(
    "text",
    [
        "1" * 10_000,
        "jutri ob " * 1_200,
        "15. " * 2_500,
        "a" * 5_000 + " ob 10h",
        " " * 9_990 + "jutri",
        "1:" * 5_000,
        "cez " + "1 " * 5_000,
    ],
)
def test_long_input_is_fast(text: str) -> None:
    started = clock.perf_counter()
    with contextlib.suppress(WhenError):
        parse_when(text, NOW, TZ)
    assert clock.perf_counter() - started < 0.5


REASONS = set(get_args(Reason))
# fmt: off
TOKENS = (
    "ob", "at", "@", "v", "na", "next", "naslednji", "čez", "in", "jutri", "danes", "tomorrow",
    "petek", "fri", "marca", "march", "15.", "3.", "2027", "10:00", "9.30", "10h", "am", "pm",
    "pm.", ",", ".", "/", "-", "31", "2", "uri", "ure", "minut", "dni", "teden", "weeks",
    "opoldne", "zvečer", "2:30", "28.3.", "31.10.", "29.2.",
)
# fmt: on


@settings(max_examples=300, database=None, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60), st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join)
    ),
    now=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    allow_past=st.booleans(),
)
def test_never_raises_anything_else(text: str, now: datetime, allow_past: bool) -> None:
    result: ParsedWhen | WhenError
    try:
        result = parse_when(text, now, TZ, allow_past=allow_past)
    except WhenError as err:
        result = err
    if isinstance(result, WhenError):
        assert result.reason in REASONS
        assert result.text == text
        return
    assert result.local.tzinfo is TZ
    assert result.local.utcoffset() is not None
    assert result.utc == result.local.astimezone(UTC)
    if not allow_past:
        today = now.astimezone(TZ).date()
        assert result.utc >= now if result.has_time else result.local.date() >= today


# --- every phrase of the dates report and of the README, with what it must give -------------

NOV = datetime(2026, 11, 23, 13, 14, tzinfo=TZ)  # a Monday; 1 December is a Tuesday


@dataclass(frozen=True)
class Day:
    """A date without a time."""

    value: date


@dataclass(frozen=True)
class At:
    """A wall time, and the end of a range if one was given."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Refused:
    """The refusal, with what was understood or the readings offered (naive wall times)."""

    reason: str
    understood: datetime | None = None
    alternatives: tuple[datetime, ...] = ()


Expected = Day | At | Refused

PHRASES: list[tuple[str, Expected]] = [
    # a day and a month without the final dot are a date, alone or after a weekday
    ("20.12", Day(date(2026, 12, 20))),
    ("8.12", Day(date(2026, 12, 8))),
    ("15.10", Day(date(2027, 10, 15))),  # this year's 15 October is past
    ("31.12", Day(date(2026, 12, 31))),
    ("24.12", Day(date(2026, 12, 24))),
    ("v sredo 2.12", Day(date(2026, 12, 2))),
    ("pon 30.11", Day(date(2026, 11, 30))),
    ("v petek 11.12 ob 10h", At(wall(2026, 12, 11, 10))),
    ("8.12 10.30", At(wall(2026, 12, 8, 10, 30))),  # a date, then a time
    ("20.12 ob 10h", At(wall(2026, 12, 20, 10))),
    ("ob 10h 20.12", At(wall(2026, 12, 20, 10))),
    ("ob 0h 24.01", At(wall(2027, 1, 24, 0))),  # 24.01 is no time here, though it ends the text
    ("ob 15.10", At(wall(2026, 11, 23, 15, 10))),  # after ob a pair is a time
    ("jutri 17.30", At(wall(2026, 11, 24, 17, 30))),  # and after a date
    ("do 20.12.", Day(date(2026, 12, 20))),
    # a pair that is no date is not silently a time
    ("17.30", Refused("time_without_at")),
    ("v petek 10.30", Refused("time_without_at")),
    # the weekday must agree with the date
    ("v ponedeljek, 1. 12.", Refused("weekday_mismatch", wall(2026, 12, 1))),
    ("v petek 10.12", Refused("weekday_mismatch", wall(2026, 12, 10))),
    ("v torek, 1. 12.", Day(date(2026, 12, 1))),
    # two readings of a date are two dates
    ("1/4/2027", Refused("ambiguous_date", None, (wall(2027, 4, 1), wall(2027, 1, 4)))),
    # parts of the day
    ("ob 8 zvečer", At(wall(2026, 11, 23, 20))),
    ("ob 11 zvečer", At(wall(2026, 11, 23, 23))),
    ("ob 3 popoldne", At(wall(2026, 11, 23, 15))),
    ("jutri ob 2 popoldan", At(wall(2026, 11, 24, 14))),
    ("ob 12 popoldne", At(wall(2026, 11, 24, 12))),
    ("ob 8 zjutraj", At(wall(2026, 11, 24, 8))),
    ("ob 10 dopoldne", At(wall(2026, 11, 24, 10))),
    ("ob 20 zvečer", At(wall(2026, 11, 23, 20))),
    ("ob 12 zvečer", Refused("unclear_hour")),
    ("ob 0 zvečer", Refused("unclear_hour")),
    ("ob 14 zjutraj", Refused("unclear_hour")),
    # a bare hour 1–6 could be morning or afternoon
    ("at 3", Refused("ambiguous_hour", None, (wall(2026, 11, 24, 3), wall(2026, 11, 23, 15)))),
    ("ob 5", Refused("ambiguous_hour", None, (wall(2026, 11, 24, 5), wall(2026, 11, 23, 17)))),
    (
        "jutri ob 6h",
        Refused("ambiguous_hour", None, (wall(2026, 11, 24, 6), wall(2026, 11, 24, 18))),
    ),
    ("ob 5:00", At(wall(2026, 11, 24, 5))),
    ("at 3pm", At(wall(2026, 11, 23, 15))),
    ("ob 7", At(wall(2026, 11, 24, 7))),
    # whole days or weeks ahead: a date without a time
    ("čez en teden", Day(date(2026, 11, 30))),
    ("čez 2 tedna", Day(date(2026, 12, 7))),
    ("čez 3 dni", Day(date(2026, 11, 26))),
    ("čez 3 dni ob 9h", At(wall(2026, 11, 26, 9))),
    ("čez 2 uri", At(wall(2026, 11, 23, 15, 14))),
    # ranges set the end
    ("jutri od 10h do 12h", At(wall(2026, 11, 24, 10), wall(2026, 11, 24, 12))),
    ("15. 12. 10:00\u201312:00", At(wall(2026, 12, 15, 10), wall(2026, 12, 15, 12))),
    ("15. 12. 10:00 - 12:00", At(wall(2026, 12, 15, 10), wall(2026, 12, 15, 12))),
    ("10-12h", At(wall(2026, 11, 24, 10), wall(2026, 11, 24, 12))),
    ("8.12 10.30-12.00", At(wall(2026, 12, 8, 10, 30), wall(2026, 12, 8, 12))),
    ("v petek 11.12 od 9:30 do 11h", At(wall(2026, 12, 11, 9, 30), wall(2026, 12, 11, 11))),
    ("tomorrow 6-8pm", At(wall(2026, 11, 24, 18), wall(2026, 11, 24, 20))),
    ("tomorrow 10-1pm", At(wall(2026, 11, 24, 10), wall(2026, 11, 24, 13))),
    (
        "jutri od 12h do 10h",
        Refused("end_before_start", None, (wall(2026, 11, 24, 12), wall(2026, 11, 24, 10))),
    ),
    (
        "jutri od 3 do 5",
        Refused("ambiguous_hour", None, (wall(2026, 11, 24, 3), wall(2026, 11, 24, 15))),
    ),
    ("jutri 10-12", Refused("unrecognised")),  # no mark of a time at all
    # due dates
    ("do petka", Day(date(2026, 11, 27))),
    ("konec meseca", Day(date(2026, 11, 30))),
    ("do konca meseca", Day(date(2026, 11, 30))),
    ("konec leta", Day(date(2026, 12, 31))),
    ("naslednji teden", Day(date(2026, 11, 30))),
    ("next week", Day(date(2026, 11, 30))),
    ("by the end of the month", Day(date(2026, 11, 30))),
    # the README's examples
    ("15.3.2027 10:00", At(wall(2027, 3, 15, 10))),
    ("15. 3. 2027 ob 10h", At(wall(2027, 3, 15, 10))),
    ("2027-03-15 10:00", At(wall(2027, 3, 15, 10))),
    ("15. marca ob 9:30", At(wall(2027, 3, 15, 9, 30))),
    ("jutri ob 10h", At(wall(2026, 11, 24, 10))),
    ("pojutrišnjem ob 8:00", At(wall(2026, 11, 25, 8))),
    ("v petek ob 17:00", At(wall(2026, 11, 27, 17))),
    ("tomorrow 10:00", At(wall(2026, 11, 24, 10))),
    ("next friday 5pm", At(wall(2026, 11, 27, 17))),
    ("1.1.2020", Refused("past", wall(2020, 1, 1))),
    ("31.2.", Refused("invalid_date")),
    ("03/04/2027", Refused("ambiguous_date", None, (wall(2027, 4, 3), wall(2027, 3, 4)))),
    ("31.10.2027 ob 2:30", Refused("ambiguous", None, (wall(2027, 10, 31, 2, 30),) * 2)),
    ("28.3.2027 ob 2:30", Refused("nonexistent_time", wall(2027, 3, 28, 2, 30))),
]


@pytest.mark.parametrize(("text", "expected"), PHRASES, ids=[text for text, _ in PHRASES])
def test_phrases_people_write(text: str, expected: Expected) -> None:
    if isinstance(expected, Refused):
        err = error(text, NOV)
        naive = tuple(moment.replace(tzinfo=None) for moment in err.alternatives)
        understood = err.understood.replace(tzinfo=None) if err.understood else None
        assert (err.reason, understood, naive) == (
            expected.reason,
            expected.understood,
            expected.alternatives,
        )
        return
    result = parse_when(text, NOV, TZ)
    if isinstance(expected, Day):
        check(result, datetime.combine(expected.value, time()), False)
        assert result.end is None
        return
    check(result, expected.start, True)
    end = result.end.replace(tzinfo=None) if result.end else None
    assert end == expected.end
    if result.end is not None:
        assert result.end_utc == result.end.astimezone(UTC)


def test_every_phrase_the_readme_lists_is_in_the_table() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("WHEN is read")
    paragraph = readme[start : readme.index("\n\n", start)]
    listed = set(re.findall(r"`([^`]+)`", paragraph)) - {"ob", "at"}
    assert len(listed) > 20
    assert listed <= {text for text, _ in PHRASES}
