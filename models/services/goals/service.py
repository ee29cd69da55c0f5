"""Goals and indicators: the overview with statuses, one goal in full, and the changes
coordinators make (goals, indicators, check-ins)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Activity, ActivityStatus, Area, Coalition, Event, EventStatus, Role
from models.errors import Invalid, NotFound
from models.goals.entities import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    TITLE_MAX,
    UNIT_MAX,
    VALUE_MAX,
    Aggregate,
    CheckIn,
    Direction,
    Goal,
    Indicator,
    PeriodKind,
    Source,
)
from models.goals.status import (
    GoalStatus,
    Period,
    end_of_day,
    goal_status,
    indicator_status,
    until_period,
    year_bounds,
)
from models.network.entities import CoalitionLink, LinkKind
from models.services.base import Service
from models.services.goals.planning import plan_goal_posts, plan_nudges
from models.services.goals.values import counted_links, in_period, indicators_with_values
from models.services.goals.views import (
    Contribution,
    GoalDetail,
    GoalsOverview,
    GoalView,
    IndicatorChanges,
    IndicatorView,
)
from models.services.views import AreaView
from models.validation import clean_text, optional_text

CONTRIBUTIONS_SHOWN = 5
"""What counted toward an indicator, shown in /goal: the latest few of each kind."""


def checked_number(value: float, field: str, *, negative: bool = False) -> float:
    """A target or a check-in's value: finite, at most VALUE_MAX, not negative unless allowed."""
    if not math.isfinite(value) or abs(value) > VALUE_MAX:
        raise Invalid(field, "too_large", VALUE_MAX)
    if value < 0 and not negative:
        raise Invalid(field, "negative")
    return value


class IndicatorRow(Protocol):
    """What an indicator's view is made of: a row of INDICATOR_COLUMNS (or the model)."""

    id: int
    goal_id: int
    title: str
    unit: str | None
    target: float
    direction: Direction
    period: PeriodKind
    until_on: date | None
    source: Source
    aggregate: Aggregate
    link_kind: LinkKind | None
    created_at: datetime


def indicator_period(indicator: IndicatorRow, year: int, zone: ZoneInfo) -> Period:
    if indicator.period is PeriodKind.UNTIL and indicator.until_on is not None:
        return until_period(indicator.until_on, zone, indicator.created_at)
    start, end = year_bounds(year, zone)
    return Period(start, end, start)


class GoalService(Service):
    def _as_of(self, year: int, zone: ZoneInfo) -> datetime:
        return min(self._clock(), year_bounds(year, zone)[1])

    def _year(self, year: int | None, zone: ZoneInfo) -> int:
        return year if year is not None else self._clock().astimezone(zone).year

    async def overview(self, coalition_slug: str, year: int | None = None) -> GoalsOverview:
        """Every goal of the coalition with its indicators' values and statuses in a year
        (this one by default), as of now or the end of that year."""
        async with self._sessions() as session:
            coalition = await self._coalition(session, coalition_slug)
            return await self._overview(session, coalition, year)

    async def _overview(
        self,
        session: AsyncSession,
        coalition: Coalition,
        year: int | None,
        goal_id: int | None = None,
    ) -> GoalsOverview:
        return await goals_overview(session, coalition, year, self._clock(), goal_id)

    async def goal(self, coalition_slug: str, goal_id: int, year: int | None = None) -> GoalDetail:
        """One goal with its indicators and, for each, the latest of what counted toward it."""
        async with self._sessions() as session:
            coalition = await self._coalition(session, coalition_slug)
            overview = await self._overview(session, coalition, year, goal_id)
            zone = ZoneInfo(coalition.timezone)
            start, end = year_bounds(overview.year, zone)
            contributions = []
            for indicator in overview.goals[0].indicators:
                found = await self._contributions(session, indicator, start, end, overview.as_of)
                contributions.append((indicator.id, found))
            return GoalDetail(overview, overview.goals[0], tuple(contributions))

    async def _contributions(
        self,
        session: AsyncSession,
        indicator: IndicatorView,
        start: datetime,
        end: datetime,
        as_of: datetime,
    ) -> tuple[Contribution, ...]:
        if indicator.source is Source.EVENTS:
            events = await session.execute(
                select(Event.id, Event.title, Event.starts_at)
                .join(Indicator, Indicator.id == Event.indicator_id)
                .where(
                    Indicator.id == indicator.id,
                    Event.status == EventStatus.SCHEDULED,
                    in_period(Event.starts_at, start, end, as_of),
                )
                .order_by(Event.starts_at.desc())
                .limit(CONTRIBUTIONS_SHOWN)
            )
            return tuple(Contribution("event", i, t, at) for i, t, at in events)
        if indicator.source is Source.ACTIVITIES:
            activities = await session.execute(
                select(Activity.id, Activity.title, Activity.done_at)
                .join(Indicator, Indicator.id == Activity.indicator_id)
                .where(
                    Indicator.id == indicator.id,
                    Activity.status == ActivityStatus.DONE,
                    in_period(Activity.done_at, start, end, as_of),
                )
                .order_by(Activity.done_at.desc())
                .limit(CONTRIBUTIONS_SHOWN)
            )
            return tuple(Contribution("activity", i, t, at) for i, t, at in activities)
        if indicator.source is Source.LINKS:  # the links counted: accepted in the period
            links = await session.execute(
                select(CoalitionLink.id, Coalition.name, CoalitionLink.since)
                .join(Coalition, Coalition.id == CoalitionLink.partner_id)
                .join(Indicator, Indicator.coalition_id == CoalitionLink.coalition_id)
                .where(
                    Indicator.id == indicator.id,
                    *counted_links(indicator.period_end, as_of),
                )
                .order_by(CoalitionLink.since.desc(), CoalitionLink.id.desc())
                .limit(CONTRIBUTIONS_SHOWN)
            )
            return tuple(Contribution("link", i, name, since) for i, name, since in links)
        check_ins = await session.execute(
            select(CheckIn.id, CheckIn.note, CheckIn.at, CheckIn.value)
            .join(Indicator, Indicator.id == CheckIn.indicator_id)
            .where(Indicator.id == indicator.id, in_period(CheckIn.at, start, end, as_of))
            .order_by(CheckIn.at.desc(), CheckIn.id.desc())
            .limit(CONTRIBUTIONS_SHOWN)
        )
        return tuple(Contribution("check_in", i, n or "", at, v) for i, n, at, v in check_ins)

    async def indicator(self, coalition_slug: str, indicator_id: int) -> IndicatorView:
        """One indicator of the coalition with its value and status this year."""
        async with self._sessions() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._indicator(session, coalition.id, indicator_id)
            return await self._indicator_view(session, coalition, indicator_id)

    async def add_goal(
        self,
        coalition_slug: str,
        actor: str,
        *,
        title: str,
        area: str | None = None,
        description: str | None = None,
    ) -> GoalView:
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.COORDINATOR)
            goal = Goal(
                coalition_id=coalition.id,
                title=clean_text(title, "title", TITLE_MAX),
                description=optional_text(description, "description", DESCRIPTION_MAX),
                created_at=self._clock(),
            )
            if area:
                goal.area = await self._area(session, coalition.id, area)
            session.add(goal)
            await session.flush()
            self._audit(
                session,
                coalition.id,
                actor,
                "goal.create",
                f"goal:{goal.id}",
                {"title": goal.title},
            )
            overview = await self._overview(session, coalition, None, goal.id)
        return overview.goals[0]

    async def add_indicator(
        self,
        coalition_slug: str,
        actor: str,
        goal_id: int,
        *,
        title: str,
        target: float,
        unit: str | None = None,
        period: PeriodKind = PeriodKind.YEARLY,
        until_on: date | None = None,
        source: Source = Source.MANUAL,
        aggregate: Aggregate = Aggregate.LATEST,
        direction: Direction = Direction.AT_LEAST,
        link_kind: LinkKind | None = None,
    ) -> IndicatorView:
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.COORDINATOR)
            goal = await self._goal(session, coalition.id, goal_id)
            indicator = Indicator(
                coalition_id=coalition.id,
                goal_id=goal.id,
                title=clean_text(title, "title", TITLE_MAX),
                target=checked_number(target, "target"),
                unit=optional_text(unit, "unit", UNIT_MAX),
                direction=direction,
                source=source,
                aggregate=aggregate,
                link_kind=link_kind if source is Source.LINKS else None,
                created_at=self._clock(),
            )
            set_period(indicator, period, until_on, ZoneInfo(coalition.timezone))
            session.add(indicator)
            await session.flush()
            self._audit(
                session,
                coalition.id,
                actor,
                "indicator.create",
                f"indicator:{indicator.id}",
                {"title": indicator.title, "goal": goal.id},
            )
            view = await self._indicator_view(session, coalition, indicator.id)
            now = self._clock()
            planned = await plan_goal_posts(session, coalition, self.policy, now)
            planned += await plan_nudges(session, self.policy, now, [indicator.id])
        self._planned(planned)
        return view

    async def edit_indicator(
        self, coalition_slug: str, actor: str, indicator_id: int, changes: IndicatorChanges
    ) -> IndicatorView:
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.COORDINATOR)
            indicator = await self._indicator(session, coalition.id, indicator_id)
            changed: dict[str, object] = {}
            if changes.title is not None:
                indicator.title = changed["title"] = clean_text(changes.title, "title", TITLE_MAX)
            if changes.target is not None:
                indicator.target = changed["target"] = checked_number(changes.target, "target")
            if changes.unit is not None:
                indicator.unit = changed["unit"] = optional_text(changes.unit, "unit", UNIT_MAX)
            if changes.direction is not None:
                indicator.direction = changes.direction
                changed["direction"] = changes.direction.value
            if changes.period is not None:
                set_period(
                    indicator, changes.period, changes.until_on, ZoneInfo(coalition.timezone)
                )
                changed["period"] = changes.period.value
            if changes.source is not None:
                indicator.source = changes.source
                changed["source"] = changes.source.value
                indicator.link_kind = changes.link_kind if changes.source is Source.LINKS else None
                if indicator.link_kind is not None:
                    changed["link_kind"] = indicator.link_kind.value
            if changes.aggregate is not None:
                indicator.aggregate = changes.aggregate
                changed["aggregate"] = changes.aggregate.value
            if changes.goal_id is not None:
                indicator.goal_id = changed["goal"] = (
                    await self._goal(session, coalition.id, changes.goal_id)
                ).id
            if not changed:
                raise Invalid("changes", "empty")
            self._audit(
                session, coalition.id, actor, "indicator.edit", f"indicator:{indicator.id}", changed
            )
            await session.flush()
            view = await self._indicator_view(session, coalition, indicator.id)
            planned = await plan_nudges(session, self.policy, self._clock(), [indicator.id])
        self._planned(planned)
        return view

    async def record(
        self,
        coalition_slug: str,
        actor: str,
        indicator_id: int,
        value: float,
        note: str | None = None,
    ) -> IndicatorView:
        """A check-in on a manual indicator; the indicator with its new value and status."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.COORDINATOR)
            indicator = await self._indicator(session, coalition.id, indicator_id)
            if not indicator.source.takes_check_ins:
                raise Invalid("indicator", "not_manual", value=indicator.source.value)
            check_in = CheckIn(
                coalition_id=coalition.id,
                indicator_id=indicator.id,
                value=checked_number(value, "value", negative=True),
                note=optional_text(note, "note", NOTE_MAX),
                actor=actor,
                at=self._clock(),
            )
            session.add(check_in)
            await session.flush()
            self._audit(
                session,
                coalition.id,
                actor,
                "indicator.record",
                f"indicator:{indicator.id}",
                {"value": check_in.value},
            )
            view = await self._indicator_view(session, coalition, indicator.id)
            planned = await plan_nudges(session, self.policy, self._clock(), [indicator.id])
        self._planned(planned)
        return view

    async def _indicator_view(
        self, session: AsyncSession, coalition: Coalition, indicator_id: int
    ) -> IndicatorView:
        return await current_indicator(session, coalition, indicator_id, self._clock())

    async def _goal(self, session: AsyncSession, coalition_id: int, goal_id: int) -> Goal:
        goal = await session.scalar(
            select(Goal).where(Goal.id == goal_id, Goal.coalition_id == coalition_id)
        )
        if goal is None:
            raise NotFound("goal", goal_id)
        return goal

    async def _indicator(
        self, session: AsyncSession, coalition_id: int, indicator_id: int
    ) -> Indicator:
        indicator = await session.scalar(
            select(Indicator).where(
                Indicator.id == indicator_id, Indicator.coalition_id == coalition_id
            )
        )
        if indicator is None:
            raise NotFound("indicator", indicator_id)
        return indicator


async def goals_overview(
    session: AsyncSession,
    coalition: Coalition,
    year: int | None,
    now: datetime,
    goal_id: int | None = None,
) -> GoalsOverview:
    """Every goal of the coalition (or the one `goal_id`) with its indicators' values and
    statuses in a year (now's by default), as of `now` or the end of that year: one aggregate
    query for the values."""
    zone = ZoneInfo(coalition.timezone)
    if year is None:
        year = now.astimezone(zone).year
    start, end = year_bounds(year, zone)
    as_of = min(now, end)
    goal_where = [Goal.coalition_id == coalition.id]
    if goal_id is not None:
        goal_where.append(Goal.id == goal_id)
    goals = (
        await session.execute(
            select(Goal.id, Goal.title, Goal.description, Area.id, Area.slug, Area.name)
            .outerjoin(Area, Area.id == Goal.area_id)
            .where(*goal_where)
            .order_by(Goal.id)
        )
    ).all()
    if goal_id is not None and not goals:
        raise NotFound("goal", goal_id)
    bounds = {"year_start": start, "year_end": end, "as_of": as_of}
    if goal_id is None:
        statement, key = indicators_with_values("coalition"), {"coalition_id": coalition.id}
    else:
        statement, key = indicators_with_values("goal"), {"goal_id": goal_id}
    rows = (await session.execute(statement, {**bounds, **key})).all()
    by_goal: dict[int, list[IndicatorView]] = {goal[0]: [] for goal in goals}
    for row in rows:
        by_goal[row.goal_id].append(
            indicator_view(row, row.value, indicator_period(row, year, zone), as_of)
        )
    views = tuple(
        GoalView(
            id=goal_id_,
            title=title,
            area=AreaView(area_id, slug, name) if area_id is not None else None,
            description=description,
            status=goal_status_of(by_goal[goal_id_]),
            indicators=tuple(by_goal[goal_id_]),
        )
        for goal_id_, title, description, area_id, slug, name in goals
    )
    return GoalsOverview(year, as_of, views)


async def current_indicator(
    session: AsyncSession, coalition: Coalition, indicator_id: int, now: datetime
) -> IndicatorView:
    """One indicator with its value and status in this year's period, as of `now`."""
    zone = ZoneInfo(coalition.timezone)
    year = now.astimezone(zone).year
    start, end = year_bounds(year, zone)
    as_of = min(now, end)
    row = (
        await session.execute(
            indicators_with_values("indicator"),
            {"indicator_id": indicator_id, "year_start": start, "year_end": end, "as_of": as_of},
        )
    ).one()
    return indicator_view(row, row.value, indicator_period(row, year, zone), as_of)


async def linkable_indicator(
    session: AsyncSession, coalition_id: int, indicator_id: int, source: Source
) -> int:
    """An indicator of the coalition that counts `source` (events or activities), to link
    an event or an activity to; NotFound or Invalid otherwise."""
    indicator = await session.scalar(
        select(Indicator).where(
            Indicator.id == indicator_id, Indicator.coalition_id == coalition_id
        )
    )
    if indicator is None:
        raise NotFound("indicator", indicator_id)
    if indicator.source is not source:
        raise Invalid("indicator", f"counts_{indicator.source.value}", value=source.value)
    return indicator.id


def set_period(
    indicator: Indicator, period: PeriodKind, until_on: date | None, zone: ZoneInfo
) -> None:
    if period is PeriodKind.UNTIL:
        if until_on is None:
            raise Invalid("period", "empty")
        indicator.period, indicator.until_on = period, until_on
        indicator.until_end = end_of_day(until_on, zone)
    else:
        indicator.period, indicator.until_on, indicator.until_end = period, None, None


def indicator_view(
    indicator: IndicatorRow, value: float | None, period: Period, as_of: datetime
) -> IndicatorView:
    number = None if value is None else float(value)
    return IndicatorView(
        id=indicator.id,
        goal_id=indicator.goal_id,
        title=indicator.title,
        unit=indicator.unit,
        target=indicator.target,
        direction=indicator.direction,
        period=indicator.period,
        until_on=indicator.until_on,
        source=indicator.source,
        aggregate=indicator.aggregate,
        link_kind=indicator.link_kind,
        value=number,
        status=indicator_status(number, indicator.target, indicator.direction, period, as_of),
        period_end=period.end,
        over=period.over(as_of),
    )


def goal_status_of(indicators: Sequence[IndicatorView]) -> GoalStatus:
    statuses = [indicator.status for indicator in indicators]
    return goal_status(statuses, all(indicator.over for indicator in indicators))
