"""The /editevent fields kept apart from the event's own row: `capacity=` (`mesta=`, its
places for answers) and `shared=` (`deli=`, shown to the linked coalitions)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context
from handlers.network import sharing
from handlers.rsvp import capacity

FIELDS = {**capacity.FIELDS, **sharing.FIELDS}


@dataclass(frozen=True)
class Extras:
    places: int | None = None
    places_given: bool = False
    shared: bool | None = None


def take_extras(ctx: Context, changes: dict[str, str]) -> Extras:
    """Reads and removes the extra fields from the changes (bad values refused first)."""
    places_text = changes.pop("capacity", None)
    shared_text = changes.pop("shared", None)
    return Extras(
        places=capacity.read_capacity(ctx, places_text) if places_text is not None else None,
        places_given=places_text is not None,
        shared=sharing.read_shared(ctx, shared_text) if shared_text is not None else None,
    )


async def apply_extras(ctx: Context, event_id: int, extras: Extras) -> tuple[str, ...]:
    """Applies them after the event's own fields; a line for each."""
    lines = []
    if extras.places_given:
        lines.append(await capacity.apply_capacity(ctx, event_id, extras.places))
    if extras.shared is not None:
        lines.append(await sharing.apply_shared(ctx, event_id, extras.shared))
    return tuple(lines)
