"""Hypothesis strategies for hostile command lines: names, arguments, markup, dates of every shape.

Used by the adapter fuzz tests. Everything is text a person could type (no lone surrogates,
which neither Telegram nor Slack can carry); the strategies lean towards what breaks renderers:
markup of both platforms, right-to-left and combining characters, emoji, control characters,
and titles far beyond every limit.
"""

from __future__ import annotations

from hypothesis import strategies as st

from handlers.commands import COMMANDS

REAL_NAMES = (*(name for spec in COMMANDS for name in (spec.name, spec.alias)), "pomoč")
WRITES = ("addevent", "editevent", "addactivity", "addcontact", "activity", "cancelevent")
AREAS = ("pametno-mesto", "zgodnje-ucenje", "Pametno mesto", "neobstojece")

MARKUP = (
    "<b>",
    "</b>",
    "</i>",
    "<i>nezaprto",
    "<a href='x'>",
    "<tg-spoiler>",
    "<!-- -->",
    "<![CDATA[x]]>",
    "&amp;",
    "&lt;",
    "&",
    "&#0;",
    "&#x110000;",
    "&nbsp;",
    "&unknown;",
    "<",
    ">",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "~",
    "`",
    "```",
    "*krepko*",
    "_ležeče_",
    "[povezava](http://x)",
    "~~prečrtano~~",
    "<@U1>",
    "<@U2|bojan>",
    "<#C1|splosno>",
    "<!here>",
    "<!subteam^S1|@ekipa>",
    "<https://example.org|link>",
    "<mailto:a@b.si|a@b.si>",
    "|",
    "||",
    "=",
    "title=",
    "page=2",
    "stran=0",
    "page=99999999999",
    "#12",
    "@coalition_test_bot",
    "\\",
    '"',
    "'",
    "%s",
    "%(count)d",
    "{}",
    "{0}",
)
UNICODE = (
    "שלום עולם",  # Hebrew, right to left
    "مرحبا بالعالم",  # Arabic
    "\u202e\u202d\u200f\u200e",  # bidi overrides and marks
    "e\u0301\u0301\u0301",  # stacked combining acute accents
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358",  # "zalgo"
    "👩‍👩‍👧‍👦",  # family: a ZWJ sequence
    "🇸🇮",  # flag: a pair of regional indicators
    "🏳️‍🌈",
    "😀" * 3,
    "\U0001f9d1\U0001f3fd\u200d\U0001f4bb",  # skin tone and ZWJ
    "\ufeff",  # byte order mark
    "\u200b\u2060",  # zero-width space, word joiner
    "\u00a0\u2003\u3000",  # unusual spaces
    "\u2028\u2029",  # line and paragraph separators
    "ščćžđ ŠČĆŽĐ",
    "Ⅻ ² ١٢٣ ߁",  # digits that are not ASCII
    "\uffff\ufffe\ufffd",
    "\U0010ffff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "ﷺ",
)
CONTROL = tuple(chr(code) for code in (*range(0x00, 0x20), 0x7F, 0x85, *range(0x80, 0x9F, 7)))

WHEN_WORDS = (
    "jutri ob 10h",
    "pojutrišnjem ob 8:00",
    "v petek ob 17:00",
    "čez 2 uri",
    "tomorrow 10:00",
    "next friday 5pm",
    "15. marca ob 9:30",
    "danes",
    "včeraj",
    "yesterday",
    "now",
    "zdaj",
    "31.2.2027",
    "29.2.2028 10:00",
    "29.2.2027",
    "0.0.0",
    "2027-13-01",
    "2027-00-10",
    "9999-12-31 23:59",
    "10000-01-01",
    "0001-01-01",
    "2027-03-28 02:30",  # the clocks go forward in Ljubljana: does not exist
    "2027-10-31 02:30",  # the clocks go back: happens twice
    "25:61",
    "24:00",
    "ob 99h",
    "čez 999999999999 ur",
    "čez -5 dni",
    "čez 1e9 minut",
    "in 2 hours",
    "T10:00",
    "2027-03-15T10:00:00Z",
    "2027-03-15T10:00:00+14:00",
    "1800000000",
    "15/03/2027",
    "03/15/2027",
    "15.3.",
    "15. 3. 2027 ob 10h",
    "15.3.2027 10:00 10:00",
    "",
    " ",
    "|",
)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Numbers people do not mean: huge, negative, zero-padded, in other scripts."""
    return draw(
        st.one_of(
            st.integers(-(10**30), 10**30).map(str),
            st.integers(0, 40).map(str),
            st.sampled_from(("0", "-1", "007", "2147483648", "1e3", "١٢", "²", "NaN", "∞")),
        )
    )


@st.composite
def when_texts(draw: st.DrawFn) -> str:
    """A date and time in every shape: valid forms with odd numbers, junk, extremes."""
    d, m, y = draw(st.integers(-5, 40)), draw(st.integers(-2, 15)), draw(numbers())
    hh, mm = draw(st.integers(-1, 30)), draw(st.integers(-1, 99))
    shaped = st.sampled_from(
        (
            f"{d}.{m}.{y} {hh}:{mm:02d}",
            f"{d}. {m}. {y} ob {hh}h",
            f"{y}-{m:02d}-{d:02d} {hh}:{mm:02d}",
            f"{d}. marca ob {hh}:{mm}",
            f"jutri ob {hh}h",
            f"v petek ob {hh}:{mm}",
            f"čez {y} uri",
            f"next friday {hh}pm",
            f"tomorrow {hh}:{mm}",
        )
    )
    return draw(st.one_of(shaped, st.sampled_from(WHEN_WORDS), fragments()))


def fragments() -> st.SearchStrategy[str]:
    """One piece of hostile text."""
    return st.one_of(
        st.sampled_from(MARKUP),
        st.sampled_from(UNICODE),
        st.sampled_from(CONTROL),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
        st.text(st.sampled_from("abc šž <>&*_|=#"), max_size=12),
    )


@st.composite
def good_when(draw: st.DrawFn) -> str:
    """A date and time the bot accepts (in the future of the test clock), in several shapes."""
    d, m = draw(st.integers(1, 28)), draw(st.integers(1, 12))
    hh, mm = draw(st.integers(7, 20)), draw(st.sampled_from((0, 15, 30, 45)))
    return draw(
        st.sampled_from(
            (
                f"{d}.{m}.2027 {hh}:{mm:02d}",
                f"{d}. {m}. 2027 ob {hh}h",
                f"2027-{m:02d}-{d:02d} {hh}:{mm:02d}",
                f"jutri ob {hh}h",
                f"pojutrišnjem ob {hh}:{mm:02d}",
                f"v petek ob {hh}:{mm:02d}",
                "čez 2 uri",
                f"tomorrow {hh}:{mm:02d}",
                "next friday 5pm",
                f"{d}.{m}.2027",
            )
        )
    )


@st.composite
def good_text(draw: st.DrawFn, limit: int = 150) -> str:
    """Hostile but acceptable text: no bar, no control character, not blank, within `limit`."""
    text = draw(hostile(long=False)).replace("|", "¦")
    text = "".join(c for c in text if c.isprintable() or c == " ")[:limit].strip()
    return text or draw(st.sampled_from(("<b>Delavnica</b> & co", "שלום *Velenje*", "😀 _x_")))


@st.composite
def hostile(draw: st.DrawFn, *, long: bool = True) -> str:
    """Hostile text: a few fragments joined, sometimes blown up to 10,000 characters."""
    parts = draw(st.lists(fragments(), max_size=5))
    text = draw(st.sampled_from((" ", "", "\n"))).join(parts)
    if long and draw(st.integers(0, 9)) == 0:
        seed = text or draw(st.sampled_from(MARKUP + UNICODE))
        size = draw(st.sampled_from((4097, 10_000)))
        text = (seed * (size // max(1, len(seed)) + 1))[:size]
    return text


@st.composite
def arguments_for(draw: st.DrawFn, name: str) -> str:
    """Arguments shaped like the command expects them, filled with hostile pieces."""
    base = name.split("@", 1)[0]
    kind = next((s.name for s in COMMANDS if base in (s.name, s.alias)), base)
    text, small, when = hostile(), hostile(long=False), when_texts()
    if draw(st.integers(0, 5)) == 0:  # anything at all, whatever the command
        return draw(text)
    if kind in WRITES and draw(st.booleans()):  # well formed, so that it is saved
        return draw(good_arguments(kind))
    if kind == "addevent":
        parts = [draw(text), draw(when)]
        parts += draw(st.lists(st.one_of(small, st.sampled_from(AREAS)), max_size=3))
        return " | ".join(parts)
    if kind == "addactivity":
        parts = [draw(text), draw(when)]
        parts += draw(st.lists(st.one_of(small, st.sampled_from(AREAS)), max_size=3))
        return " | ".join(parts)
    if kind == "addcontact":
        parts = draw(st.lists(st.one_of(text, st.just("ana@example.org")), max_size=6))
        return " | ".join(parts)
    if kind == "editevent":
        fields = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(
                        ("title", "naslov", "when", "kdaj", "where", "kje", "area", "opis", "x")
                    ),
                    st.one_of(text, when),
                ),
                max_size=3,
            )
        )
        event = draw(st.one_of(st.integers(1, 12).map(str), numbers()))
        return " ".join([event, *(f"{key}={value}" for key, value in fields)])
    if kind in ("event", "cancelevent"):
        return draw(st.one_of(st.integers(1, 40).map(str), numbers(), small))
    if kind == "activity":
        status = st.sampled_from(("planned", "active", "done", "cancelled", "končano", "??"))
        return f"{draw(st.one_of(st.integers(1, 12).map(str), numbers()))} {draw(status)}"
    if kind in ("events", "activities"):
        words = st.sampled_from(("week", "teden", "month", "mesec", "page=2", "stran=3", *AREAS))
        return " ".join(draw(st.lists(st.one_of(words, small), max_size=3)))
    if kind == "language":
        return draw(st.one_of(st.sampled_from(("sl", "en", "de", "", "SL", "en-GB")), small))
    return draw(st.one_of(small, text))


@st.composite
def good_arguments(draw: st.DrawFn, kind: str) -> str:
    """Arguments a write accepts, with hostile (but valid) titles and places."""
    title, place = draw(good_text()), draw(st.one_of(st.just(""), good_text()))
    area = draw(st.sampled_from(("", "pametno-mesto", "zgodnje-ucenje")))
    record = draw(st.integers(1, 12))
    if kind == "addevent":
        return " | ".join((title, draw(good_when()), place, area)).rstrip(" |")
    if kind == "addactivity":
        return " | ".join((title, draw(good_when()), area)).rstrip(" |")
    if kind == "addcontact":
        return " | ".join((title, draw(good_text()), place, "ana@example.org")).rstrip(" |")
    if kind == "editevent":
        field = draw(st.sampled_from(("title", "naslov", "where", "kje", "description", "opis")))
        if draw(st.booleans()):
            return f"{record} when={draw(good_when())}"
        return f"{record} {field}={title}"
    if kind == "activity":
        return f"{record} {draw(st.sampled_from(('planned', 'active', 'done', 'zaključena')))}"
    return str(record)


RANDOM_NAMES = st.from_regex(r"[A-Za-z0-9_]{1,40}", fullmatch=True)
"""Names Telegram marks as a bot command (and Slack accepts as a slash command)."""


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[str, str]:
    """(name, arguments): mostly real names in English and Slovenian, writes often."""
    name = draw(
        st.one_of(
            st.sampled_from(REAL_NAMES),
            st.sampled_from(WRITES),
            RANDOM_NAMES,
            st.sampled_from(REAL_NAMES).map(str.upper),
        )
    )
    return name, draw(arguments_for(name))
