"""What an announcement says: a new event with its buttons, a change ("moved from … to …"),
and the private note to someone moved up from the waiting list."""

from __future__ import annotations

from datetime import datetime

from handlers.i18n import Translator
from handlers.listing import Audience, event_details
from handlers.rsvp.render import counts_line, rsvp_buttons
from handlers.types import Reply
from models.reminders import ReminderKind
from models.services.reminders import ReminderJob
from models.services.rsvp.posted import Announced

NOTICE_KINDS = (ReminderKind.ANNOUNCEMENT, ReminderKind.CHANGE, ReminderKind.PROMOTION)


def notice_reply(job: ReminderJob, reader: Audience) -> Reply | None:
    """The announcement as a chat reads it, or None when there is nothing to say."""
    t, event = reader.t, job.event
    if event is None:
        return None
    details = event_details(reader, event)
    values = {"title": event.title}
    if job.kind is ReminderKind.ANNOUNCEMENT:
        return Reply(
            title=t.gettext("New event: %(title)s") % values,
            lines=details,
            # its counts are edited in by the announcement's own updates, not by a press
            buttons=rsvp_buttons(reader, event.id, keeps_message=True),
            locale=t.locale,
        )
    if job.kind is ReminderKind.PROMOTION:
        return Reply(
            title=t.gettext("A place is yours: %(title)s") % values,
            lines=(
                t.gettext("A place freed up: you moved up from the waiting list and are going."),
                *details,
            ),
            locale=t.locale,
        )
    change = job.change
    if change is None:
        return None
    lines: list[str] = []
    if (change.previous_start, change.previous_all_day) != (change.start, change.all_day):
        lines.append(
            t.gettext("Moved from %(old)s to %(new)s.")
            % {
                "old": t.moment(
                    change.previous_start, reader.zone, all_day=change.previous_all_day
                ),
                "new": t.moment(change.start, reader.zone, all_day=change.all_day),
            }
        )
    if change.previous_location != change.location:
        lines.append(
            t.gettext("The place changed from %(old)s to %(new)s.")
            % {"old": change.previous_location or "—", "new": change.location or "—"}
        )
    return Reply(
        title=t.gettext("Changed: %(title)s") % values,
        lines=(*lines, *details),
        buttons=rsvp_buttons(reader, event.id),
        locale=t.locale,
    )


def announcement_with_counts(announced: Announced, t: Translator, now: datetime) -> Reply:
    """An announcement as it reads once answers came in: the event, its counts, the buttons
    (what every chat where it was posted is edited to show)."""
    reader = Audience(t, announced.coalition.zone, now)
    event = announced.event
    return Reply(
        title=t.gettext("New event: %(title)s") % {"title": event.title},
        lines=(*event_details(reader, event), counts_line(reader, announced.counts)),
        buttons=rsvp_buttons(reader, event.id, keeps_message=True),
        locale=t.locale,
    )
