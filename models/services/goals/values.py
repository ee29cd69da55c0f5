"""An indicator's value in its period, as one aggregate SQL expression per indicator row.

No rows are loaded into Python: held events, done activities and the coalition's accepted
network links are counted, check-ins summed or the latest one taken, each by a correlated
subquery on its indicator index.
The statement that reads every indicator with its value is built once, with the period's
bounds as parameters (`year_start`, `year_end`, `as_of`), so /goals neither builds nor
compiles it again.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.sql.elements import BindParameter

from models.base import UTCDateTime
from models.entities import Activity, ActivityStatus, Event, EventStatus
from models.goals.entities import Aggregate, CheckIn, Indicator, PeriodKind, Source
from models.network.entities import CoalitionLink, LinkState

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Where an until-date period starts counting: from the beginning."""
INDICATOR_COLUMNS = (
    Indicator.id,
    Indicator.goal_id,
    Indicator.title,
    Indicator.unit,
    Indicator.target,
    Indicator.direction,
    Indicator.period,
    Indicator.until_on,
    Indicator.source,
    Indicator.aggregate,
    Indicator.link_kind,
    Indicator.created_at,
)
"""What an IndicatorView needs of its row (read as columns: no ORM objects to build)."""

Moment = datetime | BindParameter[datetime]


def _moment(value: Moment) -> ColumnElement[datetime]:
    if isinstance(value, BindParameter):
        return value
    return literal(value, UTCDateTime())


def counted_links(period_end: Any, as_of: Moment) -> tuple[ColumnElement[bool], ...]:
    """The network links an indicator (the `Indicator` row) counts: its coalition's active
    links of its kind, accepted before the period ended and by `as_of`."""
    return (
        CoalitionLink.coalition_id == Indicator.coalition_id,
        CoalitionLink.state == LinkState.ACTIVE,
        or_(Indicator.link_kind.is_(None), CoalitionLink.kind == Indicator.link_kind),
        CoalitionLink.since < period_end,
        CoalitionLink.since <= _moment(as_of),
    )


def in_period(
    moment: Any, year_start: Moment, year_end: Moment, as_of: Moment
) -> ColumnElement[bool]:
    """`moment` (a column) falls in the indicator's period and no later than `as_of`.

    The bounds are one range per indicator row, so the index on (indicator, ..., moment)
    is read only over that range."""
    yearly = Indicator.period == PeriodKind.YEARLY
    start = case((yearly, _moment(year_start)), else_=literal(EPOCH, UTCDateTime()))
    end = case((yearly, _moment(year_end)), else_=Indicator.until_end)
    return and_(moment >= start, moment < end, moment <= _moment(as_of))


def value_of_indicator(
    year_start: Moment, year_end: Moment, as_of: Moment
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
    yearly = Indicator.period == PeriodKind.YEARLY
    period_end = case((yearly, _moment(year_end)), else_=Indicator.until_end)
    links = (
        select(func.count())
        .select_from(CoalitionLink)
        .where(*counted_links(period_end, as_of))
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
        (Indicator.source == Source.LINKS, links),
        (Indicator.aggregate == Aggregate.SUM, total),
        else_=latest,
    )


@functools.cache
def indicators_with_values(
    of: Literal["coalition", "goal", "indicator"],
) -> Select[*tuple[Any, ...]]:
    """Every indicator of a coalition (`coalition_id`), of a goal (`goal_id`) or one
    (`indicator_id`), with its value between `year_start`, `year_end` and `as_of`, in the
    order /goals shows them. Built once per kind."""
    value = value_of_indicator(
        bindparam("year_start", type_=UTCDateTime()),
        bindparam("year_end", type_=UTCDateTime()),
        bindparam("as_of", type_=UTCDateTime()),
    )
    where = {
        "coalition": Indicator.coalition_id == bindparam("coalition_id"),
        "goal": Indicator.goal_id == bindparam("goal_id"),
        "indicator": Indicator.id == bindparam("indicator_id"),
    }[of]
    return (
        select(*INDICATOR_COLUMNS, value.label("value"))
        .where(where)
        .order_by(Indicator.goal_id, Indicator.id)
    )
