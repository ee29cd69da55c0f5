"""Goals and their indicators: what a coalition aims at and how it knows it got there."""

from models.goals.entities import (
    Aggregate,
    CheckIn,
    Direction,
    Goal,
    Indicator,
    PeriodKind,
    Source,
)

__all__ = ["Aggregate", "CheckIn", "Direction", "Goal", "Indicator", "PeriodKind", "Source"]
