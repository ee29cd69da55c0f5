"""Rows of a table turned into typed records: dates read like /addevent reads them (past
dates allowed: a plan may look back), words in either language. A row that cannot be read
is rejected with its number and a reason; the rest go on to the import service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from handlers.goals import parsing
from handlers.imports.words import Words
from handlers.when import ParsedWhen, WhenError, parse_when
from models.entities import ActivityStatus, EventKind, EventStatus
from models.goals.entities import PeriodKind, Source
from models.imports.columns import Kind, mapping
from models.imports.records import (
    ActivityRecord,
    ContactRecord,
    EventRecord,
    GoalRecord,
    IndicatorPart,
    Record,
    Rejected,
)
from models.imports.tabular import Row, Table
from models.search import fold

E = TypeVar("E", bound=StrEnum)


class Unreadable(Exception):
    def __init__(self, field: str, problem: str, value: str) -> None:
        super().__init__(problem)
        self.rejected = (field, problem, value)


@dataclass(frozen=True)
class Read:
    kind: Kind
    records: tuple[Record, ...]
    rejected: tuple[Rejected, ...]


class RowReader:
    """One row's cells by field name, read as text, dates and words."""

    def __init__(
        self, row: Row, columns: Mapping[str, int], now: datetime, zone: ZoneInfo, words: Words
    ) -> None:
        self.row = row
        self.columns = columns
        self.now = now
        self.zone = zone
        self.words = words

    def text(self, field: str) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(self.row.cells):
            return ""
        return self.row.cells[index]

    def optional(self, field: str) -> str | None:
        return self.text(field) or None

    def when(self, field: str) -> ParsedWhen | None:
        text = self.text(field)
        if not text:
            return None
        try:
            return parse_when(text, self.now, self.zone, allow_past=True)
        except WhenError as error:
            raise Unreadable(field, f"when.{error.reason}", text) from None

    def word(self, field: str, words: Mapping[str, E], default: E) -> E:
        text = self.text(field)
        if not text:
            return default
        found = words.get(fold(text))
        if found is None:
            raise Unreadable(field, "unknown_word", text)
        return found


def read_records(table: Table, kind: Kind, now: datetime, zone: ZoneInfo, words: Words) -> Read:
    """Every row of the table as a record of `kind`, or rejected."""
    columns = mapping(kind, table.header)
    records: list[Record] = []
    rejected: list[Rejected] = []
    build: Callable[[RowReader], Record] = BUILDERS[kind]
    for row in table.rows:
        reader = RowReader(row, columns, now, zone, words)
        try:
            records.append(build(reader))
        except Unreadable as error:
            field, problem, value = error.rejected
            rejected.append(Rejected(row.number, field, problem, value))
    return Read(kind, tuple(records), tuple(rejected))


def required(reader: RowReader, field: str) -> str:
    text = reader.text(field)
    if not text:
        raise Unreadable(field, "empty", "")
    return text


def event_of(reader: RowReader) -> EventRecord:
    title = required(reader, "title")
    when = reader.when("when")
    if when is None:
        raise Unreadable("when", "empty", "")
    end = reader.when("end")
    ends_at = end.utc if end is not None else when.end_utc
    if ends_at is not None and ends_at <= when.utc:
        raise Unreadable("end", "when.end_before_start", reader.text("end"))
    return EventRecord(
        row=reader.row.number,
        title=title,
        starts_at=when.utc,
        ends_at=ends_at,
        all_day=not when.has_time,
        location=reader.optional("where"),
        area=reader.optional("area"),
        kind=reader.word("kind", reader.words.kinds, EventKind.MEETING),
        organiser=reader.optional("organiser"),
        status=reader.word("status", reader.words.event_statuses, EventStatus.SCHEDULED),
        description=reader.optional("description"),
    )


def due_of(reader: RowReader) -> date | None:
    due = reader.when("due")
    return due.local.date() if due is not None else None


def activity_of(reader: RowReader) -> ActivityRecord:
    return ActivityRecord(
        row=reader.row.number,
        title=required(reader, "title"),
        due_on=due_of(reader),
        area=reader.optional("area"),
        organisation=reader.optional("organisation"),
        status=reader.word("status", reader.words.activity_statuses, ActivityStatus.PLANNED),
        notes=reader.optional("notes"),
    )


def contact_of(reader: RowReader) -> ContactRecord:
    sector_text = reader.text("sector")
    sector = reader.words.sectors.get(fold(sector_text)) if sector_text else None
    if sector_text and sector is None:
        raise Unreadable("sector", "unknown_word", sector_text)
    return ContactRecord(
        row=reader.row.number,
        name=required(reader, "name"),
        organisation=required(reader, "organisation"),
        role=reader.optional("role"),
        email=reader.optional("email"),
        phone=reader.optional("phone"),
        sector=sector,
        website=reader.optional("website"),
    )


def goal_of(reader: RowReader) -> GoalRecord:
    """A goal's row: its indicator's target, period and source read as /addindicator reads
    them (`najmanj 3`, `do 31. 12. 2025`, `ročno vsota`); no indicator title: the goal alone."""
    title = reader.text("indicator")
    indicator = None
    if title:
        target_text = required(reader, "target")
        try:
            target = parsing.read_target(target_text)
        except parsing.Unreadable:
            raise Unreadable("target", "format", target_text) from None
        unit = reader.optional("unit") or target.unit
        period = parsing.PeriodChoice(PeriodKind.YEARLY)
        if text := reader.text("period"):
            try:
                period = parsing.read_period(text)
            except parsing.Unreadable:
                raise Unreadable("period", "format", text) from None
        source = parsing.SourceChoice(Source.MANUAL)
        if text := reader.text("source"):
            try:
                source = parsing.read_source(text)
            except parsing.Unreadable:
                raise Unreadable("source", "unknown_word", text) from None
        indicator = IndicatorPart(
            title=title,
            target=target.value,
            unit=unit,
            direction=target.direction,
            period=period.kind,
            until_on=period.until_on,
            source=source.source,
            aggregate=source.aggregate,
        )
    return GoalRecord(
        row=reader.row.number,
        goal=required(reader, "goal"),
        area=reader.optional("area"),
        description=reader.optional("description"),
        indicator=indicator,
    )


BUILDERS: dict[Kind, Callable[[RowReader], Record]] = {
    Kind.EVENTS: event_of,
    Kind.ACTIVITIES: activity_of,
    Kind.CONTACTS: contact_of,
    Kind.GOALS: goal_of,
}
