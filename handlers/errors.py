"""Turning refusals into one short sentence in the reader's language."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta

from babel.dates import get_day_names

from handlers.arguments import parse_fields, parse_id
from handlers.context import Context
from handlers.when import ParsedWhen, WhenError, parse_when
from models.entities import Role
from models.errors import DomainError, Invalid, NotFound, PermissionDenied

AMBIGUOUS_SHOWN = 5
"""The matches an ambiguous name shows at most."""


class BadInput(Exception):
    """The arguments cannot be used; the message is already in the reader's language.
    `field` names the part it is about (`value`), for a form to show it there."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def field_name(ctx: Context, field: str) -> str:
    names = {
        "title": ctx._("title"),
        "name": ctx._("name"),
        "location": ctx._("place"),
        "description": ctx._("description"),
        "organisation": ctx._("organisation"),
        "role": ctx._("role"),
        "email": ctx._("e-mail"),
        "phone": ctx._("phone"),
        "notes": ctx._("notes"),
        "target": ctx._("target"),
        "value": ctx._("value"),
        "unit": ctx._("unit"),
        "note": ctx._("note"),
        "period": ctx._("period"),
    }
    return names.get(field, field)


def explain(ctx: Context, error: DomainError) -> str:
    """One sentence saying what was refused and why."""
    if isinstance(error, PermissionDenied):
        if error.required is Role.ADMIN:
            return ctx._("Only a coalition admin may do this.")
        return ctx._("Only coordinators and admins may change the coalition's data.")
    if isinstance(error, NotFound):
        return not_found(ctx, error)
    if isinstance(error, Invalid):
        return invalid(ctx, error)
    return ctx._("That cannot be done.")


def not_found(ctx: Context, error: NotFound) -> str:
    key = {"key": shorten(str(error.key))}
    messages = {
        "event": ctx._("There is no event #%(key)s in this coalition."),
        "activity": ctx._("There is no activity #%(key)s in this coalition."),
        "contact": ctx._("There is no contact #%(key)s in this coalition. /contacts lists them."),
        "area": ctx._("There is no area “%(key)s”. /areas lists them."),
        "coalition": ctx._("There is no coalition “%(key)s”."),
        "organisation": ctx._("There is no organisation “%(key)s”."),
        "chat": ctx._("This chat is not bound to a coalition."),
        "goal": ctx._("There is no goal #%(key)s in this coalition. /goals lists them."),
        "link": ctx._("There is no link or request with “%(key)s”. /network lists them."),
        "indicator": ctx._("There is no indicator #%(key)s in this coalition. /goals lists them."),
    }
    return messages.get(error.what, ctx._("Not found: %(key)s")) % key


def invalid(ctx: Context, error: Invalid) -> str:
    if error.problem == "format" and error.field == "email":
        return ctx._("The e-mail address is not in a valid format.")
    if error.problem == "ambiguous" and error.field == "organisation" and error.choices:
        shown = error.choices[:AMBIGUOUS_SHOWN]
        names = ", ".join(shown) + (", …" if len(error.choices) > len(shown) else "")
        return ctx._(
            "“%(name)s” matches several organisations: %(names)s; please be more specific."
        ) % {
            "name": shorten(error.value),
            "names": names,
        }
    if error.problem == "imported":
        return ctx._(
            "This event is imported from a partner's calendar (%(source)s) and changes only there."
        ) % {"source": shorten(error.value, 80)}
    if error.problem == "not_manual" and error.value == "links":
        return ctx._(
            "This indicator counts the coalition's network links: it changes when a link is "
            "accepted (/link) or ended (/unlink); /record is for indicators filled in by hand."
        )
    field = {"field": field_name(ctx, error.field), "limit": error.limit or 0}
    messages = {
        "empty": ctx._("The %(field)s is missing."),
        "too_long": ctx._("The %(field)s is too long (at most %(limit)d characters)."),
        "control_characters": ctx._("The %(field)s contains control characters."),
        "format": ctx._("The %(field)s does not look right."),
        "ambiguous": ctx._("The %(field)s matches several entries; please be more specific."),
        "cancelled": ctx._("This event is cancelled and cannot be changed."),
        "over": ctx._("This event is over: answers are closed."),
        "self": ctx._("A coalition cannot link with itself."),
        "unknown": ctx._("Choose sl (slovenščina) or en (English)."),
        "own_admin": ctx._("You cannot take the admin role from yourself."),
        "too_large": ctx._("The %(field)s is too large (at most 1,000,000,000)."),
        "negative": ctx._("The %(field)s cannot be negative."),
        "not_manual": ctx._(
            "This indicator counts linked events or activities; /record is for indicators "
            "filled in by hand."
        ),
        "counts_manual": ctx._(
            "This indicator is filled in by hand with /record; link events and activities "
            "only to an indicator that counts them."
        ),
        "counts_links": ctx._(
            "This indicator counts the coalition's network links; link events and activities "
            "only to an indicator that counts them."
        ),
        "counts_events": ctx._(
            "This indicator counts events; link events to it with /editevent ID indicator=N."
        ),
        "counts_activities": ctx._(
            "This indicator counts activities; link activities to it with "
            "/editactivity ID indicator=N."
        ),
        "anonymous": ctx._(
            "That id stands for anonymous group admins, not a person; "
            "a role needs the person's own id."
        ),
    }
    return messages.get(error.problem, ctx._("The %(field)s is not valid.")) % field


def read_changes(
    ctx: Context, names: Mapping[str, str], *, missing: str, fields: str
) -> tuple[int, dict[str, str]]:
    """`ID name=value …` as the record's number and its changes under their canonical names
    (`names` maps each accepted name, English or Slovenian, to one); `missing` is said when
    the number or every change is missing, `fields` lists what can be changed."""
    head, typed = parse_fields(ctx.command.args, names)
    record = parse_id(head)
    if record is None or not typed:
        raise BadInput(missing)
    unknown = [name for name in typed if name not in names]
    if unknown:
        raise BadInput(
            ctx._("Unknown field “%(field)s”. You can change: %(fields)s.")
            % {"field": unknown[0], "fields": fields}
        )
    return record, {names[name]: value for name, value in typed.items()}


def read_indicator(ctx: Context, text: str) -> int:
    """An indicator's number to link to, or 0 to unlink (empty, `0`, `-`, `none`, `brez`)."""
    if text.strip().casefold() in ("", "0", "-", "none", "brez"):
        return 0
    number = parse_id(text)
    if number is None:
        raise BadInput(ctx._("Give the indicator's number, as /goals shows it, or 0 to unlink."))
    return number


def too_many_parts(ctx: Context, most: int) -> str:
    """More `|` parts than a command takes."""
    return ctx._("Too many parts separated by | (at most %(count)d).") % {"count": most}


def read_when(ctx: Context, text: str) -> ParsedWhen:
    """The moment a person typed, in the coalition's zone, or BadInput saying what went wrong."""
    try:
        return parse_when(text, ctx.now, ctx.zone)
    except WhenError as error:
        raise BadInput(when_problem(ctx, error)) from None


def with_offset(ctx: Context, moment: datetime) -> str:
    """A moment with its UTC offset, to tell apart the two 02:30s of an autumn night."""
    offset = moment.utcoffset() or timedelta()
    hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
    return f"{ctx.t.moment(moment, ctx.zone)} (UTC{hours:+d}" + (
        f":{minutes:02d})" if minutes else ")"
    )


def shorten(text: str, limit: int = 60) -> str:
    """Typed text fit to echo: control characters shown as �, at most `limit` characters."""
    text = "".join("\ufffd" if unicodedata.category(char) == "Cc" else char for char in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def when_problem(ctx: Context, error: WhenError) -> str:
    """What was understood of a date that is refused, with an example of what works."""
    text = shorten(error.text)
    understood = ""
    if error.understood is not None:
        understood = ctx.t.moment(error.understood, ctx.zone, all_day=not error.has_time)
    if error.reason == "past" and understood:
        return ctx._("That is in the past: I read “%(text)s” as %(when)s.") % {
            "text": text,
            "when": understood,
        }
    if error.reason == "weekday_mismatch" and error.understood and error.weekday is not None:
        return ctx._("“%(text)s”: %(date)s is not a %(weekday)s.") % {
            "text": text,
            "date": understood,
            "weekday": get_day_names("wide", locale=ctx.locale)[error.weekday],
        }
    if error.reason == "ambiguous_date" and error.alternatives:
        first = error.alternatives[0]
        return ctx._(
            "“%(text)s” can mean %(readings)s. Write the day first, with dots: %(example)s."
        ) % {
            "text": text,
            "readings": readings(ctx, error),
            "example": f"{first.day}. {first.month}. {first.year}",
        }
    if error.reason == "ambiguous_hour" and len(error.alternatives) == 2:
        return ctx._(
            "“%(text)s” can mean %(readings)s. Write the hour as %(morning)s or %(evening)s."
        ) % {
            "text": text,
            "readings": readings(ctx, error),
            "morning": f"{error.alternatives[0]:%H:%M}",
            "evening": f"{error.alternatives[1]:%H:%M}",
        }
    if error.reason == "ambiguous" and error.alternatives:
        return ctx._("“%(text)s” can mean %(readings)s; please write it unambiguously.") % {
            "text": text,
            "readings": readings(ctx, error),
        }
    if error.reason == "unclear_hour":
        return ctx._("“%(text)s” is unclear: noon or midnight? Write 12:00 or 0:00.") % {
            "text": text
        }
    if error.reason == "end_before_start" and len(error.alternatives) == 2:
        start, end = error.alternatives
        return ctx._(
            "“%(text)s”: the end at %(end)s is not after the start at %(start)s. "
            "Example: %(example)s."
        ) % {
            "text": text,
            "start": ctx.t.clock(start),
            "end": ctx.t.clock(end),
            "example": ctx._("tomorrow 10:00-12:00"),
        }
    if error.reason == "time_without_at" and error.as_time is not None:
        return ctx._("“%(text)s” is not a valid date. For a time, write “at %(time)s”.") % {
            "text": text,
            "time": f"{error.as_time:%H:%M}",
        }
    if error.reason == "nonexistent_time" and understood:
        return ctx._("That time does not exist on that day (the clocks change): %(when)s.") % {
            "when": understood
        }
    if error.reason == "invalid_date":
        return ctx._("“%(text)s” is not a valid date.") % {"text": text}
    if error.reason == "empty":
        return ctx._("The date and time are missing.")
    return ctx._("I do not understand the date “%(text)s”.") % {"text": text}


def readings(ctx: Context, error: WhenError) -> str:
    """The readings of an ambiguous text: days, times, or times with their UTC offsets."""
    moments = error.alternatives
    if not error.has_time:
        shown = [ctx.t.day(moment.date()) for moment in moments]
    elif len({moment.utcoffset() for moment in moments}) > 1:  # the repeated autumn hour
        shown = [with_offset(ctx, moment) for moment in moments]
    else:
        shown = [ctx.t.moment(moment, ctx.zone) for moment in moments]
    return ctx._(" or ").join(shown)
