"""/activities, /addactivity, /activity, /deadlines."""

from __future__ import annotations

from handlers.arguments import fold, padded, parse_id, split_pipes
from handlers.context import Context
from handlers.errors import BadInput, read_changes, read_indicator, read_when, too_many_parts
from handlers.listing import (
    ACTIVITY_STATUSES,
    PAGE_SIZE,
    activity_item,
    arguments_and_page,
    deadline_item,
    paged,
)
from handlers.types import Reply
from models.entities import ActivityStatus

STATUS_WORDS = {
    "planned": ActivityStatus.PLANNED,
    "nacrtovana": ActivityStatus.PLANNED,
    "nacrtovano": ActivityStatus.PLANNED,
    "nacrtovane": ActivityStatus.PLANNED,
    "active": ActivityStatus.ACTIVE,
    "aktivna": ActivityStatus.ACTIVE,
    "aktivno": ActivityStatus.ACTIVE,
    "aktivne": ActivityStatus.ACTIVE,
    "done": ActivityStatus.DONE,
    "zakljucena": ActivityStatus.DONE,
    "zakljuceno": ActivityStatus.DONE,
    "zakljucene": ActivityStatus.DONE,
    "opravljena": ActivityStatus.DONE,
    "cancelled": ActivityStatus.CANCELLED,
    "canceled": ActivityStatus.CANCELLED,
    "preklicana": ActivityStatus.CANCELLED,
    "preklicano": ActivityStatus.CANCELLED,
    "preklicane": ActivityStatus.CANCELLED,
}


def status_choices(ctx: Context) -> str:
    return ", ".join(ctx._(label) for label in ACTIVITY_STATUSES.values())


def status_of(ctx: Context, word: str) -> ActivityStatus | None:
    """A status from its English or Slovenian name, or the reader's translation of it."""
    folded = fold(word)
    if folded in STATUS_WORDS:
        return STATUS_WORDS[folded]
    for status, label in ACTIVITY_STATUSES.items():
        if folded == fold(ctx._(label)):
            return status
    return None


async def list_activities(ctx: Context) -> Reply:
    """The yearly plan, optionally of one area and one status."""
    args, page = arguments_and_page(ctx)
    words = args.split()
    statuses = [status_of(ctx, w) for w in words]
    status = next((s for s in statuses if s is not None), None)
    area = " ".join(w for w, s in zip(words, statuses, strict=True) if s is None) or None
    result = await ctx.services.activities.plan(
        ctx.coalition.slug,
        area=area,
        status=status,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    title = ctx.t.ngettext("%(count)d activity", "%(count)d activities", result.total) % {
        "count": result.total
    }
    return paged(
        ctx,
        result,
        title,
        [activity_item(ctx, activity) for activity in result.items],
        f"/activities {args}".strip(),
        ctx._("No activities found."),
    )


async def add_activity(ctx: Context) -> Reply:
    """Adds an activity from `TITLE | DUE [| AREA] [| ORGANISATION]`."""
    parts = split_pipes(ctx.command.args)
    if len(parts) > 4:
        raise BadInput(too_many_parts(ctx, 4))
    if not parts or not parts[0]:
        raise BadInput(ctx._("Write the title and the due date, separated by |."))
    title, due_text, area, organisation = padded(parts, 4)
    due = read_when(ctx, due_text).local.date() if due_text else None
    activity = await ctx.services.activities.create(
        ctx.coalition.slug,
        ctx.actor,
        title=title,
        due_on=due,
        area=area or None,
        organisation=organisation or None,
    )
    return ctx.reply(
        ctx._("Activity #%(id)d added.") % {"id": activity.id},
        items=(activity_item(ctx, activity),),
    )


async def set_activity_status(ctx: Context) -> Reply:
    """Sets an activity's status: `ID planned|active|done|cancelled`."""
    words = ctx.command.args.split()
    activity_id = parse_id(words[0]) if words else None
    status = status_of(ctx, " ".join(words[1:])) if len(words) > 1 else None
    if activity_id is None or status is None:
        raise BadInput(
            ctx._("Give the activity's number and its new status (%(statuses)s).")
            % {"statuses": status_choices(ctx)}
        )
    activity = await ctx.services.activities.set_status(
        ctx.coalition.slug, ctx.actor, activity_id, status
    )
    return ctx.reply(
        ctx._("Activity #%(id)d is now %(status)s.")
        % {"id": activity.id, "status": ctx._(ACTIVITY_STATUSES[activity.status])},
        items=(activity_item(ctx, activity),),
    )


EDIT_FIELDS = {
    "title": "title",
    "naslov": "title",
    "due": "due",
    "rok": "due",
    "area": "area",
    "podrocje": "area",
    "organisation": "organisation",
    "organization": "organisation",
    "organizacija": "organisation",
    "notes": "notes",
    "opombe": "notes",
    "indicator": "indicator",
    "kazalnik": "indicator",
}


async def edit_activity(ctx: Context) -> Reply:
    """Changes an activity: `ID title=… due=… area=… organisation=… notes=… indicator=…`."""
    activity_id, changes = read_changes(
        ctx,
        EDIT_FIELDS,
        missing=ctx._("Give the activity's number and at least one change."),
        fields=ctx._("title, due, area, organisation, notes, indicator"),
    )
    due_text = changes.get("due")
    due = read_when(ctx, due_text).local.date() if due_text else None
    indicator = read_indicator(ctx, changes["indicator"]) if "indicator" in changes else None
    activity = await ctx.services.activities.edit(
        ctx.coalition.slug,
        ctx.actor,
        activity_id,
        title=changes.get("title"),
        due_on=due,
        clear_due=due_text == "",
        area=changes.get("area"),
        organisation=changes.get("organisation"),
        notes=changes.get("notes"),
        indicator=indicator,
    )
    return ctx.reply(
        ctx._("Activity #%(id)d changed.") % {"id": activity.id},
        items=(activity_item(ctx, activity),),
    )


async def list_deadlines(ctx: Context) -> Reply:
    """Upcoming deadlines: activity due dates and deadline events."""
    _, page = arguments_and_page(ctx)
    result = await ctx.services.activities.deadlines(
        ctx.coalition.slug, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    title = ctx.t.ngettext(
        "%(count)d upcoming deadline", "%(count)d upcoming deadlines", result.total
    ) % {"count": result.total}
    return paged(
        ctx,
        result,
        title,
        [deadline_item(ctx, deadline) for deadline in result.items],
        "/deadlines",
        ctx._("No upcoming deadlines."),
    )
