"""Where an event's announcement was posted, to edit its counts there as answers come in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import ChatBinding, Coalition, Event
from models.reminders import Delivery, DeliveryState, Reminder, ReminderKind
from models.rsvp.entities import Attendance
from models.services.base import coalition_view
from models.services.rsvp.views import Counts, counts_of
from models.services.views import CoalitionView, EventView


@dataclass(frozen=True)
class PostedMessage:
    chat_id: str
    message_ref: str
    locale: str
    """The chat's language now (the coalition's when the chat has none)."""


@dataclass(frozen=True)
class Announced:
    """An event, its counts now, and every message that announced it."""

    event: EventView
    coalition: CoalitionView
    counts: Counts
    messages: tuple[PostedMessage, ...]


async def announced(session: AsyncSession, event_id: int) -> Announced | None:
    """The event's announcement messages with the counts to show, in two queries; None when
    the event is gone or was announced nowhere a message can be edited."""
    rows = (
        await session.execute(
            select(Delivery.destination, Delivery.message_ref, ChatBinding.locale)
            .join(Reminder, Reminder.id == Delivery.reminder_id)
            .outerjoin(ChatBinding, ChatBinding.chat_id == Delivery.destination)
            .where(
                Reminder.event_id == event_id,
                Reminder.kind == ReminderKind.ANNOUNCEMENT,
                Delivery.state == DeliveryState.SENT,
                Delivery.message_ref.is_not(None),
            )
            .order_by(Delivery.id)
        )
    ).all()
    if not rows:
        return None
    # the events' service imports the answers' package: read at call time
    from models.services.events import RELATIONS as EVENT_RELATIONS
    from models.services.events import event_view

    found = (
        await session.execute(
            select(Event, Coalition, Attendance)
            .options(*EVENT_RELATIONS)
            .join(Coalition, Coalition.id == Event.coalition_id)
            .outerjoin(Attendance, Attendance.event_id == Event.id)
            .where(Event.id == event_id)
        )
    ).first()
    if found is None:
        return None
    event, coalition, attendance = found
    return Announced(
        event_view(event),
        coalition_view(coalition),
        counts_of(attendance),
        tuple(
            PostedMessage(chat, str(ref), locale or coalition.default_locale)
            for chat, ref, locale in rows
        ),
    )
