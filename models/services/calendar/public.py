"""What anyone may see without a chat: a coalition's public events, nothing else.

Never an internal event, a contact, an e-mail address or a phone number; a coalition without
a public event is not found at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Area, Coalition, Event, EventStatus, EventVisibility
from models.errors import NotFound
from models.services.base import Service, coalition_view, page_and_total
from models.services.events import RELATIONS, event_view
from models.services.views import AreaView, CoalitionView, EventView, Page


@dataclass(frozen=True)
class FeedEvent:
    """An event with what calendars need to replace their copy."""

    event: EventView
    sequence: int
    updated_at: datetime | None


def feed_event(event: Event) -> FeedEvent:
    return FeedEvent(event_view(event), event.sequence, event.updated_at)


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
            is_public(coalition.id),
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at >= self._clock(),
        ]
        if area:
            conditions.append(Event.area_id == (await self._area(session, coalition.id, area)).id)
        if until is not None:
            conditions.append(Event.starts_at < until)
        rows, total = await page_and_total(
            session,
            select(Event)
            .options(*RELATIONS)
            .where(*conditions)
            .order_by(Event.starts_at, Event.id)
            .offset(offset)
            .limit(limit),
            select(func.count()).select_from(Event).where(*conditions),
            offset,
        )
        return Page(tuple(event_view(row[0]) for row in rows), total, offset, limit)

    async def event(self, slug: str, event_id: int) -> FeedEvent:
        """One public event (a cancelled one too, marked so); an internal one is not found."""
        async with self._sessions() as session:
            coalition = await self._public_coalition(session, slug)
            event = await session.scalar(
                select(Event)
                .options(*RELATIONS)
                .where(is_public(coalition.id), Event.id == event_id)
            )
            if event is None:
                raise NotFound("event", event_id)
            return feed_event(event)

    async def _public_coalition(self, session: AsyncSession, slug: str) -> Coalition:
        return await public_coalition(session, slug)


async def public_coalition(session: AsyncSession, slug: str) -> Coalition:
    """A coalition that shows itself: not retired, with at least one public event (one
    statement)."""
    if "\x00" in slug:
        raise NotFound("coalition", slug)
    shows = (
        select(Event.id)
        .where(Event.coalition_id == Coalition.id, Event.visibility == EventVisibility.PUBLIC)
        .exists()
    )
    found = (
        await session.execute(
            select(Coalition).where(Coalition.slug == slug, Coalition.retired.is_(False), shows)
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("coalition", slug)
    return found
