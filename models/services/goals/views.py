"""What the goal services hand to handlers: read-only snapshots with their statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from models.goals.entities import Aggregate, Direction, PeriodKind, Source
from models.goals.status import GoalStatus, IndicatorStatus
from models.network.entities import LinkKind
from models.services.views import AreaView


@dataclass(frozen=True)
class IndicatorView:
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
    """The kind of network links a `links` indicator counts (None: either kind)."""
    value: float | None
    """The value in the period as of the overview's moment (None: manual, no check-in)."""
    status: IndicatorStatus
    period_end: datetime
    over: bool
    """The period has ended at the overview's moment."""


@dataclass(frozen=True)
class GoalView:
    id: int
    title: str
    area: AreaView | None
    description: str | None
    status: GoalStatus
    indicators: tuple[IndicatorView, ...]


@dataclass(frozen=True)
class GoalsOverview:
    year: int
    as_of: datetime
    """The moment the statuses are for: now, or the end of a past year."""
    goals: tuple[GoalView, ...]


@dataclass(frozen=True)
class Contribution:
    """Something that counted toward an indicator: a held event, a done activity, a check-in,
    a network link (its title the partner coalition's name)."""

    kind: Literal["event", "activity", "check_in", "link"]
    id: int
    title: str
    at: datetime | None
    value: float | None = None


@dataclass(frozen=True)
class GoalDetail:
    overview: GoalsOverview
    goal: GoalView
    contributions: tuple[tuple[int, tuple[Contribution, ...]], ...]
    """Per indicator id, what counted toward it (the latest first, a few at most)."""


@dataclass(frozen=True)
class IndicatorChanges:
    """The fields of an indicator to change; None leaves a field as it is."""

    title: str | None = None
    target: float | None = None
    unit: str | None = None
    direction: Direction | None = None
    period: PeriodKind | None = None
    until_on: date | None = None
    source: Source | None = None
    aggregate: Aggregate | None = None
    goal_id: int | None = None
    link_kind: LinkKind | None = None
    """With source `links`: the kind of links it counts."""


@dataclass(frozen=True)
class NudgeView:
    """An indicator filled in by hand that has long gone without a check-in."""

    indicator: IndicatorView
    goal_title: str
    last_check_in: datetime | None
    """The latest check-in ever (None: never recorded)."""
    silent_since: datetime
    """The latest check-in, or when the indicator was made."""
