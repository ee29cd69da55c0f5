"""Goals and indicators: statuses computed in SQL, changes by coordinators."""

from models.services.goals.service import GoalService, linkable_indicator
from models.services.goals.views import (
    Contribution,
    GoalDetail,
    GoalsOverview,
    GoalView,
    IndicatorChanges,
    IndicatorView,
)

__all__ = [
    "Contribution",
    "GoalDetail",
    "GoalService",
    "GoalView",
    "GoalsOverview",
    "IndicatorChanges",
    "IndicatorView",
    "linkable_indicator",
]
