"""Shared shapes of answers: list items for events, activities, contacts; page buttons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from handlers.arguments import take_page
from handlers.context import Context
from handlers.errors import BadInput
from handlers.i18n import N_, Translator
from handlers.types import Button, ListItem, Reply
from models.entities import ActivityStatus, EventKind, EventVisibility, Sector
from models.services.views import ActivityView, ContactView, Deadline, EventView, Page

T = TypeVar("T")


class Reader(Protocol):
    """Whoever a text is written for: their language, the coalition's zone, the moment."""

    @property
    def t(self) -> Translator: ...

    @property
    def now(self) -> datetime: ...

    @property
    def zone(self) -> ZoneInfo: ...

    def _(self, message: str) -> str: ...


@dataclass(frozen=True)
class Audience:
    """A Reader outside a command: a chat that gets a reminder."""

    t: Translator
    zone: ZoneInfo
    now: datetime

    def _(self, message: str) -> str:
        return self.t.gettext(message)


PAGE_SIZE = 10

EVENT_KINDS = {
    EventKind.MEETING: N_("meeting"),
    EventKind.WORKSHOP: N_("workshop"),
    EventKind.CONFERENCE: N_("conference"),
    EventKind.DEADLINE: N_("deadline"),
}
ACTIVITY_STATUSES = {
    ActivityStatus.PLANNED: N_("planned"),
    ActivityStatus.ACTIVE: N_("active"),
    ActivityStatus.DONE: N_("done"),
    ActivityStatus.CANCELLED: N_("cancelled"),
}
SECTORS = {
    Sector.BUSINESS: N_("business"),
    Sector.EDUCATION: N_("education"),
    Sector.CIVIL_SOCIETY: N_("civil society"),
    Sector.RESEARCH: N_("research"),
    Sector.PUBLIC: N_("public sector"),
}


LABELS = {
    "When": N_("When"),
    "Until": N_("Until"),
    "Where": N_("Where"),
    "Type": N_("Type"),
    "Area": N_("Area"),
    "Organiser": N_("Organiser"),
    "Indicator": N_("Indicator"),
    "Imported from": N_("Imported from"),
}


def labelled(ctx: Reader, label: str, value: str) -> str:
    """`Kje: Velenje` — a translated label and a value."""
    return f"{ctx._(LABELS[label])}: {value}"


def event_item(ctx: Reader, event: EventView) -> ListItem:
    when = ctx.t.moment(event.starts_at, ctx.zone, all_day=event.all_day)
    details = [labelled(ctx, "Where", event.location)] if event.location else []
    meta = [f"#{event.id}", ctx._(EVENT_KINDS[event.kind])]
    if event.area and not event.origin:
        meta.append(event.area.name)
    if event.origin:
        meta.append(ctx._("shared by %(coalition)s") % {"coalition": event.origin})
    details.append(" · ".join(meta))
    return ListItem(f"{when} — {event.title}", tuple(details))


def event_details(ctx: Reader, event: EventView) -> tuple[str, ...]:
    when = ctx.t.moment(event.starts_at, ctx.zone, all_day=event.all_day)
    lines = [labelled(ctx, "When", when)]
    if event.ends_at:
        same_day = (
            event.ends_at.astimezone(ctx.zone).date() == event.starts_at.astimezone(ctx.zone).date()
        )
        until = (
            ctx.t.clock(event.ends_at.astimezone(ctx.zone))
            if same_day and not event.all_day
            else ctx.t.moment(event.ends_at, ctx.zone)
        )
        lines.append(labelled(ctx, "Until", until))
    if event.location:
        lines.append(labelled(ctx, "Where", event.location))
    lines.append(labelled(ctx, "Type", ctx._(EVENT_KINDS[event.kind])))
    if event.area:
        lines.append(labelled(ctx, "Area", f"{event.area.name} ({event.area.slug})"))
    if event.organiser:
        lines.append(labelled(ctx, "Organiser", event.organiser))
    if event.indicator_id:
        lines.append(labelled(ctx, "Indicator", f"#{event.indicator_id}"))
    if event.visibility is EventVisibility.PUBLIC:
        lines.append(ctx._("Public: on the coalition's web page and public calendar."))
    if event.source:
        lines.append(labelled(ctx, "Imported from", event.source))
    if event.description:
        lines.append(event.description)
    return tuple(lines)


def activity_item(ctx: Reader, activity: ActivityView) -> ListItem:
    due = ctx.t.day(activity.due_on) if activity.due_on else ctx._("no due date")
    meta = [f"#{activity.id}", ctx._(ACTIVITY_STATUSES[activity.status])]
    if activity.area:
        meta.append(activity.area.name)
    if activity.organisation:
        meta.append(activity.organisation)
    if activity.indicator_id:
        meta.append(labelled(ctx, "Indicator", f"#{activity.indicator_id}"))
    return ListItem(f"{due} — {activity.title}", (" · ".join(meta),))


def deadline_item(ctx: Reader, deadline: Deadline) -> ListItem:
    left = days_from_today(ctx.t, (deadline.due - ctx.now.astimezone(ctx.zone).date()).days)
    source = ctx._("activity") if deadline.source == "activity" else ctx._("event")
    meta = [f"{source} #{deadline.source_id}", left]
    if deadline.area:
        meta.append(deadline.area.name)
    return ListItem(f"{ctx.t.day(deadline.due)} — {deadline.title}", (" · ".join(meta),))


def days_from_today(t: Translator, days: int) -> str:
    """`today`, `tomorrow`, `in 3 days` (`danes`, `jutri`, `čez 3 dni`)."""
    if days <= 0:
        return t.gettext("today")
    if days == 1:
        return t.gettext("tomorrow")
    return t.ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}


def contact_item(ctx: Reader, contact: ContactView) -> ListItem:
    organisation = contact.organisation
    if contact.sector:
        sector = ctx._(SECTORS[contact.sector])
        organisation += f" ({sector})"
    reach = [value for value in (contact.email, contact.phone) if value]
    if contact.name is None:
        return ListItem(organisation, tuple(filter(None, [contact.website])))
    title = f"{contact.name}, {contact.role}" if contact.role else contact.name
    return ListItem(title, (organisation, *reach))


def arguments_and_page(ctx: Context) -> tuple[str, int]:
    """The arguments without `page=N`, and N (1 when absent)."""
    args, page = take_page(ctx.command.args)
    if page is None:
        raise BadInput(ctx._("The page must be a positive number."))
    return args, page


def paged(
    ctx: Context,
    page: Page[T],
    title: str,
    items: Sequence[ListItem],
    next_command: str,
    empty: str,
) -> Reply:
    """A list reply titled `Coalition: <count>`, with the page number and buttons to move
    between pages; an empty list says `empty` under the coalition's name (no `0 events`)."""
    if not page.total:
        return ctx.reply(ctx.coalition.name, lines=(empty,))
    title = f"{ctx.coalition.name}: {title}"
    pages = (page.total + page.limit - 1) // page.limit
    if not items:
        raise BadInput(
            ctx.t.ngettext(
                "There is only %(count)d page.", "There are only %(count)d pages.", pages
            )
            % {"count": pages}
        )
    footer = ""
    buttons: list[Button] = []
    if pages > 1:
        footer = ctx._("Page %(page)d of %(pages)d") % {"page": page.number, "pages": pages}
        if page.number > 1:
            buttons.append(Button(ctx._("‹ Previous"), f"{next_command} page={page.number - 1}"))
        if page.has_next:
            buttons.append(Button(ctx._("Next page ›"), f"{next_command} page={page.number + 1}"))
    return ctx.reply(title, items=tuple(items), footer=footer, buttons=tuple(buttons))
