"""/subscribe, /unsubscribe, /status, and the wording of reminders the scheduler posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.errors import BadInput
from handlers.goals.posts import digest_goal_lines, nudge_reply, review_reply, verdict_reply
from handlers.i18n import N_, Translator
from handlers.listing import (
    Audience,
    Reader,
    activity_item,
    days_from_today,
    event_details,
)
from handlers.network.notices import link_request_reply
from handlers.rsvp.notices import NOTICE_KINDS, notice_reply
from handlers.rsvp.render import rsvp_buttons
from handlers.types import ChatKind, ListItem, Reply
from models.entities import EventKind
from models.reminders import ReminderKind
from models.send_failure import SendFailure
from models.services.calendar.imports import FeedStatus
from models.services.reminders import ReminderJob
from models.services.views import AreaView, EventView


async def subscribe(ctx: Context) -> Reply:
    """Personal reminders in this private chat, optionally for one area."""
    if ctx.command.chat_kind is ChatKind.GROUP:
        raise BadInput(ctx._("Personal reminders come in a private chat: write to me directly."))
    area = ctx.command.args.strip() or None
    area_name = await ctx.services.reminders.subscribe(
        ctx.coalition.slug, ctx.actor, ctx.command.chat_id, area, ctx.locale
    )
    if area_name:
        text = ctx._("You will get reminders of the area “%(area)s” here — %(coalition)s") % {
            "area": area_name,
            "coalition": ctx.coalition.name,
        }
    else:
        text = ctx._("You will get the coalition's reminders here — %(coalition)s") % {
            "coalition": ctx.coalition.name
        }
    return ctx.reply(text, lines=(ctx._("Stop them with /unsubscribe."),), personal=True)


async def unsubscribe(ctx: Context) -> Reply:
    """Stops every personal reminder of this chat, from any coalition."""
    stopped = await ctx.services.reminders.unsubscribe(ctx.actor, ctx.command.chat_id)
    text = (
        ctx._("You will get no more personal reminders.")
        if stopped
        else ctx._("You had no personal reminders.")
    )
    return ctx.reply(text, personal=True)


FAILURE_TEXT = {
    SendFailure.GONE: N_(
        "The chat is gone or the bot was removed; no reminders go there until it is back."
    ),
    SendFailure.NOT_ALLOWED: N_("The bot may not post there: give it the right to send messages."),
    SendFailure.SETUP: N_("The platform refuses the bot: the operator must fix its configuration."),
    SendFailure.CONTENT: N_("The platform refused the message."),
    SendFailure.UNAVAILABLE: N_("The platform could not be reached."),
}


async def show_status(ctx: Context) -> Reply:
    """Reminders of the last 7 days: pending, sent, failed, what this chat gets, and why
    sends failed (admins)."""
    counts = await ctx.services.reminders.status(ctx.coalition.slug, ctx.actor, ctx.command.chat_id)
    lines: tuple[str, ...] = (
        ctx._("Pending: %(count)d") % {"count": counts.pending},
        ctx._("Sent: %(count)d") % {"count": counts.sent},
        ctx._("Failed: %(count)d") % {"count": counts.failed},
        ctx._("Skipped (too late): %(count)d") % {"count": counts.skipped},
    )
    if counts.chat_area is not None:
        lines += (ctx._("Reminders here: only %(area)s.") % {"area": counts.chat_area},)
    elif counts.chat_bound:
        lines += (ctx._("Reminders here: every area."),)
    if counts.failed_sends:
        lines += (ctx._("Chats the last reminders did not reach:"),)
    items = tuple(
        ListItem(
            send.chat_id,
            (
                *((ctx._(FAILURE_TEXT[send.failure]),) if send.failure else ()),
                ctx._("Reason: %(reason)s") % {"reason": send.error},
            ),
        )
        for send in counts.failed_sends
    )
    items += tuple(
        feed_item(ctx, feed) for feed in await ctx.services.feeds.statuses(ctx.coalition.slug)
    )
    return ctx.reply(
        ctx._("Reminders, last 7 days — %(coalition)s") % {"coalition": ctx.coalition.name},
        lines=lines,
        items=items,
        personal=True,
    )


def feed_item(ctx: Context, feed: FeedStatus) -> ListItem:
    """A partner's calendar: how many events it gave, when it was read, its last error."""
    lines = [ctx._("Events imported: %(count)d") % {"count": feed.events}]
    if feed.checked_at:
        lines.append(
            ctx._("Last read: %(when)s") % {"when": ctx.t.moment(feed.checked_at, ctx.zone)}
        )
    if feed.last_error:
        lines.append(ctx._("Last error: %(error)s") % {"error": feed.last_error})
    return ListItem(ctx._("Partner calendar %(url)s") % {"url": feed.url}, tuple(lines))


def time_left(t: Translator, until: datetime, now: datetime, zone: ZoneInfo) -> str:
    """`čez 2 uri`, `jutri`, `in 3 days`: the real time left, rounded to the unit that fits
    (a day away is `tomorrow` when it is tomorrow's date, else counted in hours)."""
    left = until - now
    if left >= timedelta(hours=23, minutes=30):
        days = round(left / timedelta(days=1))
        if days > 1:
            return t.ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
        if (until.astimezone(zone).date() - now.astimezone(zone).date()).days == 1:
            return t.gettext("tomorrow")
    if left >= timedelta(minutes=55):
        hours = round(left / timedelta(hours=1))
        return t.ngettext("in %(count)d hour", "in %(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(left / timedelta(minutes=1)))
    return t.ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}


def reminder_reply(
    job: ReminderJob, t: Translator, now: datetime, area_id: int | None = None
) -> Reply | None:
    """The reminder as a chat (limited to the area `area_id`, if one) will read it, or None
    when there is nothing to say."""
    reader = Audience(t, job.coalition.zone, now)
    if job.kind in NOTICE_KINDS:
        return notice_reply(job, reader)
    if job.kind is ReminderKind.LINK_REQUEST:
        return link_request_reply(job, reader)
    if job.kind is ReminderKind.DIGEST:
        return digest_reply(job, reader, area_id)
    if job.kind is ReminderKind.REVIEW:
        return review_reply(job, reader, area_id)
    if job.kind is ReminderKind.VERDICT:
        return verdict_reply(job, reader, area_id)
    if job.kind is ReminderKind.NUDGE:
        return nudge_reply(job, reader)
    if job.kind is ReminderKind.CANCELLATION and job.event is not None:
        when = t.moment(job.event.starts_at, reader.zone, all_day=job.event.all_day)
        return Reply(
            title=t.gettext("Cancelled: %(title)s") % {"title": job.event.title},
            lines=(
                t.gettext("The event planned for %(when)s will not take place.") % {"when": when},
            ),
            locale=t.locale,
        )
    if job.activity is not None and job.activity.due_on is not None:
        day_count = (job.activity.due_on - now.astimezone(reader.zone).date()).days
        return Reply(
            title=t.gettext("Deadline: %(title)s") % {"title": job.activity.title},
            lines=(
                t.gettext("Due %(date)s, %(left)s.")
                % {"date": t.day(job.activity.due_on), "left": days_from_today(t, day_count)},
            ),
            items=(activity_item(reader, job.activity),),
            locale=t.locale,
        )
    if job.event is not None:
        left = time_left(t, job.event.starts_at, now, reader.zone)
        if job.kind is ReminderKind.DEADLINE or job.event.all_day:
            day_count = (
                job.event.starts_at.astimezone(reader.zone).date()
                - now.astimezone(reader.zone).date()
            ).days
            left = days_from_today(t, day_count)
        if job.kind is ReminderKind.DEADLINE:
            title = t.gettext("Deadline: %(title)s")
        else:
            title = t.gettext("Reminder: %(title)s")
        return Reply(
            title=title % {"title": job.event.title},
            lines=(
                t.gettext("Starts %(left)s.") % {"left": left}
                if job.kind is ReminderKind.EVENT
                else t.gettext("Due %(left)s.") % {"left": left},
                *event_details(reader, job.event),
            ),
            buttons=rsvp_buttons(reader, job.event.id) if job.kind is ReminderKind.EVENT else (),
            locale=t.locale,
        )
    return None


def digest_reply(job: ReminderJob, reader: Reader, area_id: int | None = None) -> Reply:
    """The week ahead in two sections, events and deadlines (deadline events and activities
    due), each a heading with its lines, and then the goals' indicators behind pace; a chat
    limited to one area sees only that area's."""
    t = reader.t

    def shown(area: AreaView | None) -> bool:
        return area_id is None or (area is not None and area.id == area_id)

    def event_line(event: EventView) -> str:
        when = t.moment(event.starts_at, reader.zone, all_day=event.all_day)
        place = f" · {event.location}" if event.location else ""
        origin = (
            " · " + t.gettext("shared by %(coalition)s") % {"coalition": event.origin}
            if event.origin
            else ""
        )
        return f"{when} — {event.title}{place}{origin}"

    events = [e for e in job.digest_events if shown(e.area)]
    deadlines = [
        (e.starts_at.astimezone(reader.zone).date(), event_line(e))
        for e in events
        if e.kind is EventKind.DEADLINE
    ] + [
        (a.due_on, f"{t.day(a.due_on)} — {a.title}")
        for a in job.digest_activities
        if a.due_on is not None and shown(a.area)
    ]
    sections = (
        (t.gettext("Events"), [event_line(e) for e in events if e.kind is not EventKind.DEADLINE]),
        (t.gettext("Deadlines"), [line for _, line in sorted(deadlines, key=lambda d: d[0])]),
    )
    items = tuple(
        ListItem(f"{heading} ({len(lines)})", tuple(lines)) for heading, lines in sections if lines
    )
    count = sum(len(lines) for _, lines in sections)
    lines = () if items else (t.gettext("No events or deadlines this week."),)
    late = digest_goal_lines(reader, job, area_id)
    if late:
        heading = t.gettext("Indicators behind pace")
        items += (ListItem(f"{heading} ({len(late)})", tuple(late)),)
    return Reply(
        title=t.gettext("This week — %(coalition)s") % {"coalition": job.coalition.name},
        lines=lines,
        items=items,
        footer=t.ngettext("%(count)d item", "%(count)d items", count) % {"count": count}
        if items
        else "",
        locale=t.locale,
    )
