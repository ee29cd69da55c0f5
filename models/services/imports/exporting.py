"""Every event, activity or contact of a coalition, for an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.entities import Activity, Coalition, Contact, Event, Role
from models.goals.entities import Aggregate, Direction, Goal, Indicator, PeriodKind, Source
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

    async def goals(self, slug: str, actor: str | None) -> tuple[GoalExport, ...]:
        async with self._sessions() as session:
            coalition = await self._allowed(session, slug, actor)
            return await goals_of(session, coalition.id)


@dataclass(frozen=True)
class IndicatorExport:
    title: str
    target: float
    unit: str | None
    direction: Direction
    period: PeriodKind
    until_on: date | None
    source: Source
    aggregate: Aggregate


@dataclass(frozen=True)
class GoalExport:
    title: str
    area: str | None
    description: str | None
    indicators: tuple[IndicatorExport, ...]


async def goals_of(session: AsyncSession, coalition_id: int) -> tuple[GoalExport, ...]:
    """The coalition's goals with their indicators, in the order they were added."""
    goals = list(
        await session.scalars(
            select(Goal)
            .where(Goal.coalition_id == coalition_id)
            .options(selectinload(Goal.area))
            .order_by(Goal.id)
        )
    )
    indicators: dict[int, list[IndicatorExport]] = {goal.id: [] for goal in goals}
    for i in await session.scalars(
        select(Indicator).where(Indicator.coalition_id == coalition_id).order_by(Indicator.id)
    ):
        indicators.setdefault(i.goal_id, []).append(
            IndicatorExport(
                i.title, i.target, i.unit, i.direction, i.period, i.until_on, i.source, i.aggregate
            )
        )
    return tuple(
        GoalExport(
            goal.title,
            goal.area.name if goal.area else None,
            goal.description,
            tuple(indicators[goal.id]),
        )
        for goal in goals
    )
