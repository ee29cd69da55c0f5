"""/calendar: a member's private calendar feed link, renewed with `/calendar new`."""

from __future__ import annotations

from handlers.arguments import fold
from handlers.context import Context
from handlers.errors import BadInput
from handlers.types import ChatKind, Reply

RENEW = frozenset({"new", "nova", "novo", "nov"})


async def calendar_link(ctx: Context) -> Reply:
    """The link to subscribe to in a calendar app: internal events too, so only in private."""
    if ctx.command.chat_kind is not ChatKind.PRIVATE:
        raise BadInput(ctx._("Your calendar link is personal: ask me for it in a private chat."))
    word = fold(ctx.command.args.strip())
    if word and word not in RENEW:
        raise BadInput(ctx._("Write /calendar for your link, or /calendar new to replace it."))
    renew = bool(word)
    calendar = ctx.services.calendar
    token = await calendar.token(ctx.coalition.slug, ctx.actor, renew=renew)
    title = (
        ctx._("Your new calendar link — %(coalition)s; the old one no longer works.")
        if renew
        else ctx._("Your calendar link — %(coalition)s")
    ) % {"coalition": ctx.coalition.name}
    return ctx.reply(
        title,
        lines=(
            calendar.feed_url(ctx.coalition.slug, token),
            ctx._(
                "Subscribe to it in Google Calendar, Outlook or Apple Calendar. It shows the "
                "coalition's internal events too: keep it to yourself."
            ),
            ctx._("If someone else got it, /calendar new replaces it."),
        ),
        personal=True,
    )
