"""Who hears of a request to link, and what it asks: the asked coalition's admins, each in
their private chat with the bot, in their language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition, Member, Role, UserSetting
from models.network.entities import CoalitionLink, LinkKind, LinkState
from models.reminders import Reminder
from models.services.rsvp.notices import personal_chat


@dataclass(frozen=True)
class LinkRequestView:
    """A coalition asking to be linked with the one the request goes to."""

    from_slug: str
    from_name: str
    kind: LinkKind


async def link_request(
    session: AsyncSession, reminder: Reminder
) -> tuple[list[tuple[str, str | None]], LinkRequestView | None]:
    """The admins' private chats (with their language) and the request, while it is open."""
    _kind, _, number = reminder.subject.partition(":")
    side = await session.get(CoalitionLink, int(number)) if number.isdigit() else None
    if side is None or side.state is not LinkState.INVITED:
        return [], None  # answered or withdrawn meanwhile: nothing to ask
    asking = await session.get_one(Coalition, side.partner_id)
    admins = await session.execute(
        select(Member.identity, UserSetting.locale)
        .outerjoin(UserSetting, UserSetting.identity == Member.identity)
        .where(Member.coalition_id == side.coalition_id, Member.role == Role.ADMIN)
        .order_by(Member.identity)
    )
    chats = [
        (chat, locale)
        for identity, locale in admins
        if (chat := personal_chat(identity, None)) is not None
    ]
    return chats, LinkRequestView(asking.slug, asking.name, side.kind)
