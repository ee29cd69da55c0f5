"""What the goals' automatic posts say: the progress review (what is behind pace and what
would bring it back), the year's verdict on each goal, the nudge to record a value, and the
weekly digest's lines on indicators behind."""

from __future__ import annotations

from datetime import timedelta

from handlers.goals.render import STATUS_MARKS, indicator_lines, unit_for
from handlers.i18n import N_
from handlers.listing import Reader
from handlers.types import ListItem, Reply
from models.goals.status import GoalStatus, IndicatorStatus, remaining
from models.services.goals import GoalsOverview, GoalView, IndicatorView
from models.services.reminders import ReminderJob

GOAL_VERDICTS = {
    GoalStatus.ACHIEVED: N_("goal achieved"),
    GoalStatus.PARTIALLY_ACHIEVED: N_("goal partially achieved"),
    GoalStatus.NOT_ACHIEVED: N_("goal not achieved"),
    GoalStatus.IN_PROGRESS: N_("goal still in progress"),
}


def goals_for(overview: GoalsOverview | None, area_id: int | None) -> list[GoalView]:
    """The goals with indicators a chat hears of (one bound to an area: that area's)."""
    if overview is None:
        return []
    return [
        goal
        for goal in overview.goals
        if goal.indicators
        and (area_id is None or (goal.area is not None and goal.area.id == area_id))
    ]


def catch_up(reader: Reader, indicator: IndicatorView) -> str:
    """`1 of 3 applications so far; 2 more by 31 Dec 2026`: where it stands and what would
    meet the target by the end of its period."""
    t = reader.t
    value = indicator.value or 0.0
    unit = unit_for(reader, indicator.unit, indicator.target)
    last_day = indicator.until_on or (
        indicator.period_end.astimezone(reader.zone).date() - timedelta(days=1)
    )
    return t.gettext("%(value)s of %(target)s so far; %(more)s more by %(day)s") % {
        "value": t.number(value),
        "target": f"{t.number(indicator.target)} {unit}".rstrip(),
        "more": t.number(remaining(value, indicator.target)),
        "day": t.short_day(last_day),
    }


def behind(goals: list[GoalView]) -> list[IndicatorView]:
    return [i for goal in goals for i in goal.indicators if i.status is IndicatorStatus.BEHIND]


def behind_line(reader: Reader, indicator: IndicatorView) -> str:
    return f"#{indicator.id} {indicator.title}: {catch_up(reader, indicator)}"


def digest_goal_lines(reader: Reader, job: ReminderJob, area_id: int | None) -> list[str]:
    """The weekly digest's line for each indicator behind pace."""
    return [behind_line(reader, i) for i in behind(goals_for(job.goals, area_id))]


def review_reply(job: ReminderJob, reader: Reader, area_id: int | None = None) -> Reply | None:
    """The indicators behind pace, by goal, each with what would bring it back; None for a
    chat that hears of no goal with indicators."""
    t = reader.t
    goals = goals_for(job.goals, area_id)
    if not goals:
        return None
    late = behind(goals)
    count = sum(len(goal.indicators) for goal in goals)
    fine = sum(
        i.status in (IndicatorStatus.ACHIEVED, IndicatorStatus.ON_TRACK)
        for goal in goals
        for i in goal.indicators
    )
    lines = [
        t.ngettext(
            "%(fine)d of %(count)d indicator achieved or on track.",
            "%(fine)d of %(count)d indicators achieved or on track.",
            count,
        )
        % {"fine": fine, "count": count},
        t.ngettext(
            "%(count)d indicator is behind pace:",
            "%(count)d indicators are behind pace:",
            len(late),
        )
        % {"count": len(late)}
        if late
        else t.gettext("No indicator is behind pace."),
    ]
    items = tuple(
        ListItem(
            goal.title,
            tuple(
                f"{STATUS_MARKS[i.status]} {behind_line(reader, i)}"
                for i in goal.indicators
                if i.status is IndicatorStatus.BEHIND
            ),
        )
        for goal in goals
        if any(i.status is IndicatorStatus.BEHIND for i in goal.indicators)
    )
    return Reply(
        title=t.gettext("Goals review — %(coalition)s") % {"coalition": job.coalition.name},
        lines=tuple(lines),
        items=items,
        footer=t.gettext("Record a value with /record; every goal: /goals."),
        locale=t.locale,
    )


def verdict_reply(job: ReminderJob, reader: Reader, area_id: int | None = None) -> Reply | None:
    """`2026: 4 of 6 indicators achieved — goal partially achieved`, for each goal; None for
    a chat that hears of no goal with indicators."""
    t = reader.t
    goals = goals_for(job.goals, area_id)
    if job.goals is None or not goals:
        return None
    year = job.goals.year
    items = []
    for goal in goals:
        count = len(goal.indicators)
        done = sum(i.status is IndicatorStatus.ACHIEVED for i in goal.indicators)
        verdict = t.ngettext(
            "%(year)d: %(done)d of %(count)d indicator achieved — %(verdict)s",
            "%(year)d: %(done)d of %(count)d indicators achieved — %(verdict)s",
            count,
        ) % {
            "year": year,
            "done": done,
            "count": count,
            "verdict": t.gettext(GOAL_VERDICTS[goal.status]),
        }
        items.append(ListItem(goal.title, (verdict,)))
    return Reply(
        title=t.gettext("The year %(year)d — %(coalition)s")
        % {"year": year, "coalition": job.coalition.name},
        items=tuple(items),
        footer=t.gettext("Each goal in full: /goal ID %(year)d.") % {"year": year},
        locale=t.locale,
    )


def nudge_reply(job: ReminderJob, reader: Reader) -> Reply | None:
    """The private nudge to a coordinator: which indicator, how long it has gone without a
    value, and the command that records one."""
    t, nudge = reader.t, job.nudge
    if nudge is None:
        return None
    indicator = nudge.indicator
    days = max(
        0,
        (
            reader.now.astimezone(reader.zone).date()
            - nudge.silent_since.astimezone(reader.zone).date()
        ).days,
    )
    head, bar = indicator_lines(reader, indicator)
    since = (
        t.gettext("Last check-in: %(day)s.")
        % {"day": t.short_day(nudge.last_check_in.astimezone(reader.zone).date())}
        if nudge.last_check_in is not None
        else t.gettext("No value has been recorded yet.")
    )
    return Reply(
        title=t.gettext("Time for a check-in: %(title)s") % {"title": indicator.title},
        lines=(
            t.ngettext(
                "Nothing has been recorded for this indicator of %(coalition)s for %(count)d day.",
                "Nothing has been recorded for this indicator of %(coalition)s for %(count)d days.",
                days,
            )
            % {"coalition": job.coalition.name, "count": days},
            since,
        ),
        items=(ListItem(head, (bar, t.gettext("Goal: %(goal)s") % {"goal": nudge.goal_title})),),
        footer=t.gettext("Record the current value: /record %(id)d VALUE") % {"id": indicator.id},
        locale=t.locale,
    )
