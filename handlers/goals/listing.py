"""/goals [YEAR] and /goal ID [YEAR]: goals with their indicators' values and statuses."""

from __future__ import annotations

from handlers.arguments import is_number, parse_id
from handlers.context import Context
from handlers.errors import BadInput, shorten
from handlers.goals.render import goal_title, indicator_lines, source_text
from handlers.i18n import N_
from handlers.listing import labelled
from handlers.types import Button, ChatKind, ListItem, Reply
from models.entities import Role
from models.goals.status import GoalStatus
from models.services.goals import Contribution, IndicatorView

GOAL_BUTTONS = 8
"""Buttons opening /goal ID under /goals; more goals are opened by typing."""
RECORD_BUTTONS = 12
"""Record buttons under /goal; more indicators are recorded by typing /record."""
VERDICTS = {
    GoalStatus.ACHIEVED: N_("The goal is achieved."),
    GoalStatus.PARTIALLY_ACHIEVED: N_("The goal is partially achieved."),
    GoalStatus.NOT_ACHIEVED: N_("The goal is not achieved."),
    GoalStatus.IN_PROGRESS: N_("The goal is in progress."),
}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def read_year(ctx: Context, text: str) -> int | None:
    """An optional year, `2026`; BadInput for anything else."""
    text = text.strip()
    if not text:
        return None
    if is_number(text, 4) and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    raise BadInput(
        ctx._("“%(text)s” is not a year; write it with four digits, e.g. %(year)d.")
        % {"text": shorten(text), "year": ctx.now.astimezone(ctx.zone).year}
    )


async def list_goals(ctx: Context) -> Reply:
    """Each goal with its status and, under it, each indicator with a progress bar."""
    year = read_year(ctx, ctx.command.args)
    overview = await ctx.services.goals.overview(ctx.coalition.slug, year)
    title = ctx._("Goals in %(year)d") % {"year": overview.year}
    if not overview.goals:
        return ctx.reply(
            title, lines=(ctx._("No goals yet. A coordinator adds one with /addgoal."),)
        )
    items = tuple(
        ListItem(
            goal_title(ctx, goal),
            tuple(line for indicator in goal.indicators for line in indicator_lines(ctx, indicator))
            or (ctx._("No indicators yet: /addindicator adds one."),),
        )
        for goal in overview.goals
    )
    buttons = tuple(
        Button(shorten(f"#{goal.id} {goal.title}", 30), f"/goal {goal.id}")
        for goal in overview.goals[:GOAL_BUTTONS]
    )
    return ctx.reply(title, items=items, buttons=buttons)


async def show_goal(ctx: Context) -> Reply:
    """One goal in full: its indicators and what counted toward each."""
    head, _, rest = ctx.command.args.strip().partition(" ")
    goal_id = parse_id(head)
    if goal_id is None:
        raise BadInput(ctx._("Give the goal's number, as /goals shows it."))
    detail = await ctx.services.goals.goal(ctx.coalition.slug, goal_id, read_year(ctx, rest))
    goal = detail.goal
    lines = [ctx._(VERDICTS[goal.status])]
    if goal.area:
        lines.append(labelled(ctx, "Area", goal.area.name))
    if goal.description:
        lines.append(goal.description)
    counted = dict(detail.contributions)
    items = []
    for indicator in goal.indicators:
        first, bar = indicator_lines(ctx, indicator)
        details = [bar, ctx._("Counts: %(source)s") % {"source": source_text(ctx, indicator)}]
        details.extend(contribution_line(ctx, c) for c in counted.get(indicator.id, ()))
        items.append(ListItem(first, tuple(details)))
    title = f"#{goal.id} {goal.title} ({detail.overview.year})"
    buttons = (
        *record_buttons(ctx, goal.indicators),
        Button(ctx._("‹ All goals"), f"/goals {detail.overview.year}"),
    )
    return ctx.reply(title, lines=tuple(lines), items=tuple(items), buttons=buttons)


def record_buttons(ctx: Context, indicators: tuple[IndicatorView, ...]) -> tuple[Button, ...]:
    """A button asking for a value per indicator filled in by hand: for coordinators, and
    only in a private chat, where nobody else sees it."""
    if not ctx.role.at_least(Role.COORDINATOR) or ctx.command.chat_kind is not ChatKind.PRIVATE:
        return ()
    return tuple(
        Button(ctx._("✍ Record #%(id)d") % {"id": indicator.id}, f"/record {indicator.id}")
        for indicator in indicators
        if indicator.source.takes_check_ins
    )[:RECORD_BUTTONS]


def contribution_line(ctx: Context, contribution: Contribution) -> str:
    when = ctx.t.moment(contribution.at, ctx.zone) if contribution.at else ""
    if contribution.kind == "check_in":
        value = ctx.t.number(contribution.value or 0.0)
        note = f" — {contribution.title}" if contribution.title else ""
        return f"  · {when}: {value}{note}"
    if contribution.kind == "link":  # /network names partners by name and slug, not number
        return f"  · {when}: {contribution.title}"
    return f"  · {when}: {contribution.title} (#{contribution.id})"
