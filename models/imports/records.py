"""Rows read from a file, typed: what the import service compares with the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.entities import ActivityStatus, EventKind, EventStatus, Sector
from models.goals.entities import Aggregate, Direction, PeriodKind, Source


@dataclass(frozen=True)
class EventRecord:
    row: int
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    all_day: bool = False
    location: str | None = None
    area: str | None = None
    kind: EventKind = EventKind.MEETING
    organiser: str | None = None
    status: EventStatus = EventStatus.SCHEDULED
    description: str | None = None


@dataclass(frozen=True)
class ActivityRecord:
    row: int
    title: str
    due_on: date | None = None
    area: str | None = None
    organisation: str | None = None
    status: ActivityStatus = ActivityStatus.PLANNED
    notes: str | None = None


@dataclass(frozen=True)
class ContactRecord:
    row: int
    name: str
    organisation: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    sector: Sector | None = None
    website: str | None = None


@dataclass(frozen=True)
class IndicatorPart:
    """An indicator as a goal's row gives it (the row's own columns, read)."""

    title: str
    target: float
    unit: str | None = None
    direction: Direction = Direction.AT_LEAST
    period: PeriodKind = PeriodKind.YEARLY
    until_on: date | None = None
    source: Source = Source.MANUAL
    aggregate: Aggregate = Aggregate.LATEST


@dataclass(frozen=True)
class GoalRecord:
    """A goal, and one of its indicators (None: a row of the goal alone)."""

    row: int
    goal: str
    area: str | None = None
    description: str | None = None
    indicator: IndicatorPart | None = None


Record = EventRecord | ActivityRecord | ContactRecord | GoalRecord


@dataclass(frozen=True)
class Rejected:
    """A row left out, and why: `problem` is a code (a date's reason from handlers/when.py,
    or a models.errors.Invalid problem), `field` the column, `value` what it held."""

    row: int
    field: str
    problem: str
    value: str = ""
    limit: int = 0
    other_row: int = 0
    """For a row that repeats an earlier one: that row's number."""


@dataclass(frozen=True)
class Outcome:
    """What an import does, or did: rows new, changed and unchanged, and the rows left out."""

    new: int
    changed: int
    unchanged: int
    rejected: tuple[Rejected, ...]
    written: bool
