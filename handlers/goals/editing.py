"""/addgoal, /addindicator, /editindicator, /record: coordinators set goals and report on them."""

from __future__ import annotations

from handlers.arguments import padded, parse_id, split_pipes
from handlers.context import Context
from handlers.errors import BadInput, read_changes, shorten, too_many_parts
from handlers.goals.parsing import (
    LinkKindMissing,
    PeriodChoice,
    SourceChoice,
    Target,
    Unreadable,
    names_direction,
    read_aggregate,
    read_number,
    read_period,
    read_source,
    read_target,
)
from handlers.goals.render import goal_title, indicator_lines
from handlers.types import Question, QuestionField, Reply
from models.errors import Invalid
from models.goals.entities import Source
from models.services.goals import IndicatorChanges

VALUE, NOTE = "value", "note"
"""The parts of /record a form asks for; an error about one names it (Reply.field)."""
EDIT_FIELDS = {
    "title": "title",
    "naslov": "title",
    "target": "target",
    "ciljna": "target",
    "vrednost": "target",
    "unit": "unit",
    "enota": "unit",
    "period": "period",
    "obdobje": "period",
    "source": "source",
    "vir": "source",
    "goal": "goal",
    "cilj": "goal",
    "aggregate": "aggregate",
    "izracun": "aggregate",
}


def target_of(ctx: Context, text: str) -> Target:
    try:
        return read_target(text)
    except Unreadable:
        raise BadInput(
            ctx._("“%(text)s” is not a target: write a number and a unit, e.g. %(example)s.")
            % {"text": shorten(text), "example": ctx._("3 applications")}
        ) from None


def period_of(ctx: Context, text: str) -> PeriodChoice:
    try:
        return read_period(text)
    except Unreadable:
        raise BadInput(
            ctx._("I cannot read the period “%(text)s”; write %(yearly)s or %(until)s.")
            % {
                "text": shorten(text),
                "yearly": ctx._("yearly"),
                "until": ctx._("until 31. 12. 2027"),
            }
        ) from None


def source_of(ctx: Context, text: str) -> SourceChoice:
    try:
        return read_source(text)
    except LinkKindMissing:
        raise BadInput(
            ctx._("Links of which kind? Write %(horizontal)s or %(vertical)s.")
            % {"horizontal": ctx._("links horizontal"), "vertical": ctx._("links vertical")}
        ) from None
    except Unreadable:
        raise BadInput(
            ctx._("Unknown source “%(text)s”; choose %(choices)s.")
            % {
                "text": shorten(text),
                "choices": ctx._(
                    "manual, manual sum, events, activities, links horizontal, links vertical"
                ),
            }
        ) from None


async def add_goal(ctx: Context) -> Reply:
    """Adds a goal from `TITLE [| AREA] [| DESCRIPTION]`."""
    parts = split_pipes(ctx.command.args)
    if len(parts) > 3:
        raise BadInput(too_many_parts(ctx, 3))
    if not parts or not parts[0]:
        raise BadInput(ctx._("Write the goal's title."))
    title, area, description = padded(parts, 3)
    goal = await ctx.services.goals.add_goal(
        ctx.coalition.slug,
        ctx.actor,
        title=title,
        area=area or None,
        description=description or None,
    )
    return ctx.reply(
        ctx._("Goal #%(id)d added.") % {"id": goal.id},
        lines=(goal_title(ctx, goal), ctx._("Add its indicators with /addindicator.")),
    )


async def add_indicator(ctx: Context) -> Reply:
    """Adds an indicator from `GOAL | TITLE | TARGET [UNIT] | PERIOD [| SOURCE]`."""
    parts = split_pipes(ctx.command.args)
    if len(parts) > 5:
        raise BadInput(too_many_parts(ctx, 5))
    if len(parts) < 4:
        raise BadInput(
            ctx._("Write the goal's number, the title, the target and the period, separated by |.")
        )
    goal_text, title, target_text, period_text, source_text = padded(parts, 5)
    goal_id = parse_id(goal_text)
    if goal_id is None:
        raise BadInput(ctx._("Give the goal's number, as /goals shows it."))
    target = target_of(ctx, target_text)
    period = period_of(ctx, period_text)
    source = source_of(ctx, source_text) if source_text else SourceChoice(Source.MANUAL)
    indicator = await ctx.services.goals.add_indicator(
        ctx.coalition.slug,
        ctx.actor,
        goal_id,
        title=title,
        target=target.value,
        unit=target.unit,
        direction=target.direction,
        period=period.kind,
        until_on=period.until_on,
        source=source.source,
        aggregate=source.aggregate,
        link_kind=source.link_kind,
    )
    return ctx.reply(
        ctx._("Indicator #%(id)d added.") % {"id": indicator.id},
        lines=indicator_lines(ctx, indicator),
    )


async def edit_indicator(ctx: Context) -> Reply:
    """Changes an indicator: `ID title=… target=… unit=… period=… source=… goal=…`."""
    indicator_id, values = read_changes(
        ctx,
        EDIT_FIELDS,
        missing=ctx._("Give the indicator's number and at least one change."),
        fields=ctx._("title, target, unit, period, source, goal"),
    )
    target = target_of(ctx, values["target"]) if "target" in values else None
    period = period_of(ctx, values["period"]) if "period" in values else None
    source = source_of(ctx, values["source"]) if "source" in values else None
    aggregate = source.aggregate if source and source.source.takes_check_ins else None
    if "aggregate" in values:
        try:
            aggregate = read_aggregate(values["aggregate"])
        except Unreadable:
            raise BadInput(ctx._("Write sum or latest.")) from None
    goal_id = parse_id(values["goal"]) if "goal" in values else None
    if "goal" in values and goal_id is None:
        raise BadInput(ctx._("Give the goal's number, as /goals shows it."))
    unit = values.get("unit")
    indicator = await ctx.services.goals.edit_indicator(
        ctx.coalition.slug,
        ctx.actor,
        indicator_id,
        IndicatorChanges(
            title=values.get("title"),
            target=target.value if target else None,
            unit=target.unit if target and target.unit and unit is None else unit,
            direction=target.direction if target and names_direction(values["target"]) else None,
            period=period.kind if period else None,
            until_on=period.until_on if period else None,
            source=source.source if source else None,
            aggregate=aggregate,
            goal_id=goal_id,
            link_kind=source.link_kind if source else None,
        ),
    )
    return ctx.reply(
        ctx._("Indicator #%(id)d changed.") % {"id": indicator.id},
        lines=indicator_lines(ctx, indicator),
    )


async def record(ctx: Context) -> Reply:
    """A check-in on a manual indicator: `INDICATOR VALUE [| NOTE]`, echoed with its status;
    `INDICATOR` alone asks for the value (what the record button sends)."""
    main, _, note = ctx.command.args.partition("|")
    words = main.split()
    indicator_id = parse_id(words[0]) if words else None
    if indicator_id is not None and len(words) == 1 and not note.strip():
        return await ask_value(ctx, indicator_id)
    if indicator_id is None or len(words) != 2:
        raise BadInput(ctx._("Give the indicator's number and the value, e.g. /record 4 2."))
    try:
        value = read_number(words[1])
    except Unreadable:
        raise BadInput(
            ctx._("“%(text)s” is not a number; write it like 3 or 2,5.")
            % {"text": shorten(words[1])},
            field=VALUE,
        ) from None
    indicator = await ctx.services.goals.record(
        ctx.coalition.slug, ctx.actor, indicator_id, value, note.strip() or None
    )
    return ctx.reply(
        ctx._("Recorded for indicator #%(id)d.") % {"id": indicator.id},
        lines=indicator_lines(ctx, indicator),
    )


async def ask_value(ctx: Context, indicator_id: int) -> Reply:
    """The question for a value of a manual indicator: its state now, and what to answer."""
    indicator = await ctx.services.goals.indicator(ctx.coalition.slug, indicator_id)
    if not indicator.source.takes_check_ins:
        raise Invalid("indicator", "not_manual", value=indicator.source.value)
    command = f"/{ctx.command.name} {indicator.id}"
    example = ctx._("2 | agreement signed")
    question = Question(
        command,
        (
            QuestionField(VALUE, ctx._("Value"), ctx.t.number(2.5)),
            QuestionField(NOTE, ctx._("Note"), ctx._("agreement signed"), optional=True),
        ),
        submit=ctx._("Record"),
    )
    how = ctx._("Answer with the value and, if you like, a note after |, e.g. %(example)s.")
    typed_name = "/vpisi" if ctx.locale == "sl" else "/record"  # as the reader types it
    typed = ctx._("Or send %(command)s VALUE | NOTE.") % {"command": f"{typed_name} {indicator.id}"}
    return ctx.reply(
        ctx._("A value for indicator #%(id)d") % {"id": indicator.id},
        lines=indicator_lines(ctx, indicator),
        footer=f"{how % {'example': example}} {typed}",
        personal=True,
        question=question,
    )
