"""An indicator's value in its period, as one aggregate SQL expression per indicator row.

No rows are loaded into Python: held events and done activities are counted, check-ins
summed or the latest one taken, each by a correlated subquery on its indicator index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select

from models.base import UTCDateTime
from models.entities import Activity, ActivityStatus, Event, EventStatus
from models.goals.entities import Aggregate, CheckIn, Indicator, PeriodKind, Source

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Where an until-date period starts counting: from the beginning."""


def in_period(
    moment: Any, year_start: datetime, year_end: datetime, as_of: datetime
) -> ColumnElement[bool]:
    """`moment` (a column) falls in the indicator's period and no later than `as_of`.

    The bounds are one range per indicator row, so the index on (indicator, ..., moment)
    is read only over that range."""
    yearly = Indicator.period == PeriodKind.YEARLY
    start = case((yearly, literal(year_start, UTCDateTime())), else_=literal(EPOCH, UTCDateTime()))
    end = case((yearly, literal(year_end, UTCDateTime())), else_=Indicator.until_end)
    return and_(moment >= start, moment < end, moment <= as_of)


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
