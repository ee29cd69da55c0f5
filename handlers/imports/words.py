"""The words of a spreadsheet's cells: kinds, statuses and sectors, in either language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from handlers.i18n import N_, Translator
from handlers.listing import ACTIVITY_STATUSES, EVENT_KINDS, SECTORS
from models.entities import ActivityStatus, EventStatus
from models.search import fold

E = TypeVar("E", bound=StrEnum)

EVENT_STATUSES = {
    EventStatus.SCHEDULED: N_("scheduled"),
    EventStatus.CANCELLED: N_("cancelled (of an event)"),
}


def word_reader(labels: Mapping[E, str], translators: Iterable[Translator]) -> Mapping[str, E]:
    """Each member by its value and by its label in every language, folded."""
    found: dict[str, E] = {}
    for member, label in labels.items():
        found[fold(member.value)] = member
        found[fold(member.value.replace("_", " "))] = member
        for t in translators:
            found.setdefault(fold(t.gettext(label)), member)
    return found


ACTIVITY_STATUS_WORDS = {
    "v teku": ActivityStatus.ACTIVE,
    "aktivno": ActivityStatus.ACTIVE,
    "nacrtovano": ActivityStatus.PLANNED,
    "koncano": ActivityStatus.DONE,
    "zakljuceno": ActivityStatus.DONE,
    "opravljeno": ActivityStatus.DONE,
    "preklicano": ActivityStatus.CANCELLED,
    "in progress": ActivityStatus.ACTIVE,
}
"""How people write an activity's status in a spreadsheet beyond the catalog's labels (folded)."""


class Words:
    """Reading and writing the words of one reader's language (reading accepts all)."""

    def __init__(self, t: Translator, translators: Iterable[Translator]) -> None:
        every = list(translators)
        self.t = t
        self.kinds = word_reader(EVENT_KINDS, every)
        self.event_statuses = word_reader(EVENT_STATUSES, every)
        self.activity_statuses = {
            **ACTIVITY_STATUS_WORDS,
            **word_reader(ACTIVITY_STATUSES, every),
        }
        self.sectors = word_reader(SECTORS, every)

    def label(self, labels: Mapping[E, str], member: E) -> str:
        return self.t.gettext(labels[member])
