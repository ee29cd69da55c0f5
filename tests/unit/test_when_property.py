"""A phrase holding a day and a month is saved on that day and month, or refused: never another.

Phrases are built the way people write them: `20.12`, `20. 12.`, `20.12.`, with or without a
year, zero-padded or not, after an optional weekday (`v petek`, `pon,`), and with an optional
time before or after it in the forms people use (`ob 10h`, `10:30`, `10.30` after the date,
`ob 8 zvečer`, `5pm`, `od 10h do 12h`, `10-12h`, `10:00–12:00`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.when import ParsedWhen, WhenError, parse_when

TZ = ZoneInfo("Europe/Ljubljana")
WEEKDAY_WORDS = (
    "ponedeljek pon monday mon",
    "torek tor tuesday tue",
    "sredo sreda sre wednesday wed",
    "četrtek čet thursday thu",
    "petek pet friday fri",
    "soboto sob saturday sat",
    "nedeljo ned sunday sun",
)
# Refusals a phrase may get without a weekday or a year: a bare hour 1–6, `12 zvečer`, and a
# wall time that the clock change skips or repeats.
TIME_REFUSALS = {"ambiguous_hour", "unclear_hour", "nonexistent_time", "ambiguous"}


@dataclass(frozen=True)
class Phrase:
    day: int
    month: int
    date_text: str
    year: int | None
    time_text: str
    time_first: bool

    def text(self, weekday: str = "") -> str:
        parts = [weekday + self.date_text]
        if self.time_text:
            parts.insert(0 if self.time_first else 1, self.time_text)
        return " ".join(parts)


@st.composite
def day_month(draw: st.DrawFn) -> tuple[int, int, str, int | None]:
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]))
    year = draw(st.none() | st.integers(2020, 2042))
    pad = draw(st.booleans())
    d, m = (f"{day:02d}", f"{month:02d}") if pad else (str(day), str(month))
    if year is None:
        form = draw(st.sampled_from(("{d}.{m}", "{d}. {m}.", "{d}.{m}.", "{d}. {m}")))
    else:
        form = draw(st.sampled_from(("{d}.{m}.{y}", "{d}. {m}. {y}", "{d}.{m}.{y}.")))
    return day, month, form.format(d=d, m=m, y=year), year


@st.composite
def time_part(draw: st.DrawFn) -> tuple[str, bool]:
    """A time as people write it, and whether it stands before the date."""
    hour = draw(st.integers(0, 21))
    minute = draw(st.sampled_from((0, 15, 30, 45)))
    later = hour + draw(st.integers(1, 2))
    after = (
        f"ob {hour}h",
        f"ob {hour}",
        f"{hour}:{minute:02d}",
        f"ob {hour}.{minute:02d}",
        f"{hour}.{minute:02d}",  # a pair after a date is a time
        f"ob {hour} zvečer",
        f"ob {hour} zjutraj",
        f"at {hour % 12 + 1}pm",
        f"od {hour}h do {later}h",
        f"{hour}-{later}h",
        f"{hour}:{minute:02d}\u2013{later}:{minute:02d}",
        f"{hour}.{minute:02d}-{later}.{minute:02d}",
    )
    before = (f"ob {hour}h", f"{hour}:{minute:02d}", f"ob {hour}.{minute:02d}")
    if draw(st.booleans()):
        return draw(st.sampled_from(before)), True
    return draw(st.sampled_from(after)), False


@st.composite
def phrases(draw: st.DrawFn) -> Phrase:
    day, month, date_text, year = draw(day_month())
    time_text, time_first = draw(st.none() | time_part()) or ("", False)
    return Phrase(day, month, date_text, year, time_text, time_first)


def read(text: str, now: datetime) -> ParsedWhen | WhenError:
    try:
        return parse_when(text, now, TZ)
    except WhenError as error:
        return error


def assert_on_the_pair(result: ParsedWhen | WhenError, phrase: Phrase) -> None:
    if isinstance(result, WhenError):
        return
    local = result.local
    assert (local.day, local.month) == (phrase.day, phrase.month), phrase.text()
    if phrase.year is not None:
        assert local.year == phrase.year
    if result.end is not None:
        assert result.end.date() == local.date()


@settings(max_examples=400, database=None, deadline=None)
@given(
    phrase=phrases(),
    now=st.datetimes(datetime(2020, 1, 1), datetime(2040, 12, 31), timezones=st.just(UTC)),
    weekday=st.integers(0, 6),
    word=st.integers(0, 3),
    lead=st.sampled_from(("", "v ", "na ")),
    separator=st.sampled_from((" ", ", ", ",")),
)
def test_a_day_and_month_are_saved_as_written_or_refused(
    phrase: Phrase, now: datetime, weekday: int, word: int, lead: str, separator: str
) -> None:
    plain = read(phrase.text(), now)
    assert_on_the_pair(plain, phrase)
    if isinstance(plain, WhenError):
        if phrase.year is None:  # the date itself is never the problem
            assert plain.reason in TIME_REFUSALS, (phrase.text(), plain.reason)
        return
    written = lead + WEEKDAY_WORDS[weekday].split()[word] + separator
    with_weekday = read(phrase.text(written), now)
    assert_on_the_pair(with_weekday, phrase)
    day = plain.local.date()
    if day.weekday() == weekday:
        assert isinstance(with_weekday, ParsedWhen), (phrase.text(written), with_weekday)
        assert with_weekday.local == plain.local
        assert with_weekday.end == plain.end
    else:
        assert isinstance(with_weekday, WhenError), phrase.text(written)
        assert with_weekday.reason == "weekday_mismatch"
        assert with_weekday.understood is not None
        assert with_weekday.understood.date() == day


def test_the_generated_phrases_are_mostly_understood() -> None:
    """The property above would hold for a parser that refuses everything: this one does not."""
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    for text, expected in [
        ("20.12", date(2026, 12, 20)),
        ("v ned, 20. 12. ob 10h", date(2026, 12, 20)),
        ("ob 10.30 20.12.", date(2026, 12, 20)),
        ("pet,11.12 10.30-12.30", date(2026, 12, 11)),
        ("08.12. 8:15\u201310:15", date(2026, 12, 8)),
    ]:
        result = parse_when(text, now, TZ)
        assert result.local.date() == expected, text
