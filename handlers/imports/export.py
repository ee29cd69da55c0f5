"""Rows written for an export: the columns the import reads, in the reader's language, and
dates as /addevent reads them, in the coalition's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.imports.words import EVENT_STATUSES, Words
from handlers.listing import ACTIVITY_STATUSES, EVENT_KINDS, SECTORS
from models.entities import EventStatus
from models.imports.columns import COLUMNS, Kind
from models.imports.writing import to_csv, to_xlsx
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


def file_bytes(fmt: str, head: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> bytes:
    return to_xlsx(head, rows, name) if fmt == "xlsx" else to_csv(head, rows)
