"""Read-only snapshots the services hand to handlers (no lazy loading outside a session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from models.entities import ActivityStatus, EventKind, EventStatus, EventVisibility, Role, Sector

T = TypeVar("T")


@dataclass(frozen=True)
class CoalitionView:
    id: int
    slug: str
    name: str
    timezone: str
    default_locale: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class AreaView:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class EventView:
    id: int
    title: str
    description: str | None
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    location: str | None
    kind: EventKind
    status: EventStatus
    area: AreaView | None
    organiser: str | None
    indicator_id: int | None = None
    visibility: EventVisibility = EventVisibility.INTERNAL
    source: str | None = None
    """The partner's feed an imported event comes from; None for the coalition's own."""
    origin: str | None = None
    """The linked coalition whose shared event this is (None: the reader's own)."""


@dataclass(frozen=True)
class ActivityView:
    id: int
    title: str
    due_on: date | None
    status: ActivityStatus
    area: AreaView | None
    organisation: str | None
    notes: str | None
    indicator_id: int | None = None


@dataclass(frozen=True)
class ContactView:
    """A person at an organisation, or an organisation alone (id and name None)."""

    id: int | None
    name: str | None
    role: str | None
    email: str | None
    phone: str | None
    organisation: str
    sector: Sector | None
    website: str | None


@dataclass(frozen=True)
class Deadline:
    """An activity due date or a deadline event, merged into one list."""

    title: str
    due: date
    source: str
    source_id: int
    area: AreaView | None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1 if self.limit else 1


@dataclass(frozen=True)
class ChatContext:
    """Who is asking, where, and in which coalition, as stored."""

    coalition: CoalitionView | None
    role: Role
    user_locale: str | None
    chat_locale: str | None
    chat_bound: bool
