"""/report [YEAR]: a chart of every indicator against its target, with a short summary."""

from __future__ import annotations

import asyncio

from handlers.context import Context
from handlers.goals import chart
from handlers.goals.listing import read_year
from handlers.goals.render import GOAL_STATUSES, INDICATOR_STATUSES, amount
from handlers.types import Attachment, Reply
from models.goals.entities import Direction
from models.goals.status import IndicatorStatus
from models.services.goals import GoalsOverview, IndicatorView


def share(indicator: IndicatorView) -> float:
    value = indicator.value or 0.0
    if indicator.target <= 0:
        return 1.0 if indicator.direction is Direction.AT_LEAST or value <= 0 else 2.0
    return max(0.0, value / indicator.target)


def summary(ctx: Context, overview: GoalsOverview) -> tuple[str, ...]:
    """One line per goal: its status and how many of its indicators are achieved."""
    lines = []
    for goal in overview.goals:
        count = len(goal.indicators)
        done = sum(i.status is IndicatorStatus.ACHIEVED for i in goal.indicators)
        achieved = ctx.t.ngettext(
            "%(done)d of %(count)d indicator achieved",
            "%(done)d of %(count)d indicators achieved",
            count,
        ) % {"done": done, "count": count}
        lines.append(f"{goal.title} — {ctx._(GOAL_STATUSES[goal.status])}: {achieved}")
    return tuple(lines)


def chart_of(ctx: Context, overview: GoalsOverview) -> chart.Chart:
    indicators = [i for goal in overview.goals for i in goal.indicators]
    statuses = [s for s in IndicatorStatus if any(i.status is s for i in indicators)]
    return chart.Chart(
        title=f"{ctx.coalition.name} — {overview.year}",
        bars=tuple(chart.Bar(i.title, share(i), amount(ctx, i), i.status) for i in indicators),
        axis=ctx._("share of the target"),
        legend=tuple((s, ctx._(INDICATOR_STATUSES[s])) for s in statuses),
    )


async def report(ctx: Context) -> Reply:
    """A chart (PNG) of the indicators against their targets, captioned with a summary; the
    summary alone, and how to get charts, where matplotlib is not installed."""
    overview = await ctx.services.goals.overview(
        ctx.coalition.slug, read_year(ctx, ctx.command.args)
    )
    title = ctx._("Goals in %(year)d") % {"year": overview.year}
    if not overview.goals:
        return ctx.reply(
            title, lines=(ctx._("No goals yet. A coordinator adds one with /addgoal."),)
        )
    lines = summary(ctx, overview)
    if not chart.available():
        hint = ctx._("For a chart, install matplotlib: pip install 'coalition-bot[charts]'.")
        return ctx.reply(title, lines=lines, footer=hint)
    png = await asyncio.to_thread(chart.draw, chart_of(ctx, overview))
    name = f"{ctx.coalition.slug}-{overview.year}.png"
    alt = f"{title}. " + " ".join(lines)
    return ctx.reply(title, lines=lines, attachment=Attachment(name, png, alt_text=alt))
