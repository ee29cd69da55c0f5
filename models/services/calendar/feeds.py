"""Calendar feeds: the public one, and a member's private one behind a revocable token."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, exists, or_, select

from models.entities import (
    Area,
    CalendarToken,
    ChatBinding,
    ChatSighting,
    Coalition,
    Event,
    EventStatus,
    EventVisibility,
    Member,
    Organisation,
)
from models.errors import NotFound
from models.services.base import Service, coalition_view
from models.services.calendar.public import FeedEvent, public_coalition
from models.services.network.service import shared_with
from models.services.views import AreaView, CoalitionView, EventView

PAST_DAYS = 30
"""A feed keeps events that started within these days, and cancellations made within them."""
FEED_LIMIT = 5000
"""At most this many events in one feed, soonest first."""


FEED_COLUMNS = (
    Event.id,
    Event.title,
    Event.description,
    Event.starts_at,
    Event.ends_at,
    Event.all_day,
    Event.location,
    Event.kind,
    Event.status,
    Event.visibility,
    Event.source,
    Event.sequence,
    Event.updated_at,
)


def _feed_row(row: Sequence[Any]) -> FeedEvent:
    (id_, title, description, starts_at, ends_at, all_day, location, kind, status) = row[:9]
    visibility, source, sequence, updated_at, area_id, area_slug, area_name, organiser = row[9:17]
    origin_slug, origin_name = row[17:]
    return FeedEvent(
        EventView(
            id=id_,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            location=location,
            kind=kind,
            status=status,
            area=AreaView(area_id, area_slug, area_name) if area_id is not None else None,
            organiser=organiser,
            visibility=visibility,
            source=source,
            origin=origin_name,
        ),
        sequence,
        updated_at,
        origin_slug,
    )


@dataclass(frozen=True)
class FeedView:
    coalition: CoalitionView
    events: tuple[FeedEvent, ...]
    private: bool


def still_member(coalition_id: int) -> ColumnElement[bool]:
    """The token's owner still belongs: a role in the coalition, or last seen as a member of
    one of its bound chats (someone who left stops getting its internal events)."""
    return or_(
        exists().where(
            Member.coalition_id == coalition_id, Member.identity == CalendarToken.identity
        ),
        exists().where(
            ChatSighting.identity == CalendarToken.identity,
            ChatSighting.member.is_(True),
            ChatSighting.chat_id == ChatBinding.chat_id,
            ChatBinding.coalition_id == coalition_id,
            ChatBinding.active.is_(True),
        ),
    )


class CalendarService(Service):
    public_url = ""
    """Where the web server is reached from outside (`[web] public_url`), for feed links."""

    def feed_url(self, slug: str, token: str | None = None) -> str:
        """The address of the coalition's feed: public, or a member's private one."""
        query = f"?token={token}" if token else ""
        return f"{self.public_url.rstrip('/')}/{slug}/calendar.ics{query}"

    async def token(self, slug: str, identity: str, *, renew: bool = False) -> str:
        """The person's private feed token for the coalition; `renew` replaces the old one."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, slug)
            found = await session.scalar(
                select(CalendarToken).where(
                    CalendarToken.coalition_id == coalition.id, CalendarToken.identity == identity
                )
            )
            if found is not None and not renew:
                return found.token
            if found is not None:
                await session.execute(delete(CalendarToken).where(CalendarToken.id == found.id))
                self._audit(session, coalition.id, identity, "calendar.renew", "calendar_token")
            token = secrets.token_urlsafe(24)
            session.add(
                CalendarToken(
                    coalition_id=coalition.id,
                    identity=identity,
                    token=token,
                    created_at=self._clock(),
                )
            )
            return token

    async def feed(self, slug: str, token: str | None = None) -> FeedView:
        """The public feed (no token) or a member's private one (internal events too).

        A wrong token is NotFound("token"); the public feed of a coalition without public
        events is NotFound("coalition")."""
        async with self._sessions() as session:
            if token is None:
                coalition = await public_coalition(session, slug)
            else:
                coalition = await self._coalition(session, slug)
                owner = await session.scalar(
                    select(CalendarToken.id).where(
                        CalendarToken.coalition_id == coalition.id,
                        CalendarToken.token == token,
                        still_member(coalition.id),
                    )
                )
                if owner is None or coalition.retired:
                    raise NotFound("token", "")
            since = self._clock() - timedelta(days=PAST_DAYS)
            conditions = [
                # its own events and those its linked coalitions share with it
                or_(Event.coalition_id == coalition.id, Event.id.in_(shared_with(coalition.id))),
                Event.starts_at >= since,
                or_(
                    Event.status == EventStatus.SCHEDULED,
                    (Event.status == EventStatus.CANCELLED) & (Event.updated_at >= since),
                ),
            ]
            if token is None:
                conditions.append(Event.visibility == EventVisibility.PUBLIC)
            # columns, not entities: a feed of a thousand events is read in one light pass
            origin = case((Event.coalition_id != coalition.id, Coalition.slug))
            origin_name = case((Event.coalition_id != coalition.id, Coalition.name))
            rows = await session.execute(
                select(*FEED_COLUMNS, Area.id, Area.slug, Area.name, Organisation.name)
                .add_columns(origin, origin_name)
                .join(Coalition, Coalition.id == Event.coalition_id)
                .outerjoin(Area, Area.id == Event.area_id)
                .outerjoin(Organisation, Organisation.id == Event.organiser_id)
                .where(*conditions)
                .order_by(Event.starts_at, Event.id)
                .limit(FEED_LIMIT)
            )
            events = tuple(_feed_row(tuple(row)) for row in rows)
            return FeedView(coalition_view(coalition), events, private=token is not None)

    async def check_token(self, slug: str, token: str) -> None:
        """NotFound("token") unless the token opens the coalition's private feed."""
        async with self._sessions() as session:
            coalition = await self._coalition(session, slug)
            found = await session.scalar(
                select(CalendarToken.id).where(
                    CalendarToken.coalition_id == coalition.id,
                    CalendarToken.token == token,
                    still_member(coalition.id),
                )
            )
            if found is None or coalition.retired:
                raise NotFound("token", "")

    async def coalition_id(self, slug: str) -> int:
        """The coalition's id (for a feed's ETag), NotFound when there is none."""
        async with self._sessions() as session:
            return (await self._coalition(session, slug)).id
