"""Read a moment typed by a person, in Slovenian or English, as an aware datetime.

`parse_when(text, now, tz)` returns a `ParsedWhen` or raises `WhenError`, whose `reason` is one
of "empty", "unrecognised", "invalid_date", "past", "ambiguous" and "nonexistent_time"; callers
turn that into a message in the user's language. Everything is wall time in `tz`.

How the less obvious forms are read (`now` is first converted to `tz`):

- Time without a date (`ob 10h`, `17:00`, `6pm`): today if that time is not past, else tomorrow.
- A bare number is never a time (`5` is unrecognised); it needs `ob`/`at`/`@`, minutes or a unit
  (`ob 5`, `5:00`, `5h`, `5am` are all 05:00). `15.10` alone is the time 15:10, `15.10.` is a date.
- Weekday (`petek`, `v petek`, `ta petek`, `friday`, `this friday`): the next such day strictly
  after today, except today itself when a time is given that is still ahead.
- `naslednji`/`naslednjo`/`prihodnji`/`next` + weekday: the first such day strictly after today,
  never today (on a Wednesday `naslednji petek` is the Friday two days later, like `v petek`).
- A weekday before a date (`v ponedeljek, 15. 3.`) must agree with it, else "invalid_date"; it
  also picks the reading of an ambiguous slash date.
- Day and month without a year: the next occurrence whose moment (whole day when no time) is not
  past. Dotted and written-month dates are day-first; `a/b` dates are day-first when `a > 12`,
  month-first when `b > 12`, otherwise "ambiguous" with (day-first, month-first) readings.
- `čez`/`in` + minutes/hours/days/weeks: `now` plus that much real (UTC) time. With days or weeks
  and a time (`čez 2 dni ob 10h`) it is that wall time on the calendar day that many days ahead.
- For a date without a time, `local` is the start of that day and it is past only once the whole
  day is over. A wall time skipped by a DST change is "nonexistent_time"; one that occurs twice
  is "ambiguous" (understood None, alternatives = the earlier and the later instant).
- In the repeated autumn hour `local` may have `fold=1`; Python compares two datetimes of the same
  zone by wall time, ignoring `fold`, so compare and store moments through `.utc`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["ParsedWhen", "WhenError", "parse_when"]

_MAX_LEN: Final = 200  # longer input is not a date: refuse it before any regex runs
_DAY: Final = timedelta(days=1)


def _table(rows: tuple[str, ...], start: int) -> Mapping[str, int]:
    return {word: index for index, row in enumerate(rows, start) for word in row.split()}


# fmt: off
_MONTHS: Final = _table((
    "januar januarja januarju jan january", "februar februarja februarju feb february",
    "marec marca marcu mar march", "april aprila aprilu apr", "maj maja maju may",
    "junij junija juniju jun june", "julij julija juliju jul july",
    "avgust avgusta avgustu avg aug august", "september septembra septembru sep sept",
    "oktober oktobra oktobru okt oct october", "november novembra novembru nov",
    "december decembra decembru dec",
), 1)
_WEEKDAYS: Final = _table((  # 0 = Monday, as date.weekday()
    "ponedeljek pon monday mon", "torek tor tuesday tue tues",
    "sreda sredo srede sre wednesday wed", "cetrtek cet thursday thu thur thurs",
    "petek pet friday fri", "sobota soboto sobote sob saturday sat",
    "nedelja nedeljo nedelje ned sunday sun",
), 0)
_UNITS: Final = {word: timedelta(minutes=minutes) for row, minutes in (
    ("min mins minut minuto minuti minute minutes", 1), ("dan dni dneva dnevi day days", 1440),
    ("h ura uro uri ure ur hour hours hr hrs", 60), ("teden tedna tedne tednov week weeks", 10080),
) for word in row.split()}
_COUNT_WORDS: Final[Mapping[str, float]] = {
    "pol": 0.5, "en": 1, "eno": 1, "ena": 1, "dva": 2, "dve": 2, "tri": 3,
    "half an": 0.5, "half a": 0.5, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3,
}
_REL_DAYS: Final[Mapping[str, int]] = {
    "predvcerajsnjim": -2, "vceraj": -1, "yesterday": -1,
    "danes": 0, "today": 0, "jutri": 1, "tomorrow": 1,
    "pojutrisnjem": 2, "day after tomorrow": 2, "overmorrow": 2,
}
# fmt: on


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


# A time of day. It counts only with a marker: `ob`/`at`/`@`, minutes, a unit/am/pm, or noon.
_TIME: Final = (
    r"(?:(?P<pre>ob|at|@)\s*)?(?:(?P<noon>opoldne|opoldan|noon|midday)"
    r"|(?P<h>\d{1,2})(?:[:.](?P<min>\d{2}))?(?P<suf>\.?\s*(?:(?P<ap>[ap])\.?m\.?"
    r"|(?P<pm>popoldne|zvecer)|zjutraj|dopoldne|h|ih|uri))?)"
)
_TIME_END: Final = _rx(rf"(?:^|(?<=[ ,])){_TIME}$")
_TIME_START: Final = _rx(rf"{_TIME}(?:[ ,]+|$)")
_TIME_ONLY: Final = _rx(_TIME)
_RELATIVE: Final = _rx(
    r"(?:cez|in) (?:(?P<n>\d{1,5}) ?|(?P<nw>pol|en|eno|ena|dva|dve|tri|half an|half a|a|an|one"
    r"|two|three) )?(?P<unit>[a-z]+)(?:[ ,]+(?P<rest>.+))?"
)
_LEAD: Final = _rx(r"(?:on|dne|the) ")
_WEEKDAY: Final = _rx(
    r"(?:(?:(?P<next>next|naslednj[aeio]|prihodnj[aeio])|v|na|ta|to|this) )?(?P<wd>[a-z]+)\.?"
)
_WEEKDAY_DATE: Final = _rx(r"(?:(?:v|na) )?(?P<wd>[a-z]+)\.?(?: ?, ?| )(?P<rest>.+)")
_ISO: Final = _rx(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_ISO_T: Final = _rx(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)")
_DOTTED: Final = _rx(r"(?P<d>\d{1,2})\. ?(?P<m>\d{1,2})(?:\. ?(?P<y>\d{4}|\d{2}))?\.?")
_SLASH: Final = _rx(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?")
_DAY_MONTH: Final = _rx(
    r"(?P<d>\d{1,2})(?:\.|st|nd|rd|th)? ?(?:of )?(?P<mon>[a-z]+)\.?(?:,? ?(?P<y>\d{4}))?"
)
_MONTH_DAY: Final = _rx(
    r"(?P<mon>[a-z]+)\.? ?(?P<d>\d{1,2})(?:st|nd|rd|th|\.)?(?:,? ?(?P<y>\d{4}))?"
)


@dataclass(frozen=True)
class ParsedWhen:
    """The moment understood: `local` is aware, with `tzinfo` the zone that was passed in."""

    local: datetime
    has_time: bool  # False for a date alone; `local` is then the start of that day

    @property
    def utc(self) -> datetime:
        return self.local.astimezone(UTC)


class WhenError(Exception):
    """Why `text` could not be read; `reason` is a code, never a message for users."""

    def __init__(
        self,
        reason: str,
        text: str = "",
        *,
        understood: datetime | None = None,
        alternatives: tuple[datetime, ...] = (),
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text
        self.understood = understood
        self.alternatives = alternatives


def parse_when(text: str, now: datetime, tz: ZoneInfo, *, allow_past: bool = False) -> ParsedWhen:
    """Parse `text` relative to the aware `now`, reading every wall time in `tz`."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(tz)
    if not text.strip():
        raise WhenError("empty", text)
    if len(text.strip()) > _MAX_LEN * 4:
        raise WhenError("unrecognised", text)
    folded = unicodedata.normalize("NFKD", text.lower())
    s = " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())
    if not s or len(s) > _MAX_LEN:
        raise WhenError("unrecognised", text)
    s = _ISO_T.sub(r"\1 ", s)
    try:
        result = _parse(s, now, tz)
        if result is None and s[-1] in ".!?":
            result = _parse(s[:-1].rstrip(), now, tz)
    except WhenError as err:
        err.text = text
        raise
    except (ValueError, OverflowError):
        raise WhenError("invalid_date", text) from None
    if result is None:
        raise WhenError("unrecognised", text)
    past = result.utc < now.astimezone(UTC) if result.has_time else result.local.date() < now.date()
    if past and not allow_past:
        raise WhenError("past", text, understood=result.local)
    return result


def _parse(s: str, now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
    rel = _RELATIVE.fullmatch(s)
    if rel and rel["unit"] in _UNITS:
        return _relative(rel, now, tz)
    tod, rest = _split_time(s)
    days = _parse_date(rest, tod, now)
    if days is None:
        return None
    if len(days) > 1:
        raise WhenError("ambiguous", alternatives=tuple(_wall(d, tod, tz) for d in days))
    return ParsedWhen(_wall(days[0], tod, tz), tod is not None)


def _relative(m: re.Match[str], now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
    count = float(m["n"]) if m["n"] else _COUNT_WORDS[m["nw"]] if m["nw"] else 1.0
    delta = _UNITS[m["unit"]] * count
    if m["rest"] is None:
        return ParsedWhen((now.astimezone(UTC) + delta).astimezone(tz), True)
    t = _TIME_ONLY.fullmatch(m["rest"])
    if delta < _DAY or t is None or not _has_marker(t):
        return None
    return ParsedWhen(_wall(now.date() + timedelta(days=delta.days), _to_time(t), tz), True)


def _has_marker(m: re.Match[str]) -> bool:
    return bool(m["pre"] or m["min"] or m["suf"] or m["noon"])


def _to_time(m: re.Match[str]) -> time:
    """The time of day of a `_TIME` match; ValueError for 25:00, 10:60, 13pm."""
    if m["noon"]:
        return time(12)
    hour = int(m["h"])
    if m["ap"]:
        if not 1 <= hour <= 12:
            raise ValueError(hour)
        hour = hour % 12 + (12 if m["ap"] == "p" else 0)
    elif m["pm"] and hour < 12:
        hour += 12
    return time(hour, int(m["min"] or 0))


def _split_time(s: str) -> tuple[time | None, str]:
    """Take a time off the end (or else the start) of `s`: (time or None, what is left)."""
    m = _TIME_END.search(s)
    if m and _has_marker(m):
        return _to_time(m), s[: m.start()].rstrip(" ,")
    m = _TIME_START.match(s)
    if m and _has_marker(m):
        return _to_time(m), s[m.end() :]
    return None, s


def _ahead(day: date, tod: time | None, now: datetime) -> bool:
    """Whether that day (at `tod`, else as a whole) is not yet past."""
    if tod is None:
        return day >= now.date()
    return datetime.combine(day, tod, tzinfo=now.tzinfo).astimezone(UTC) >= now.astimezone(UTC)


def _parse_date(d: str, tod: time | None, now: datetime) -> tuple[date, ...] | None:
    """The day(s) `d` names: one, or two readings of an ambiguous slash date; None if no date."""
    today = now.date()
    if lead := _LEAD.match(d):
        d = d[lead.end() :]
    if not d:
        if tod is None:
            return None
        return (today if _ahead(today, tod, now) else today + _DAY,)
    if d in _REL_DAYS:
        return (today + timedelta(days=_REL_DAYS[d]),)
    if (m := _WEEKDAY.fullmatch(d)) and m["wd"] in _WEEKDAYS:
        wd = _WEEKDAYS[m["wd"]]
        if wd == today.weekday() and tod is not None and not m["next"] and _ahead(today, tod, now):
            return (today,)
        return (today + timedelta(days=(wd - today.weekday() - 1) % 7 + 1),)
    if m := _ISO.fullmatch(d):
        return (date(int(m["y"]), int(m["m"]), int(m["d"])),)
    if m := _DOTTED.fullmatch(d):
        return (_day(m["y"], int(m["m"]), int(m["d"]), tod, now),)
    if m := _SLASH.fullmatch(d):
        a, b = int(m["a"]), int(m["b"])
        orders = [(b, a)] if a > 12 or a == b else [(a, b)] if b > 12 else [(b, a), (a, b)]
        return tuple(_day(m["y"], month, day, tod, now) for month, day in orders)
    if (m := _DAY_MONTH.fullmatch(d) or _MONTH_DAY.fullmatch(d)) and m["mon"] in _MONTHS:
        return (_day(m["y"], _MONTHS[m["mon"]], int(m["d"]), tod, now),)
    if (m := _WEEKDAY_DATE.fullmatch(d)) and m["wd"] in _WEEKDAYS:
        days = _parse_date(m["rest"], tod, now)
        if days is None:
            return None
        agreeing = tuple(day for day in days if day.weekday() == _WEEKDAYS[m["wd"]])
        if not agreeing:
            raise ValueError("weekday does not match the date")
        return agreeing
    return None


def _day(year: str | None, month: int, day: int, tod: time | None, now: datetime) -> date:
    """That date; without a year, its next occurrence that is not past. ValueError if invalid."""
    if year:
        return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    date(2000, month, day)  # a leap year: refuses only dates that never exist
    for candidate_year in range(now.year, now.year + 9):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:  # 29 February in a common year
            continue
        if _ahead(candidate, tod, now):
            return candidate
    raise ValueError("no future occurrence")


def _wall(day: date, tod: time | None, tz: ZoneInfo) -> datetime:
    """Wall time `tod` (start of day if None) on `day` in `tz`, refusing DST gaps and overlaps."""
    naive = datetime.combine(day, tod or time())
    first, second = naive.replace(tzinfo=tz), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    exists = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive
    if tod is None:  # a day always has a start: the first instant of it
        return first if exists else first.astimezone(UTC).astimezone(tz)
    if not exists:
        raise WhenError("nonexistent_time", understood=first)
    raise WhenError("ambiguous", alternatives=(first, second))
