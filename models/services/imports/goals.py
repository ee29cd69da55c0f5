"""Goals and their indicators from a spreadsheet, one row per indicator (a row without one:
the goal alone). A goal is known by its title, an indicator by its goal's title and its own;
the goal's area and description come from its first row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Coalition
from models.errors import Invalid
from models.goals.entities import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    UNIT_MAX,
    Goal,
    Indicator,
)
from models.imports.records import GoalRecord, IndicatorPart, Record, Rejected
from models.search import fold
from models.services.goals.service import checked_number, set_period
from models.services.imports.lookup import Lookup
from models.services.imports.tally import Tally, id_of, rejection
from models.validation import clean_text, optional_text


def same_indicator(stored: Indicator, part: IndicatorPart, unit: str | None) -> bool:
    return (
        stored.target == part.target
        and stored.unit == unit
        and stored.direction == part.direction
        and stored.period == part.period
        and stored.until_on == part.until_on
        and stored.source == part.source
        and stored.aggregate == part.aggregate
    )


def apply(indicator: Indicator, part: IndicatorPart, unit: str | None, zone: ZoneInfo) -> None:
    indicator.target, indicator.unit, indicator.direction = part.target, unit, part.direction
    indicator.source, indicator.aggregate = part.source, part.aggregate
    set_period(indicator, part.period, part.until_on, zone)


async def import_goals(
    session: AsyncSession,
    coalition: Coalition,
    lookup: Lookup,
    records: Sequence[Record],
    tally: Tally,
    write: bool,
    now: datetime,
) -> None:
    zone = ZoneInfo(coalition.timezone)
    goals: dict[str, Goal] = {}
    for goal in await session.scalars(
        select(Goal).where(Goal.coalition_id == coalition.id).order_by(Goal.id)
    ):
        goals.setdefault(fold(goal.title), goal)
    by_id = {goal.id: goal for goal in goals.values()}
    indicators: dict[tuple[str, str], Indicator] = {}
    for indicator in await session.scalars(
        select(Indicator).where(Indicator.coalition_id == coalition.id).order_by(Indicator.id)
    ):
        owner = by_id.get(indicator.goal_id)
        if owner is not None:
            indicators.setdefault((fold(owner.title), fold(indicator.title)), indicator)
    seen: dict[tuple[str, str], int] = {}
    described: set[str] = set()
    for record in records:
        if not isinstance(record, GoalRecord):
            continue
        part = record.indicator
        try:
            title = clean_text(record.goal, "goal", TITLE_MAX)
            description = optional_text(record.description, "description", DESCRIPTION_MAX)
            area = lookup.area(record.area)
            indicator_title = clean_text(part.title, "indicator", TITLE_MAX) if part else ""
            unit = optional_text(part.unit, "unit", UNIT_MAX) if part else None
            if part is not None:
                checked_number(part.target, "target")
        except Invalid as error:
            tally.rejected.append(rejection(record.row, error))
            continue
        key = (fold(title), fold(indicator_title))
        if key in seen:
            tally.rejected.append(
                Rejected(record.row, "indicator", "duplicate", indicator_title, 0, seen[key])
            )
            continue
        seen[key] = record.row
        changed = new = False
        found = goals.get(key[0])
        if found is None:
            new = True
            goal = Goal(
                coalition_id=coalition.id, title=title, description=description, created_at=now
            )
            goal.area = area
            goals[key[0]] = goal
            if write:
                session.add(goal)
        else:
            goal = found
        if (
            found is not None
            and key[0] not in described
            and (goal.description != description or goal.area_id != id_of(area))
        ):
            changed = True
            if write:
                goal.description, goal.area = description, area
        described.add(key[0])
        if part is not None:
            stored = indicators.get(key)
            if stored is None:
                new = True
                indicator = Indicator(
                    coalition_id=coalition.id, title=indicator_title, created_at=now
                )
                apply(indicator, part, unit, zone)
                indicators[key] = indicator
                if write:
                    if goal.id is None:
                        await session.flush()  # the new goal's id
                    indicator.goal_id = goal.id
                    session.add(indicator)
            elif not same_indicator(stored, part, unit):
                changed = True
                if write:
                    apply(stored, part, unit, zone)
        if new:
            tally.new += 1
        elif changed:
            tally.changed += 1
        else:
            tally.unchanged += 1
    if write:
        await session.flush()
