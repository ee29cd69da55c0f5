"""Turning refusals into one short sentence in the reader's language."""

from __future__ import annotations

import unicodedata
from datetime import datetime, time, timedelta

from handlers.context import Context
from handlers.when import ParsedWhen, WhenError, parse_when
from models.entities import Role
from models.errors import DomainError, Invalid, NotFound, PermissionDenied

AMBIGUOUS_SHOWN = 5
"""The matches an ambiguous name shows at most."""


class BadInput(Exception):
    """The arguments cannot be used; the message is already in the reader's language."""


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
        "area": ctx._("There is no area “%(key)s”. /areas lists them."),
        "coalition": ctx._("There is no coalition “%(key)s”."),
        "organisation": ctx._("There is no organisation “%(key)s”."),
        "chat": ctx._("This chat is not bound to a coalition."),
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
    field = {"field": field_name(ctx, error.field), "limit": error.limit or 0}
    messages = {
        "empty": ctx._("The %(field)s is missing."),
        "too_long": ctx._("The %(field)s is too long (at most %(limit)d characters)."),
        "control_characters": ctx._("The %(field)s contains control characters."),
        "format": ctx._("The %(field)s does not look right."),
        "ambiguous": ctx._("The %(field)s matches several entries; please be more specific."),
        "cancelled": ctx._("This event is cancelled and cannot be changed."),
        "unknown": ctx._("Choose sl (slovenščina) or en (English)."),
        "own_admin": ctx._("You cannot take the admin role from yourself."),
    }
    return messages.get(error.problem, ctx._("The %(field)s is not valid.")) % field


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
    text = shorten(error.text)
    understood = ""
    if error.understood is not None:
        local = error.understood.astimezone(ctx.zone)
        understood = ctx.t.moment(local, ctx.zone, all_day=local.time() == time())
    if error.reason == "past" and understood:
        return ctx._("That is in the past: I read “%(text)s” as %(when)s.") % {
            "text": text,
            "when": understood,
        }
    if error.reason == "ambiguous" and error.alternatives:
        readings = ctx._(" or ").join(with_offset(ctx, a) for a in error.alternatives)
        return ctx._("“%(text)s” can mean %(readings)s; please write it unambiguously.") % {
            "text": text,
            "readings": readings,
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
