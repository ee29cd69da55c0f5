"""An indicator's value in its period, as one aggregate SQL expression per indicator row.

No rows are loaded into Python: held events and done activities are counted, check-ins
summed or the latest one taken, each by a correlated subquery on its indicator index.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from models.entities import Activity, ActivityStatus, Event, EventStatus
from models.goals.entities import Aggregate, CheckIn, Indicator, PeriodKind, Source


def in_period(
    moment: Any, year_start: datetime, year_end: datetime, as_of: datetime
) -> ColumnElement[bool]:
    """`moment` (a column) falls in the indicator's period and no later than `as_of`."""
    return and_(
        or_(
            and_(Indicator.period == PeriodKind.YEARLY, moment >= year_start, moment < year_end),
            and_(Indicator.period == PeriodKind.UNTIL, moment < Indicator.until_end),
        ),
        moment <= as_of,
    )


def value_of_indicator(
    year_start: datetime, year_end: datetime, as_of: datetime
) -> ColumnElement[float | None]:
    """The value of the indicator row in its period (NULL: check-ins wanted, none made)."""
    held_events = (
        select(func.count())
        .select_from(Event)
        .where(
            Event.indicator_id == Indicator.id,
            Event.status == EventStatus.SCHEDULED,
            in_period(Event.starts_at, year_start, year_end, as_of),
        )
        .scalar_subquery()
    )
    done_activities = (
        select(func.count())
        .select_from(Activity)
        .where(
            Activity.indicator_id == Indicator.id,
            Activity.status == ActivityStatus.DONE,
            in_period(Activity.done_at, year_start, year_end, as_of),
        )
        .scalar_subquery()
    )
    check_ins = (
        CheckIn.indicator_id == Indicator.id,
        in_period(CheckIn.at, year_start, year_end, as_of),
    )
    total = select(func.sum(CheckIn.value)).where(*check_ins).scalar_subquery()
    latest = (
        select(CheckIn.value)
        .where(*check_ins)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case(
        (Indicator.source == Source.EVENTS, held_events),
        (Indicator.source == Source.ACTIVITIES, done_activities),
        (Indicator.aggregate == Aggregate.SUM, total),
        else_=latest,
    )
