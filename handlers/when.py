"""Read a moment typed by a person, in Slovenian or English, as an aware datetime.

`parse_when(text, now, tz)` returns a `ParsedWhen` (a start, whether it has a time of day, and
an optional end) or raises `WhenError`, whose `reason` is a `Reason` code; callers turn that into
a message in the user's language. Everything is wall time in `tz`. A wrong date is far worse
than a refusal: whatever could be read two ways is refused with the readings.

How the less obvious forms are read (`now` is first converted to `tz`):

- `d.m` is a date, with or without the final dot: `20.12`, `v sredo 2.12`, `8.12 10.30`. A
  pair of numbers is a time only after `ob`/`at`/`@` or after a date (`ob 15.10`,
  `jutri 17.30`, `8.12 10.30`); alone, after a weekday or before a time it is a date.
  A pair that is no date but a time (`17.30` alone) is "time_without_at".
- A time needs a marker: `ob`/`at`/`@`, minutes after `:`, `h`/`uri`, am/pm, a part of day,
  or noon. A bare number is never a time (`5`, `jutri 10` are unrecognised).
- A bare hour 1–6 without minutes, am/pm or a part of day (`ob 5`, `at 3`, `5h`) could be
  morning or afternoon: "ambiguous_hour", with both readings. 7–12 and 0, 13–23 are read as is.
- `popoldne`/`popoldan`/`zvečer` add 12 hours to 1–11 (`ob 8 zvečer` is 20:00, `12 popoldne`
  is noon); `ob 12 zvečer` is "unclear_hour". `zjutraj`/`dopoldne` keep the hour (1–12).
- Time without a date (`ob 10h`, `17:00`, `6pm`): today if that time is not past, else tomorrow.
- Ranges set an end on the same day: `jutri od 10h do 12h`, `15. 12. 10:00–12:00`, `10-12h`,
  `from 9 to 11am`. A part of day or am/pm written once applies to both ends (`6-8pm`), unless
  that would put the start after the end (`10-1pm` is 10:00–13:00). An end that is not after
  the start is "end_before_start".
- Weekday (`petek`, `v petek`, `ta petek`, `friday`, `this friday`): the next such day strictly
  after today, except today itself when a time is given that is still ahead.
- `naslednji`/`naslednjo`/`prihodnji`/`next` + weekday: the first such day strictly after today,
  never today (on a Wednesday `naslednji petek` is the Friday two days later, like `v petek`).
- A weekday before a date (`v ponedeljek, 15. 3.`) must agree with it, else "weekday_mismatch"
  (understood = that date, `weekday` = the day written); it also picks the reading of an
  ambiguous slash date.
- Day and month without a year: the next occurrence whose moment (whole day when no time) is not
  past. Dotted and written-month dates are day-first; `a/b` dates are day-first when `a > 12`,
  month-first when `b > 12`, otherwise "ambiguous_date" with (day-first, month-first) readings.
- Due dates: `do`/`by` before a date is dropped (`do petka`, `do 20.12.`, `by friday`);
  `konec meseca`/`end of the month` is the month's last day, `konec leta` 31 December,
  `naslednji teden`/`next week` the Monday of next week.
- `čez`/`in` + minutes/hours: `now` plus that much real (UTC) time. Whole days or weeks
  (`čez 3 dni`, `čez en teden`) name a day: a date without a time, or that wall time on it
  (`čez 2 dni ob 10h`).
- For a date without a time, `local` is the start of that day and it is past only once the whole
  day is over. A wall time skipped by a DST change is "nonexistent_time"; one that occurs twice
  is "ambiguous" (understood None, alternatives = the earlier and the later instant).
- In the repeated autumn hour `local` may have `fold=1`; Python compares two datetimes of the same
  zone by wall time, ignoring `fold`, so compare and store moments through `.utc`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

__all__ = ["ParsedWhen", "Reason", "WhenError", "parse_when"]

Reason = Literal[
    "empty",
    "unrecognised",
    "invalid_date",
    "time_without_at",
    "past",
    "ambiguous",
    "ambiguous_date",
    "ambiguous_hour",
    "unclear_hour",
    "weekday_mismatch",
    "end_before_start",
    "nonexistent_time",
]

_MAX_LEN: Final = 200  # longer input is not a date: refuse it before any regex runs
_DAY: Final = timedelta(days=1)
_DASHES: Final = str.maketrans({"\u2010": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


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
    "ponedeljek ponedeljka pon monday mon", "torek torka tor tuesday tue tues",
    "sreda sredo srede sre wednesday wed", "cetrtek cetrtka cet thursday thu thur thurs",
    "petek petka pet friday fri", "sobota soboto sobote sob saturday sat",
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
_PERIODS: Final[Mapping[str, str]] = {
    "konec meseca": "month", "konca meseca": "month", "end of month": "month",
    "end of the month": "month", "konec leta": "year", "konca leta": "year",
    "end of year": "year", "end of the year": "year", "naslednji teden": "week",
    "prihodnji teden": "week", "next week": "week",
}
_PM_WORDS: Final = ("popoldne", "popoldan", "zvecer")
# fmt: on


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


def _time_rx(p: str) -> str:
    """A time of day, its groups named with the prefix `p` (a range holds two)."""
    return (
        rf"(?:(?P<{p}pre>ob|at|@)\s*)?(?:(?P<{p}noon>opoldne|opoldan|noon|midday)"
        rf"|(?P<{p}h>\d{{1,2}})(?:(?P<{p}sep>[:.])(?P<{p}min>\d{{2}}))?(?:\.?\s*(?:"
        rf"(?P<{p}ap>[ap])\.?m\.?|(?P<{p}word>{'|'.join(_PM_WORDS)}|zjutraj|dopoldne|dopoldan)"
        rf"|(?P<{p}unit>h|ih|uri)))?)"
    )


_TIME_END: Final = _rx(rf"(?:^|(?<=[ ,])){_time_rx('')}$")
_TIME_START: Final = _rx(rf"{_time_rx('')}(?:[ ,]+|$)")
_TIME_ONLY: Final = _rx(_time_rx(""))
_RANGE_END: Final = _rx(
    rf"(?:^|(?<=[ ,]))(?:(?P<od>od|from) )?{_time_rx('a')}"
    rf"(?: ?- ?| (?:do|to|until) ){_time_rx('b')}$"
)
_RELATIVE: Final = _rx(
    r"(?:cez|in) (?:(?P<n>\d{1,5}) ?|(?P<nw>pol|en|eno|ena|dva|dve|tri|half an|half a|a|an|one"
    r"|two|three) )?(?P<unit>[a-z]+)(?:[ ,]+(?P<rest>.+))?"
)
_LEAD: Final = _rx(r"(?:(?:on|dne|the|do|by) )+")
_WEEKDAY: Final = _rx(
    r"(?:(?:(?P<next>next|naslednj[aeio]|prihodnj[aeio])|v|na|ta|to|this) )?(?P<wd>[a-z]+)\.?"
)
_WEEKDAY_DATE: Final = _rx(r"(?:(?:v|na) )?(?P<wd>[a-z]+)\.?(?: ?, ?| )(?P<rest>.+)")
_ISO: Final = _rx(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_ISO_T: Final = _rx(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)")
_DOTTED: Final = _rx(r"(?P<d>\d{1,2})\. ?(?P<m>\d{1,2})(?:\. ?(?P<y>\d{4}|\d{2}))?\.?")
_PAIR: Final = _rx(r"(?P<h>\d{1,2})\.(?P<min>\d{2})")  # `17.30` alone: a time, if anything
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
    end: datetime | None = None  # the end of a range (`od 10h do 12h`), same day and zone

    @property
    def utc(self) -> datetime:
        return self.local.astimezone(UTC)

    @property
    def end_utc(self) -> datetime | None:
        return self.end.astimezone(UTC) if self.end else None


class WhenError(Exception):
    """Why `text` could not be read; `reason` is a code, never a message for users."""

    def __init__(
        self,
        reason: Reason,
        text: str = "",
        *,
        understood: datetime | None = None,
        alternatives: tuple[datetime, ...] = (),
        has_time: bool = True,
        weekday: int | None = None,
        as_time: time | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason: Reason = reason
        self.text = text
        self.understood = understood
        self.alternatives = alternatives
        self.has_time = has_time  # whether `understood`/`alternatives` carry a time of day
        self.weekday = weekday  # "weekday_mismatch": the weekday written, 0 = Monday
        self.as_time = as_time  # "time_without_at": the time the text could mean


def parse_when(text: str, now: datetime, tz: ZoneInfo, *, allow_past: bool = False) -> ParsedWhen:
    """Parse `text` relative to the aware `now`, reading every wall time in `tz`."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(tz)
    if not text.strip():
        raise WhenError("empty", text)
    if len(text.strip()) > _MAX_LEN * 4:
        raise WhenError("unrecognised", text)
    folded = unicodedata.normalize("NFKD", text.lower().translate(_DASHES))
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
        raise WhenError("past", text, understood=result.local, has_time=result.has_time)
    return result


@dataclass(frozen=True)
class _Clock:
    """A time of day as written, before it is read."""

    hour: int
    minute: int | None
    sep: str | None  # ":" or "." between hour and minutes
    pre: bool  # after ob/at/@
    noon: bool
    ap: str | None  # "a" or "p"
    word: str | None  # a part of day: zjutraj, popoldne, zvecer, ...
    unit: bool  # h, ih, uri

    @property
    def strong(self) -> bool:
        """A time wherever it stands."""
        return self.pre or self.noon or bool(self.ap or self.word) or self.unit or self.sep == ":"

    @property
    def bare_early(self) -> bool:
        """1–6 with nothing to tell morning from afternoon."""
        written = self.noon or self.minute is not None or self.ap or self.word
        return not written and 1 <= self.hour <= 6

    def time(self) -> time:
        """The time of day; ValueError for 25:00, 10:60, 13pm; WhenError for `12 zvečer`."""
        if self.noon:
            return time(12)
        hour = self.hour
        if self.ap:
            if not 1 <= hour <= 12:
                raise ValueError(hour)
            hour = hour % 12 + (12 if self.ap == "p" else 0)
        elif self.word in _PM_WORDS:
            if hour == 0 or (hour == 12 and self.word == "zvecer"):
                raise WhenError("unclear_hour")
            hour += 12 if hour < 12 else 0
        elif self.word and not 1 <= hour <= 12:  # zjutraj, dopoldne
            raise WhenError("unclear_hour")
        return time(hour, self.minute or 0)

    def with_part_of(self, other: _Clock) -> _Clock:
        """This time with `other`'s am/pm or part of day, unless that puts it after `other`."""
        if self.ap or self.word or not (other.ap or other.word) or self.noon:
            return self
        inherited = _Clock(
            self.hour, self.minute, self.sep, self.pre, False, other.ap, other.word, self.unit
        )
        try:
            if inherited.time() > other.time() and self.time() < other.time():
                return self
        except (ValueError, WhenError):
            return self
        return inherited


def _clock(m: re.Match[str], p: str) -> _Clock:
    if m[f"{p}noon"]:
        return _Clock(12, None, None, bool(m[f"{p}pre"]), True, None, None, False)
    minute = m[f"{p}min"]
    return _Clock(
        hour=int(m[f"{p}h"]),
        minute=int(minute) if minute else None,
        sep=m[f"{p}sep"],
        pre=bool(m[f"{p}pre"]),
        noon=False,
        ap=m[f"{p}ap"],
        word=m[f"{p}word"],
        unit=bool(m[f"{p}unit"]),
    )


@dataclass(frozen=True)
class _Split:
    """A reading of `s` as a time (or a range) and the rest, which must then name the day."""

    start: _Clock | None
    end: _Clock | None
    rest: str
    weak: bool  # the time is only a pair of numbers: a time only after a date


def _splits(s: str) -> Iterator[_Split]:
    """The ways to take a time off `s`, most specific first; the last one takes none."""
    if m := _RANGE_END.search(s):
        a, b = _clock(m, "a"), _clock(m, "b")
        rest = s[: m.start()].rstrip(" ,")
        if m["od"] or a.strong or b.strong:
            yield _Split(a.with_part_of(b), b, rest, False)
        elif a.sep or b.sep:
            yield _Split(a, b, rest, True)
    if m := _TIME_END.search(s):
        c = _clock(m, "")
        if c.strong or c.sep:
            yield _Split(c, None, s[: m.start()].rstrip(" ,"), not c.strong)
    if (m := _TIME_START.match(s)) and _clock(m, "").strong:
        yield _Split(_clock(m, ""), None, s[m.end() :], False)
    yield _Split(None, None, s, False)


def _parse(s: str, now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
    rel = _RELATIVE.fullmatch(s)
    if rel and rel["unit"] in _UNITS:
        return _relative(rel, now, tz)
    for split in _splits(s):
        if split.weak and not _names_a_date(split.rest, now, tz):
            continue  # `20.12`, `v petek 11.12`, `ob 10h 20.12`: the pair is the date
        result = _resolve(split, now, tz)
        if result is not None:
            return result
    return None


def _names_a_date(s: str, now: datetime, tz: ZoneInfo) -> bool:
    """Whether `s` is a date after which a pair of numbers is a time: not a weekday alone."""
    bare = s[lead.end() :] if (lead := _LEAD.match(s)) else s
    if (m := _WEEKDAY.fullmatch(bare)) and m["wd"] in _WEEKDAYS:
        return False
    return bool(s) and _parse_date(s, None, now, tz) is not None


def _resolve(split: _Split, now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
    """The moment of a split, or None when its rest names no day."""
    start, end = split.start, split.end
    if start is not None and start.bare_early:
        readings = []
        for hour in (start.hour, start.hour + 12):
            days = _parse_date(split.rest, time(hour), now, tz)
            if days is None:
                return None
            readings.append(_wall(days[0], time(hour), tz))
        raise WhenError("ambiguous_hour", alternatives=tuple(readings))
    tod = start.time() if start else None
    days = _parse_date(split.rest, tod, now, tz)
    if days is None:
        return None
    if len(days) > 1:
        alternatives = tuple(_wall(day, tod, tz) for day in days)
        raise WhenError("ambiguous_date", alternatives=alternatives, has_time=tod is not None)
    local = _wall(days[0], tod, tz)
    until = _wall(days[0], end.time(), tz) if end else None
    if until is not None and until.astimezone(UTC) <= local.astimezone(UTC):
        raise WhenError("end_before_start", alternatives=(local, until))
    return ParsedWhen(local, tod is not None, until)


def _relative(m: re.Match[str], now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
    count = float(m["n"]) if m["n"] else _COUNT_WORDS[m["nw"]] if m["nw"] else 1.0
    delta = _UNITS[m["unit"]] * count
    whole_days = _UNITS[m["unit"]] >= _DAY and delta >= _DAY and delta % _DAY == timedelta()
    if m["rest"] is None:
        if whole_days:  # `čez 3 dni` names a day, not the current minute on it
            return ParsedWhen(_wall(now.date() + timedelta(days=delta.days), None, tz), False)
        return ParsedWhen((now.astimezone(UTC) + delta).astimezone(tz), True)
    t = _TIME_ONLY.fullmatch(m["rest"])
    if not whole_days or t is None:
        return None
    clock = _clock(t, "")
    if not (clock.strong or clock.sep):
        return None
    split = _Split(clock, None, "", False)
    day = now.date() + timedelta(days=delta.days)
    return _resolve(split, datetime.combine(day, time(), tzinfo=tz), tz)


def _ahead(day: date, tod: time | None, now: datetime) -> bool:
    """Whether that day (at `tod`, else as a whole) is not yet past."""
    if tod is None:
        return day >= now.date()
    return datetime.combine(day, tod, tzinfo=now.tzinfo).astimezone(UTC) >= now.astimezone(UTC)


def _parse_date(d: str, tod: time | None, now: datetime, tz: ZoneInfo) -> tuple[date, ...] | None:
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
    if d in _PERIODS:
        return (_period_day(_PERIODS[d], today),)
    if (m := _WEEKDAY.fullmatch(d)) and m["wd"] in _WEEKDAYS:
        wd = _WEEKDAYS[m["wd"]]
        if wd == today.weekday() and tod is not None and not m["next"] and _ahead(today, tod, now):
            return (today,)
        return (today + timedelta(days=(wd - today.weekday() - 1) % 7 + 1),)
    if m := _ISO.fullmatch(d):
        return (date(int(m["y"]), int(m["m"]), int(m["d"])),)
    if (m := _PAIR.fullmatch(d)) and not 1 <= int(m["min"]) <= 12:
        raise WhenError("time_without_at", as_time=time(int(m["h"]), int(m["min"])))
    if m := _DOTTED.fullmatch(d):
        return (_day(m["y"], int(m["m"]), int(m["d"]), tod, now),)
    if m := _SLASH.fullmatch(d):
        a, b = int(m["a"]), int(m["b"])
        orders = [(b, a)] if a > 12 or a == b else [(a, b)] if b > 12 else [(b, a), (a, b)]
        return tuple(_day(m["y"], month, day, tod, now) for month, day in orders)
    if (m := _DAY_MONTH.fullmatch(d) or _MONTH_DAY.fullmatch(d)) and m["mon"] in _MONTHS:
        return (_day(m["y"], _MONTHS[m["mon"]], int(m["d"]), tod, now),)
    if (m := _WEEKDAY_DATE.fullmatch(d)) and m["wd"] in _WEEKDAYS:
        days = _parse_date(m["rest"], tod, now, tz)
        if days is None:
            return None
        wd = _WEEKDAYS[m["wd"]]
        agreeing = tuple(day for day in days if day.weekday() == wd)
        if agreeing:
            return agreeing
        if len(days) > 1:
            alternatives = tuple(_wall(day, tod, tz) for day in days)
            raise WhenError("ambiguous_date", alternatives=alternatives, has_time=tod is not None)
        understood = _wall(days[0], None, tz)
        raise WhenError("weekday_mismatch", understood=understood, has_time=False, weekday=wd)
    return None


def _period_day(period: str, today: date) -> date:
    """The last day of this month or year, or the Monday of next week."""
    if period == "month":
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if period == "year":
        return date(today.year, 12, 31)
    return today + timedelta(days=7 - today.weekday())


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
