"""How answers read: the counts everyone sees, the buttons, and a person's own answer."""

from __future__ import annotations

from handlers.listing import Reader
from handlers.types import Button
from models.rsvp.entities import RsvpState
from models.services.rsvp import Counts, MyAnswer


def rsvp_buttons(ctx: Reader, event_id: int, *, keeps_message: bool = False) -> tuple[Button, ...]:
    """Going / Maybe / Can't: each re-enters as `/rsvp ID yes|maybe|no`."""
    return (
        Button(ctx._("Going"), f"/rsvp {event_id} yes", keeps_message),
        Button(ctx._("Maybe"), f"/rsvp {event_id} maybe", keeps_message),
        Button(ctx._("Can't"), f"/rsvp {event_id} no", keeps_message),
    )


def counts_line(ctx: Reader, counts: Counts) -> str:
    """`Going: 5 (+2 guests) · Maybe: 1 · Can't: 0 · Places: 7 of 30 · Waiting list: 2`."""
    going = ctx._("Going: %(count)d") % {"count": counts.going}
    if counts.guests:
        going += " " + ctx.t.ngettext(
            "(+%(count)d guest)", "(+%(count)d guests)", counts.guests
        ) % {"count": counts.guests}
    parts = [
        going,
        ctx._("Maybe: %(count)d") % {"count": counts.maybe},
        ctx._("Can't: %(count)d") % {"count": counts.declined},
    ]
    if counts.capacity is not None:
        parts.append(
            ctx._("Places: %(taken)d of %(capacity)d")
            % {"taken": counts.places, "capacity": counts.capacity}
        )
    if counts.waiting:
        parts.append(ctx._("Waiting list: %(count)d") % {"count": counts.waiting})
    return " · ".join(parts)


def state_words(ctx: Reader, state: RsvpState, guests: int, line: int | None) -> str:
    """A person's answer in a few words: `going (+2)`, `on the waiting list, 3rd`."""
    if state is RsvpState.WAITING:
        words = ctx._("on the waiting list, number %(line)d") % {"line": line or 1}
    else:
        words = {
            RsvpState.GOING: ctx._("going"),
            RsvpState.MAYBE: ctx._("maybe"),
            RsvpState.DECLINED: ctx._("can't come"),
        }[state]
    return f"{words} (+{guests})" if guests else words


def my_answer_line(ctx: Reader, mine: MyAnswer | None) -> str:
    if mine is None:
        return ctx._("You have not answered yet.")
    return ctx._("Your answer: %(answer)s") % {
        "answer": state_words(ctx, mine.state, mine.guests, mine.position)
    }
