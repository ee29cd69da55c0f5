"""`capacity=30` (`mesta=30`) in /editevent: the places of an event, or no limit."""

from __future__ import annotations

from handlers.arguments import is_number
from handlers.context import Context
from handlers.errors import BadInput
from models.services.rsvp.service import CAPACITY_MAX

FIELDS = {"capacity": "capacity", "mesta": "capacity"}
NO_LIMIT = ("0", "-", "none", "brez", "")


def read_capacity(ctx: Context, text: str) -> int | None:
    """A number of places, or None for no limit (`0`, `-`, `none`, `brez`)."""
    value = text.strip().casefold()
    if value in NO_LIMIT:
        return None
    if not is_number(value, 6) or not 0 < int(value) <= CAPACITY_MAX:
        raise BadInput(
            ctx._("The capacity is a number of places, e.g. capacity=30, or 0 for no limit.")
        )
    return int(value)


async def apply_capacity(ctx: Context, event_id: int, places: int | None) -> str:
    """Sets the places and says what they are now (people moved up are told separately)."""
    counts, _promoted = await ctx.services.rsvp.set_capacity(
        ctx.coalition.slug, ctx.actor, event_id, places
    )
    if counts.capacity is None:
        return ctx._("Places: no limit.")
    return ctx._("Places: %(taken)d of %(capacity)d") % {
        "taken": counts.places,
        "capacity": counts.capacity,
    }
