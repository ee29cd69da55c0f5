"""Reminders as rows: what is due when, where each was sent, and who asked for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from models.base import BOOKKEEPING, Base
from models.entities import stored_as_value
from models.send_failure import SendFailure


class ReminderKind(StrEnum):
    EVENT = "event"
    DEADLINE = "deadline"
    DIGEST = "digest"
    CANCELLATION = "cancellation"
    ANNOUNCEMENT = "announcement"
    """A new event, told to the coalition's bound chats with the RSVP buttons."""
    CHANGE = "change"
    """An event moved or its place changed, told where it was announced or reminded."""
    PROMOTION = "promotion"
    """A place freed up: told privately to the one moved up from the waiting list."""
    LINK_REQUEST = "link_request"
    """Another coalition asks to link: told privately to this coalition's admins."""
    REVIEW = "goal_review"
    """The goals' progress review: the indicators behind pace, to the bound chats."""
    VERDICT = "goal_verdict"
    """The year's verdict on each goal, to the bound chats in January."""
    NUDGE = "goal_nudge"
    """A manual indicator long without a check-in: told privately to the coordinators."""


TOLD_KINDS = (ReminderKind.ANNOUNCEMENT, ReminderKind.CHANGE, ReminderKind.EVENT)
"""What tells a chat about an event: a change or a cancellation goes where one of these went."""


class ReminderState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class DeliveryState(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Reminder(Base, answers=BOOKKEEPING):
    """One message due at one moment for one event, activity or coalition digest."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "offset_minutes", "due_at", name="uq_reminders_once"),
        Index("ix_reminders_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(stored_as_value(ReminderKind))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(60))
    offset_minutes: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    state: Mapped[ReminderState] = mapped_column(
        stored_as_value(ReminderState), default=ReminderState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]


class Delivery(Base, answers=BOOKKEEPING):
    """One reminder sent (or being sent) to one chat; never two rows for the same pair."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("reminder_id", "destination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    destination: Mapped[str] = mapped_column(String(100))
    state: Mapped[DeliveryState] = mapped_column(stored_as_value(DeliveryState))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    failure: Mapped[SendFailure | None] = mapped_column(stored_as_value(SendFailure))
    at: Mapped[datetime]
    message_ref: Mapped[str | None] = mapped_column(String(100))
    """The platform's id of the message posted (Telegram message id, Slack ts), where the
    platform gave one: an announcement's counts are edited there."""


class Subscription(Base, answers=BOOKKEEPING):
    """A person's wish for reminders in their private chat, optionally for one area."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("coalition_id", "identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(100))
    chat_id: Mapped[str] = mapped_column(String(100))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    locale: Mapped[str | None] = mapped_column(String(8))
    """The language the person was last answered in privately: their reminders' language,
    unless they chose one with /language."""
    reachable: Mapped[bool] = mapped_column(default=True, server_default=true())
    """False while the platform says the chat is gone (the person blocked the bot): reminders
    pause, and resume when the chat is reachable again."""
