"""Announcements as reminder rows, written in the transaction that makes them due: a new
event, a change of its time or place, a place freed up for someone in line.

They go out through the reminders' machinery (models/services/reminders): each is a row,
claimed by one process, sent once to each destination (a delivery row per chat), tried again
after passing trouble, and kept across restarts. Their subjects are their own
(`announce:ID`, `change:ID`, `promoted:ID`), so moving an event, which rewrites its
reminders, never drops an announcement still waiting to go out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Event, EventStatus
from models.reminders import ReminderKind
from models.rsvp.entities import EventChange
from models.services.reminder_planning import insert_reminder, was_told
from models.services.rsvp.views import Promoted


def personal_chat(identity: str, private_chat: str | None) -> str | None:
    """Where a person is told privately: their private chat with the bot as seen, else the
    chat named by their own id (on Telegram it reaches them if they started the bot; on
    Slack a message to a person's id arrives in their direct messages with the bot)."""
    if private_chat:
        return private_chat
    return identity if identity.startswith(("telegram:", "slack:")) else None


def announcement(event: Event, now: datetime) -> list[dict[str, Any]]:
    """The new event's announcement to the coalition's bound chats (of its area), due now:
    a reminder row to write with the event's own (none for an event past or cancelled)."""
    if event.status is EventStatus.CANCELLED or event.starts_at <= now:
        return []
    return [
        {
            "coalition_id": event.coalition_id,
            "kind": ReminderKind.ANNOUNCEMENT,
            "subject": f"announce:{event.id}",
            "event_id": event.id,
            "activity_id": None,
            "offset_minutes": 0,
            "due_at": now,
        }
    ]


async def announce_change(
    session: AsyncSession,
    event: Event,
    *,
    previous_start: datetime,
    previous_all_day: bool,
    previous_location: str | None,
    now: datetime,
) -> list[datetime]:
    """A change of time or place, told where the event was announced or reminded. An event
    nobody has heard of yet (added quietly, or its announcement still waiting, which will
    show the new time) is changed in silence."""
    if (event.starts_at, event.all_day, event.location) == (
        previous_start,
        previous_all_day,
        previous_location,
    ) or event.starts_at <= now:
        return []
    if not await was_told(session, event.id):
        return []
    change = EventChange(
        event_id=event.id,
        previous_start=previous_start,
        previous_all_day=previous_all_day,
        previous_location=previous_location,
        start=event.starts_at,
        all_day=event.all_day,
        location=event.location,
        at=now,
    )
    session.add(change)
    await session.flush()
    await insert_reminder(
        session,
        coalition_id=event.coalition_id,
        kind=ReminderKind.CHANGE,
        subject=f"change:{change.id}",
        event_id=event.id,
        offset_minutes=0,
        due_at=now,
    )
    return [now]


async def tell_promoted(
    session: AsyncSession, coalition_id: int, promoted: Sequence[Promoted], now: datetime
) -> list[datetime]:
    """One private note to each person moved up whom the bot may be able to reach."""
    due: list[datetime] = []
    for person in promoted:
        if personal_chat(person.identity, person.private_chat) is None:
            continue
        if await insert_reminder(
            session,
            coalition_id=coalition_id,
            kind=ReminderKind.PROMOTION,
            subject=f"promoted:{person.rsvp_id}",
            event_id=person.event_id,
            offset_minutes=person.position,
            due_at=now,
        ):
            due.append(now)
    return due
