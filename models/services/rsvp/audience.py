"""Who hears of an event because of their own answer: those going get its reminders in
their private chat, and the one moved up from the line a note there."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import UserSetting
from models.reminders import Reminder
from models.rsvp.entities import EventChange, Rsvp, RsvpState
from models.services.rsvp.notices import personal_chat
from models.services.rsvp.views import ChangeView

PersonalChat = tuple[str, str | None]
"""A private chat and the person's language there (None: the coalition's)."""


def _number(subject: str) -> int | None:
    _kind, _, number = subject.partition(":")
    return int(number) if number.isdigit() else None


async def going_chats(session: AsyncSession, event_ids: set[int]) -> dict[int, list[PersonalChat]]:
    """Per event, the private chats of the people going who answered in one."""
    found: dict[int, list[PersonalChat]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return found
    rows = await session.execute(
        select(Rsvp.event_id, Rsvp.private_chat, func.coalesce(UserSetting.locale, Rsvp.locale))
        .outerjoin(UserSetting, UserSetting.identity == Rsvp.identity)
        .where(
            Rsvp.event_id.in_(event_ids),
            Rsvp.state == RsvpState.GOING,
            Rsvp.private_chat.is_not(None),
        )
        .order_by(Rsvp.id)
    )
    for event_id, chat, locale in rows:
        if chat:
            found[event_id].append((chat, locale))
    return found


async def promoted_chat(session: AsyncSession, reminder: Reminder) -> PersonalChat | None:
    """Where the person a promotion note is for hears it, if anywhere."""
    rsvp_id = _number(reminder.subject)
    if rsvp_id is None:
        return None
    row = (
        await session.execute(
            select(Rsvp, UserSetting.locale)
            .outerjoin(UserSetting, UserSetting.identity == Rsvp.identity)
            .where(Rsvp.id == rsvp_id)
        )
    ).first()
    if row is None or row[0].state is not RsvpState.GOING:
        return None  # changed their mind since: nothing to tell
    rsvp, chosen = row
    chat = personal_chat(rsvp.identity, rsvp.private_chat)
    return (chat, chosen or rsvp.locale) if chat else None


async def change_of(session: AsyncSession, reminder: Reminder) -> ChangeView | None:
    change_id = _number(reminder.subject)
    change = await session.get(EventChange, change_id) if change_id is not None else None
    if change is None:
        return None
    return ChangeView(
        change.previous_start,
        change.previous_all_day,
        change.previous_location,
        change.start,
        change.all_day,
        change.location,
    )
