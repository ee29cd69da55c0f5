"""/events, /event, /addevent, /editevent, /cancelevent."""

from __future__ import annotations

from datetime import timedelta

from handlers import event_extras
from handlers.arguments import fold, padded, parse_id, split_pipes
from handlers.context import Context
from handlers.errors import (
    BadInput,
    read_changes,
    read_indicator,
    read_when,
    shorten,
    too_many_parts,
)
from handlers.event_extras import apply_extras, take_extras
from handlers.listing import PAGE_SIZE, arguments_and_page, event_details, event_item, paged
from handlers.network.sharing import refuse_foreign
from handlers.rsvp.render import counts_line, rsvp_buttons
from handlers.types import Reply
from models.entities import EventStatus
from models.errors import NotFound

PERIODS = {"week": 7, "teden": 7, "month": 31, "mesec": 31}
# words people may try as a period, told apart from an area's name
OTHER_PERIODS = frozenset(
    {"day", "today", "year", "dan", "danes", "jutri", "tomorrow", "leto", "letos", "mesece"}
)
QUIET = frozenset({"quiet", "tiho"})
"""The last part of /addevent that keeps the new event from being announced."""
EDIT_FIELDS = {
    "title": "title",
    "naslov": "title",
    "when": "when",
    "kdaj": "when",
    "where": "where",
    "kje": "where",
    "area": "area",
    "podrocje": "area",
    "description": "description",
    "opis": "description",
    "indicator": "indicator",
    "kazalnik": "indicator",
    "public": "public",
    "javno": "public",
    **event_extras.FIELDS,
}
YES = frozenset({"yes", "da", "true", "1"})
NO = frozenset({"no", "ne", "false", "0"})


def unknown_period(ctx: Context, word: str) -> BadInput:
    return BadInput(
        ctx._("I do not know the period “%(word)s”; write week or month.") % {"word": shorten(word)}
    )


async def list_events(ctx: Context) -> Reply:
    """Upcoming events, optionally of one area and within a week or a month."""
    args, page = arguments_and_page(ctx)
    words = args.split()
    days = next((PERIODS[fold(w)] for w in words if fold(w) in PERIODS), None)
    unknown = next((w for w in words if fold(w) in OTHER_PERIODS), None)
    if unknown is not None:
        raise unknown_period(ctx, unknown)
    area = " ".join(w for w in words if fold(w) not in PERIODS) or None
    until = ctx.now + timedelta(days=days) if days else None
    try:
        result = await ctx.services.events.upcoming(
            ctx.coalition.slug,
            area=area,
            until=until,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    except NotFound as error:
        rest = await words_after_an_area(ctx, [w for w in words if fold(w) not in PERIODS])
        if error.what != "area" or not rest:
            raise
        raise unknown_period(ctx, " ".join(rest)) from None
    title = ctx.t.ngettext(
        "%(count)d upcoming event", "%(count)d upcoming events", result.total
    ) % {"count": result.total}
    return paged(
        ctx,
        result,
        title,
        [event_item(ctx, event) for event in result.items],
        f"/events {args}".strip(),
        ctx._("No upcoming events."),
    )


async def words_after_an_area(ctx: Context, words: list[str]) -> list[str]:
    """The words left after the leading words that name an area (none: no area leads)."""
    names = {
        fold(name)
        for area in await ctx.services.directory.areas(ctx.coalition.slug)
        for name in (area.slug, area.name)
    }
    for cut in range(len(words) - 1, 0, -1):
        if fold(" ".join(words[:cut])) in names:
            return words[cut:]
    return []


async def show_event(ctx: Context) -> Reply:
    """One event in full."""
    event_id = parse_id(ctx.command.args)
    if event_id is None:
        raise BadInput(ctx._("Give the event's number, as /events shows it."))
    event = await ctx.services.events.get(ctx.coalition.slug, event_id)
    title = f"#{event.id} {event.title}"
    if event.status == "cancelled":
        cancelled = ctx._("event cancelled")
        title += f" ({cancelled})"
        return ctx.reply(title, lines=event_details(ctx, event))
    counts = await ctx.services.rsvp.counts(ctx.coalition.slug, event.id)
    return ctx.reply(
        title,
        lines=(*event_details(ctx, event), counts_line(ctx, counts)),
        buttons=rsvp_buttons(ctx, event.id) if event.status is EventStatus.SCHEDULED else (),
    )


async def add_event(ctx: Context) -> Reply:
    """Creates an event from `TITLE | WHEN [| WHERE] [| AREA] [| quiet]`: announced in the
    coalition's chats unless the last part is `quiet` (`tiho`)."""
    parts = split_pipes(ctx.command.args)
    quiet = len(parts) > 2 and fold(parts[-1]) in QUIET
    if quiet:
        parts.pop()
    if len(parts) > 4:
        raise BadInput(too_many_parts(ctx, 4))
    if len(parts) < 2:
        raise BadInput(ctx._("Write the title and the date, separated by |."))
    title, when_text, where, area = padded(parts, 4)
    when = read_when(ctx, when_text)
    event = await ctx.services.events.create(
        ctx.coalition.slug,
        ctx.actor,
        title=title,
        starts_at=when.utc,
        ends_at=when.end_utc,
        all_day=not when.has_time,
        location=where or None,
        area=area or None,
        announce=not quiet,
    )
    return ctx.reply(
        ctx._("Event #%(id)d added.") % {"id": event.id},
        lines=(event.title, *event_details(ctx, event)),
    )


async def edit_event(ctx: Context) -> Reply:
    """Changes fields of an event: `ID title=… when=… where=… area=… description=…`."""
    event_id, changes = read_changes(
        ctx,
        EDIT_FIELDS,
        missing=ctx._("Give the event's number and at least one change."),
        fields=ctx._("title, when, where, area, description, indicator, public, capacity, shared"),
    )
    extras = take_extras(ctx, changes)
    public = read_public(ctx, changes["public"]) if "public" in changes else None
    when = read_when(ctx, changes["when"]) if "when" in changes else None
    indicator = read_indicator(ctx, changes["indicator"]) if "indicator" in changes else None
    if not changes:  # only fields kept apart from the event's row
        event = await ctx.services.events.get(ctx.coalition.slug, event_id)
        if event.origin is not None:
            await refuse_foreign(ctx, event_id)
        lines = await apply_extras(ctx, event_id, extras)
        return ctx.reply(
            ctx._("Event #%(id)d changed.") % {"id": event.id}, lines=(event.title, *lines)
        )
    try:
        event = await ctx.services.events.edit(
            ctx.coalition.slug,
            ctx.actor,
            event_id,
            title=changes.get("title"),
            starts_at=when.utc if when else None,
            ends_at=when.end_utc if when else None,
            all_day=not when.has_time if when else None,
            location=changes.get("where"),
            area=changes.get("area"),
            description=changes.get("description"),
            indicator=indicator,
            public=public,
        )
    except NotFound:
        await refuse_foreign(ctx, event_id)
        raise
    more = await apply_extras(ctx, event_id, extras)
    return ctx.reply(
        ctx._("Event #%(id)d changed.") % {"id": event.id},
        lines=(event.title, *event_details(ctx, event), *more),
    )


def read_public(ctx: Context, value: str) -> bool:
    """`public=yes|no` (`javno=da|ne`)."""
    word = fold(value)
    if word in YES or word in NO:
        return word in YES
    raise BadInput(
        ctx._("Write public=yes to show the event on the web page, public=no to hide it.")
    )


async def cancel_event(ctx: Context) -> Reply:
    """Cancels an event."""
    event_id = parse_id(ctx.command.args)
    if event_id is None:
        raise BadInput(ctx._("Give the event's number, as /events shows it."))
    try:
        event = await ctx.services.events.cancel(ctx.coalition.slug, ctx.actor, event_id)
    except NotFound:
        await refuse_foreign(ctx, event_id)
        raise
    return ctx.reply(
        ctx._("Event #%(id)d cancelled: %(title)s") % {"id": event.id, "title": event.title}
    )
