"""`shared=yes|no` (`deli=da|ne`) in /editevent, and the refusal to edit a linked
coalition's event."""

from __future__ import annotations

from handlers.arguments import fold
from handlers.context import Context
from handlers.errors import BadInput

FIELDS = {"shared": "shared", "deli": "shared"}
YES = frozenset({"yes", "da", "1", "true"})
NO = frozenset({"no", "ne", "0", "false"})


def read_shared(ctx: Context, text: str) -> bool:
    word = fold(text.strip())
    if word in YES | NO:
        return word in YES
    raise BadInput(ctx._("Write shared=yes or shared=no."))


async def apply_shared(ctx: Context, event_id: int, shared: bool) -> str:
    await ctx.services.network.share(ctx.coalition.slug, ctx.actor, event_id, shared)
    if shared:
        return ctx._("Shared with the linked coalitions (read-only there).")
    return ctx._("Not shared with the linked coalitions.")


async def refuse_foreign(ctx: Context, event_id: int) -> None:
    """A linked coalition's shared event is read-only here: the refusal says whose it is."""
    origin = await ctx.services.network.origin(ctx.coalition.slug, event_id)
    if origin is not None:
        raise BadInput(
            ctx._("Event #%(id)d belongs to %(coalition)s: only its own coordinators change it.")
            % {"id": event_id, "coalition": origin}
        )
