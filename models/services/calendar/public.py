"""What anyone may see without a chat: a coalition's public events, nothing else.

Never an internal event, a contact, an e-mail address or a phone number; a coalition without
a public event is not found at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Area, Coalition, Event, EventStatus, EventVisibility
from models.errors import NotFound
from models.network.entities import CoalitionLink, LinkState, SharedEvent
from models.services.base import Service, coalition_view, page_and_total
from models.services.events import RELATIONS, event_view
from models.services.network.service import CoalitionId, shared_with
from models.services.views import AreaView, CoalitionView, EventView, Page


@dataclass(frozen=True)
class FeedEvent:
    """An event with what calendars need to replace their copy."""

    event: EventView
    sequence: int
    updated_at: datetime | None
    origin_slug: str | None = None
    """The linked coalition whose shared event this is (its calendar UID stays the
    origin's, so a calendar holding both feeds holds the event once)."""


def feed_event(event: Event, origin: Coalition | None = None) -> FeedEvent:
    """The event as a feed holds it; `origin` when a linked coalition shares it."""
    view = event_view(event)
    return FeedEvent(
        replace(view, origin=origin.name) if origin else view,
        event.sequence,
        event.updated_at,
        origin.slug if origin else None,
    )


@dataclass(frozen=True)
class Listing:
    coalition: CoalitionView
    page: Page[EventView]
    areas: list[AreaView]


@dataclass(frozen=True)
class PublicCoalition:
    coalition: CoalitionView
    upcoming: int
    """Its public events from now on."""


def is_public(coalition_id: int) -> ColumnElement[bool]:
    return (Event.coalition_id == coalition_id) & (Event.visibility == EventVisibility.PUBLIC)


def public_here(coalition_id: CoalitionId) -> ColumnElement[bool]:
    """The coalition's public events and the public ones its linked coalitions share with it
    (an internal event never shows, shared or not)."""
    return (Event.visibility == EventVisibility.PUBLIC) & or_(
        Event.coalition_id == coalition_id, Event.id.in_(shared_with(coalition_id))
    )


class PublicService(Service):
    async def coalitions(self) -> list[PublicCoalition]:
        """The coalitions (not retired) with at least one public event, by name."""
        now = self._clock()
        ahead = (Event.starts_at >= now) & (Event.status == EventStatus.SCHEDULED)
        upcoming = func.sum(case((ahead, 1), else_=0))
        async with self._sessions() as session:
            rows = await session.execute(
                select(Coalition, func.coalesce(upcoming, 0))
                .join(Event, Event.coalition_id == Coalition.id)
                .where(Event.visibility == EventVisibility.PUBLIC, Coalition.retired.is_(False))
                .group_by(Coalition.id)
                .order_by(Coalition.name)
            )
            return [PublicCoalition(coalition_view(c), int(n or 0)) for c, n in rows]

    async def coalition(self, slug: str) -> CoalitionView:
        async with self._sessions() as session:
            return coalition_view(await self._public_coalition(session, slug))

    async def areas(self, slug: str) -> list[AreaView]:
        """The areas that have upcoming public events (the page's filter)."""
        async with self._sessions() as session:
            return await self._areas(session, await self._public_coalition(session, slug))

    async def _areas(self, session: AsyncSession, coalition: Coalition) -> list[AreaView]:
        areas = await session.scalars(
            select(Area)
            .where(
                Area.id.in_(
                    select(Event.area_id).where(
                        is_public(coalition.id),
                        Event.status == EventStatus.SCHEDULED,
                        Event.starts_at >= self._clock(),
                    )
                )
            )
            .order_by(Area.name)
        )
        return [AreaView(a.id, a.slug, a.name) for a in areas]

    async def listing(
        self,
        slug: str,
        *,
        area: str | None = None,
        until: datetime | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> Listing:
        """The public page at once: the coalition, a page of its upcoming public events and
        the areas to filter by, in one session."""
        async with self._sessions() as session:
            coalition = await self._public_coalition(session, slug)
            page = await self._upcoming(session, coalition, area, until, offset, limit)
            areas = await self._areas(session, coalition)
            return Listing(coalition_view(coalition), page, areas)

    async def upcoming(
        self,
        slug: str,
        *,
        area: str | None = None,
        until: datetime | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> Page[EventView]:
        """Public scheduled events from now on, soonest first."""
        async with self._sessions() as session:
            coalition = await self._public_coalition(session, slug)
            return await self._upcoming(session, coalition, area, until, offset, limit)

    async def _upcoming(
        self,
        session: AsyncSession,
        coalition: Coalition,
        area: str | None,
        until: datetime | None,
        offset: int,
        limit: int,
    ) -> Page[EventView]:
        conditions = [
            public_here(coalition.id),
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at >= self._clock(),
        ]
        if area:
            conditions.append(Event.area_id == (await self._area(session, coalition.id, area)).id)
        if until is not None:
            conditions.append(Event.starts_at < until)
        rows, total = await page_and_total(
            session,
            select(Event, Coalition.name)
            .join(Coalition, Coalition.id == Event.coalition_id)
            .options(*RELATIONS)
            .where(*conditions)
            .order_by(Event.starts_at, Event.id)
            .offset(offset)
            .limit(limit),
            select(func.count()).select_from(Event).where(*conditions),
            offset,
        )
        views = (
            replace(
                event_view(row[0]), origin=row[1] if row[0].coalition_id != coalition.id else None
            )
            for row in rows
        )
        return Page(tuple(views), total, offset, limit)

    async def event(self, slug: str, event_id: int) -> FeedEvent:
        """One public event (a cancelled one too, marked so); an internal one is not found."""
        async with self._sessions() as session:
            coalition = await self._public_coalition(session, slug)
            found = (
                await session.execute(
                    select(Event, Coalition)
                    .join(Coalition, Coalition.id == Event.coalition_id)
                    .options(*RELATIONS)
                    .where(public_here(coalition.id), Event.id == event_id)
                )
            ).first()
            if found is None:
                raise NotFound("event", event_id)
            event, origin = found
            return feed_event(event, origin if origin.id != coalition.id else None)

    async def _public_coalition(self, session: AsyncSession, slug: str) -> Coalition:
        return await public_coalition(session, slug)


async def public_coalition(session: AsyncSession, slug: str) -> Coalition:
    """A coalition that shows itself: not retired, with at least one public event, its own
    or one a linked coalition shares with it (one statement)."""
    if "\x00" in slug:
        raise NotFound("coalition", slug)
    own = exists().where(
        Event.coalition_id == Coalition.id, Event.visibility == EventVisibility.PUBLIC
    )
    shared = exists().where(
        CoalitionLink.coalition_id == Coalition.id,
        CoalitionLink.state == LinkState.ACTIVE,
        SharedEvent.coalition_id == CoalitionLink.partner_id,
        Event.id == SharedEvent.event_id,
        Event.visibility == EventVisibility.PUBLIC,
    )
    shows = or_(own, shared)
    found = (
        await session.execute(
            select(Coalition).where(Coalition.slug == slug, Coalition.retired.is_(False), shows)
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("coalition", slug)
    return found
