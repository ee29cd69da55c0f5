"""Rows written for an export: the columns the import reads, in the reader's language, and
dates as /addevent reads them, in the coalition's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.imports.words import EVENT_STATUSES, Words
from handlers.listing import ACTIVITY_STATUSES, EVENT_KINDS, SECTORS
from models.entities import EventStatus
from models.goals.entities import Aggregate, Direction, PeriodKind, Source
from models.imports.columns import COLUMNS, Kind
from models.imports.writing import to_csv, to_xlsx
from models.services.imports.exporting import GoalExport, IndicatorExport
from models.services.views import ActivityView, ContactView, EventView

FORMATS = ("csv", "xlsx")
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def day_text(value: date) -> str:
    return f"{value.day}. {value.month}. {value.year}"


def moment_text(value: datetime, zone: ZoneInfo, *, all_day: bool = False) -> str:
    local = value.astimezone(zone)
    return day_text(local.date()) if all_day else f"{day_text(local.date())} {local:%H:%M}"


def header(kind: Kind, locale: str) -> list[str]:
    return [column.header(locale) for column in COLUMNS[kind]]


def event_rows(events: Sequence[EventView], zone: ZoneInfo, words: Words) -> list[list[str]]:
    return [
        [
            e.title,
            moment_text(e.starts_at, zone, all_day=e.all_day),
            moment_text(e.ends_at, zone, all_day=e.all_day) if e.ends_at else "",
            e.location or "",
            e.area.name if e.area else "",
            words.label(EVENT_KINDS, e.kind),
            e.organiser or "",
            words.label(EVENT_STATUSES, e.status) if e.status is EventStatus.CANCELLED else "",
            e.description or "",
        ]
        for e in events
    ]


def activity_rows(activities: Sequence[ActivityView], words: Words) -> list[list[str]]:
    return [
        [
            a.title,
            day_text(a.due_on) if a.due_on else "",
            a.area.name if a.area else "",
            a.organisation or "",
            words.label(ACTIVITY_STATUSES, a.status),
            a.notes or "",
        ]
        for a in activities
    ]


def contact_rows(contacts: Sequence[ContactView], words: Words) -> list[list[str]]:
    return [
        [
            c.name or "",
            c.organisation,
            c.role or "",
            c.email or "",
            c.phone or "",
            words.label(SECTORS, c.sector) if c.sector else "",
            c.website or "",
        ]
        for c in contacts
    ]


GOAL_WORDS = {
    "sl": {
        "at_most": "največ",
        "yearly": "letno",
        "until": "do",
        "sum": "vsota",
        Source.MANUAL: "ročno",
        Source.EVENTS: "dogodki",
        Source.ACTIVITIES: "aktivnosti",
        Source.LINKS: "povezave",
    },
    "en": {
        "at_most": "at most",
        "yearly": "yearly",
        "until": "until",
        "sum": "sum",
        Source.MANUAL: "manual",
        Source.EVENTS: "events",
        Source.ACTIVITIES: "activities",
        Source.LINKS: "links",
    },
}
"""An indicator's target, period and source as /addindicator reads them, per language."""


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def indicator_cells(indicator: IndicatorExport, locale: str) -> list[str]:
    words = GOAL_WORDS.get(locale, GOAL_WORDS["en"])
    target = number_text(indicator.target)
    if indicator.direction is Direction.AT_MOST:
        target = f"{words['at_most']} {target}"
    period = words["yearly"]
    if indicator.period is PeriodKind.UNTIL and indicator.until_on is not None:
        period = f"{words['until']} {day_text(indicator.until_on)}"
    source = words[indicator.source]
    if indicator.aggregate is Aggregate.SUM and indicator.source.takes_check_ins:
        source = f"{source} {words['sum']}"
    return [indicator.title, target, indicator.unit or "", period, source]


def goal_rows(goals: Sequence[GoalExport], locale: str) -> list[list[str]]:
    """A row per indicator, the goal's own cells repeated; a goal without one, a row alone."""
    rows = []
    for goal in goals:
        head = [goal.title, goal.area or "", goal.description or ""]
        if not goal.indicators:
            rows.append([*head, "", "", "", "", ""])
        rows += [[*head, *indicator_cells(i, locale)] for i in goal.indicators]
    return rows


def file_bytes(fmt: str, head: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> bytes:
    return to_xlsx(head, rows, name) if fmt == "xlsx" else to_csv(head, rows)
