"""What an import counts as it compares rows with the database."""

from __future__ import annotations

from datetime import datetime

from models.entities import Area, Organisation
from models.errors import Invalid
from models.imports.records import Rejected

UNSAVED = -1
"""The id of an area or organisation a preview would add: equal to no stored one."""


def id_of(row: Area | Organisation | None) -> int | None:
    if row is None:
        return None
    return row.id if row.id is not None else UNSAVED


class Tally:
    def __init__(self) -> None:
        self.new = self.changed = self.unchanged = 0
        self.rejected: list[Rejected] = []
        self.due: list[datetime] = []


def rejection(row: int, error: Invalid) -> Rejected:
    return Rejected(row, error.field, error.problem, error.value, error.limit or 0)
