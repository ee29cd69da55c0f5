"""What the answers service hands to handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from models.rsvp.entities import Attendance, RsvpState
from models.services.views import EventView


class Answer(StrEnum):
    """What a person says; "yes" becomes going, or waiting when the event is full."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True)
class Counts:
    """What everyone sees of an event's answers."""

    going: int = 0
    places: int = 0
    maybe: int = 0
    declined: int = 0
    waiting: int = 0
    capacity: int | None = None

    @property
    def guests(self) -> int:
        return self.places - self.going

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.places, 0)


@dataclass(frozen=True)
class Promoted:
    """Someone moved up from the waiting list: told in their private chat, if known."""

    rsvp_id: int
    identity: str
    private_chat: str | None
    event_id: int
    position: int
    """Their place in the line's numbering (unique per event): the notice is written once."""


@dataclass(frozen=True)
class ChangeView:
    """An event's time or place before and after a change, as announced."""

    previous_start: datetime
    previous_all_day: bool
    previous_location: str | None
    start: datetime
    all_day: bool
    location: str | None


@dataclass(frozen=True)
class Outcome:
    """An answer as stored: the person's state now, and whether anything changed."""

    event_id: int
    title: str
    state: RsvpState
    guests: int
    position: int | None
    """Place in line while waiting (1 is next)."""
    changed: bool
    counts: Counts
    promoted: tuple[Promoted, ...] = ()
    event: EventView | None = None
    """The event as of the answer, when it is the answering coalition's own."""


@dataclass(frozen=True)
class MyAnswer:
    event_id: int
    title: str
    starts_at: datetime
    all_day: bool
    state: RsvpState
    guests: int
    position: int | None


@dataclass(frozen=True)
class Attendee:
    identity: str
    name: str
    state: RsvpState
    guests: int


@dataclass(frozen=True)
class Attendees:
    event_id: int
    title: str
    counts: Counts
    people: tuple[Attendee, ...]
    """Going, then waiting in line order, then maybe, then declined."""


def counts_of(attendance: Attendance | None) -> Counts:
    if attendance is None:
        return Counts()
    return Counts(
        going=attendance.going,
        places=attendance.places,
        maybe=attendance.maybe,
        declined=attendance.declined,
        waiting=attendance.waiting,
        capacity=attendance.capacity,
    )
