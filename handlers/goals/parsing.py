"""Reading what coordinators type about indicators: numbers, targets, periods, sources.

- a number: `3`, `2,5`, `2.5`, `1.000` is not read (write `1000`); at most 15 characters;
- a target: a number and an optional unit, `3 prijave`, `1`, `najmanj 3 prijave`,
  `at most 2 days` (at most: the value must stay within the target);
- a period: `letno`/`yearly` (each calendar year), `do 31. 12. 2025`, `do 2025`,
  `until 31.12.2025`, `by 2025-12-31` (cumulative until the end of that day);
- a source: `ročno`/`manual` (the latest check-in), `ročno vsota`/`manual sum` (their sum),
  `dogodki`/`events`, `aktivnosti`/`activities`, and the coalition's network links of one
  kind: `povezave horizontalne`/`links horizontal`, `povezave vertikalne`/`links vertical`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from handlers.arguments import fold
from models.goals.entities import Aggregate, Direction, PeriodKind, Source
from models.network.entities import LinkKind

NUMBER = re.compile(r"^[+-]?(\d{1,13}([.,]\d{1,4})?|[.,]\d{1,4})$")
YEAR = re.compile(r"^(\d{4})\.?$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4})\.?$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

YEARLY_WORDS = frozenset({"letno", "vsako leto", "na leto", "yearly", "annually", "per year"})
UNTIL_WORDS = ("do leta", "do", "until", "by the end of", "by")
AT_LEAST_WORDS = ("najmanj", "vsaj", "at least")
AT_MOST_WORDS = ("najvec", "najvec do", "at most", "no more than")
SOURCES = {
    "rocno": Source.MANUAL,
    "manual": Source.MANUAL,
    "dogodki": Source.EVENTS,
    "events": Source.EVENTS,
    "aktivnosti": Source.ACTIVITIES,
    "activities": Source.ACTIVITIES,
    "povezave": Source.LINKS,
    "links": Source.LINKS,
}
AGGREGATES = {
    "vsota": Aggregate.SUM,
    "sestevek": Aggregate.SUM,
    "sum": Aggregate.SUM,
    "total": Aggregate.SUM,
    "zadnja": Aggregate.LATEST,
    "zadnji": Aggregate.LATEST,
    "latest": Aggregate.LATEST,
}


LINK_KINDS = {
    "horizontalne": LinkKind.HORIZONTAL,
    "horizontalna": LinkKind.HORIZONTAL,
    "horizontal": LinkKind.HORIZONTAL,
    "vertikalne": LinkKind.VERTICAL,
    "vertikalna": LinkKind.VERTICAL,
    "vertical": LinkKind.VERTICAL,
}


class Unreadable(ValueError):
    """What was typed cannot be read as the thing asked for."""


class LinkKindMissing(Unreadable):
    """`povezave`/`links` without a kind one can read (horizontal or vertical)."""


def read_number(text: str) -> float:
    """`3`, `2,5`, `-1.25` -> a float; Unreadable otherwise (`10^12`, `tri`, `1e9`)."""
    cleaned = text.strip().replace("\u2212", "-")
    if not NUMBER.match(cleaned):
        raise Unreadable(text)
    return float(cleaned.replace(",", "."))


@dataclass(frozen=True)
class Target:
    value: float
    unit: str | None
    direction: Direction


def read_target(text: str) -> Target:
    """`najmanj 3 prijave` -> 3, `prijave`, at least; Unreadable without a leading number."""
    rest, direction = text.strip(), Direction.AT_LEAST
    folded = fold(rest)
    words = [(word, Direction.AT_MOST) for word in AT_MOST_WORDS]
    words += [(word, Direction.AT_LEAST) for word in AT_LEAST_WORDS]
    for word, chosen in sorted(words, key=lambda pair: -len(pair[0])):
        if folded.startswith(word + " "):
            rest, direction = rest[len(word) :].strip(), chosen
            break
    number, _, unit = rest.partition(" ")
    return Target(read_number(number), unit.strip() or None, direction)


def names_direction(text: str) -> bool:
    """The target starts with `najmanj`, `at most` or the like."""
    folded = fold(text).strip()
    return any(folded.startswith(word + " ") for word in (*AT_LEAST_WORDS, *AT_MOST_WORDS))


@dataclass(frozen=True)
class PeriodChoice:
    kind: PeriodKind
    until_on: date | None = None


def read_period(text: str) -> PeriodChoice:
    """`letno` -> yearly; `do 31. 12. 2025`, `do 2025`, `until 2025-12-31` -> until that day
    (a year alone: its 31 December); Unreadable otherwise."""
    folded = " ".join(fold(text).split())
    if folded in YEARLY_WORDS:
        return PeriodChoice(PeriodKind.YEARLY)
    for word in UNTIL_WORDS:
        if folded.startswith(word + " "):
            return PeriodChoice(PeriodKind.UNTIL, read_day(folded[len(word) :].strip()))
    raise Unreadable(text)


def read_day(text: str) -> date:
    """`31. 12. 2025`, `31.12.2025`, `2025-12-31`, `2025` (its last day)."""
    try:
        if match := YEAR.match(text):
            return date(int(match.group(1)), 12, 31)
        if match := DAY_MONTH_YEAR.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        raise Unreadable(text) from None
    raise Unreadable(text)


@dataclass(frozen=True)
class SourceChoice:
    source: Source
    aggregate: Aggregate = Aggregate.LATEST
    link_kind: LinkKind | None = None


def read_source(text: str) -> SourceChoice:
    """`ročno`, `ročno vsota`, `manual sum`, `dogodki`, `activities`, `povezave horizontalne`,
    `links vertical` (links need their kind: LinkKindMissing otherwise)."""
    words = fold(text).split()
    if not words or words[0] not in SOURCES:
        raise Unreadable(text)
    source = SOURCES[words[0]]
    if source is Source.LINKS:
        if len(words) != 2 or words[1] not in LINK_KINDS:
            raise LinkKindMissing(text)
        return SourceChoice(source, link_kind=LINK_KINDS[words[1]])
    if len(words) == 1:
        return SourceChoice(source)
    if len(words) == 2 and words[1] in AGGREGATES and source.takes_check_ins:
        return SourceChoice(source, AGGREGATES[words[1]])
    raise Unreadable(text)


def read_aggregate(text: str) -> Aggregate:
    folded = fold(text).strip()
    if folded not in AGGREGATES:
        raise Unreadable(text)
    return AGGREGATES[folded]
