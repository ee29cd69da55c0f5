"""The answers to an event: one row per person, and one row of counts per event.

A person's answer is personal: no shared answer shows it, and a change refreshes only what is
remembered about that person. The counts are content of the event's coalition: everyone sees
them, and a change refreshes the coalition's remembered answers. The row of counts is also
the event's lock for answers: every answer takes it first, so two answers to one event take
turns and the number going never passes the capacity.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import BOOKKEEPING, Base, content, personal
from models.entities import stored_as_value

GUESTS_MAX = 10
"""Guests a person may bring (`+N`)."""


class RsvpState(StrEnum):
    GOING = "going"
    WAITING = "waiting"
    """Said "going" when the event was full: in line for a place, in the order of `position`."""
    MAYBE = "maybe"
    DECLINED = "declined"


class Attendance(Base, answers=content("coalition_id")):
    """An event's counts and capacity: what everyone sees, kept with every answer."""

    __tablename__ = "event_attendance"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    capacity: Mapped[int | None] = mapped_column(default=None)
    """Places, guests included; None: no limit."""
    going: Mapped[int] = mapped_column(default=0)
    """People going (without their guests)."""
    places: Mapped[int] = mapped_column(default=0)
    """Places taken: the people going and their guests."""
    maybe: Mapped[int] = mapped_column(default=0)
    declined: Mapped[int] = mapped_column(default=0)
    waiting: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)
    """The last place in line handed out: the next to wait gets the one after it."""


class Rsvp(Base, answers=personal("identity")):
    """One person's answer to one event."""

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "identity"),
        Index("ix_rsvps_event_state_position", "event_id", "state", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    """The name the platform gave when the person answered (for coordinators' lists)."""
    private_chat: Mapped[str | None] = mapped_column(String(100))
    """The person's private chat with the bot, when they answered there: where they are told
    that a place freed up."""
    state: Mapped[RsvpState] = mapped_column(stored_as_value(RsvpState))
    guests: Mapped[int] = mapped_column(default=0)
    position: Mapped[int | None] = mapped_column(default=None)
    """The place in line while waiting."""
    locale: Mapped[str | None] = mapped_column(String(8))
    """The language the person answered in: their private notes and reminders about the
    event, unless they chose one with /language."""
    answered_at: Mapped[datetime]


class EventChange(Base, answers=BOOKKEEPING):
    """A change of an event's time or place, kept for its announcement ("moved from … to …")."""

    __tablename__ = "event_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    previous_start: Mapped[datetime]
    previous_all_day: Mapped[bool]
    previous_location: Mapped[str | None] = mapped_column(String(300))
    start: Mapped[datetime]
    all_day: Mapped[bool]
    location: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime]
