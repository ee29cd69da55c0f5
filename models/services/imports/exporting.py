"""Every event, activity or contact of a coalition, for an export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.entities import Activity, Coalition, Contact, Event, Role
from models.services.activities import activity_view
from models.services.base import Service, coalition_view
from models.services.contacts import contact_view
from models.services.events import event_view
from models.services.views import ActivityView, CoalitionView, ContactView, EventView


class ExportService(Service):
    async def _allowed(self, session: AsyncSession, slug: str, actor: str | None) -> Coalition:
        """The coalition, when `actor` is one of its coordinators (None: the operator)."""
        if actor is None:
            return await self._coalition(session, slug)
        return await self._coalition_for(session, slug, actor, Role.COORDINATOR)

    async def coalition(self, slug: str) -> CoalitionView:
        async with self._sessions() as session:
            return coalition_view(await self._coalition(session, slug))

    async def events(self, slug: str, actor: str | None) -> tuple[EventView, ...]:
        async with self._sessions() as session:
            coalition = await self._allowed(session, slug, actor)
            rows = await session.scalars(
                select(Event)
                .where(Event.coalition_id == coalition.id)
                .options(selectinload(Event.area), selectinload(Event.organiser))
                .order_by(Event.starts_at, Event.id)
            )
            return tuple(event_view(event) for event in rows)

    async def activities(self, slug: str, actor: str | None) -> tuple[ActivityView, ...]:
        async with self._sessions() as session:
            coalition = await self._allowed(session, slug, actor)
            rows = await session.scalars(
                select(Activity)
                .where(Activity.coalition_id == coalition.id)
                .options(selectinload(Activity.area), selectinload(Activity.organisation))
                .order_by(Activity.due_on, Activity.id)
            )
            return tuple(activity_view(activity) for activity in rows)

    async def contacts(self, slug: str, actor: str | None) -> tuple[ContactView, ...]:
        async with self._sessions() as session:
            coalition = await self._allowed(session, slug, actor)
            rows = await session.scalars(
                select(Contact)
                .where(Contact.coalition_id == coalition.id)
                .options(selectinload(Contact.organisation))
                .order_by(Contact.name, Contact.id)
            )
            return tuple(contact_view(contact.organisation, contact) for contact in rows)
