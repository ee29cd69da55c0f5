"""/link SLUG horizontal|vertical (and accept|decline), /network, /unlink SLUG."""

from __future__ import annotations

from handlers.arguments import fold
from handlers.context import Context
from handlers.errors import BadInput, shorten
from handlers.i18n import N_
from handlers.types import Button, ListItem, Reply
from models.network.entities import LinkKind, LinkState

KINDS = {
    "horizontal": LinkKind.HORIZONTAL,
    "horizontalna": LinkKind.HORIZONTAL,
    "vertical": LinkKind.VERTICAL,
    "vertikalna": LinkKind.VERTICAL,
}
ANSWERS = {"accept": True, "sprejmi": True, "decline": False, "zavrni": False}
KIND_NAMES = {LinkKind.HORIZONTAL: N_("horizontal"), LinkKind.VERTICAL: N_("vertical")}
STATE_NAMES = {
    LinkState.ASKED: N_("asked, waiting for their answer"),
    LinkState.INVITED: N_("they ask you: accept or decline"),
}


def answer_buttons(ctx: Context, partner_slug: str) -> tuple[Button, ...]:
    return (
        Button(ctx._("Accept"), f"/link {partner_slug} accept"),
        Button(ctx._("Decline"), f"/link {partner_slug} decline"),
    )


async def link(ctx: Context) -> Reply:
    """Asks another coalition to link (`/link SLUG horizontal|vertical`), or answers its
    request (`/link SLUG accept|decline`, also the buttons of the request)."""
    words = ctx.command.args.split()
    if len(words) != 2:
        raise BadInput(ctx._("Write the coalition's short name and the kind of link."))
    slug, word = words[0].lower(), fold(words[1])
    if word in ANSWERS:
        found = await ctx.services.network.answer(
            ctx.coalition.slug, ctx.actor, slug, accept=ANSWERS[word]
        )
        if found is None:
            return ctx.reply(ctx._("You declined the link with %(slug)s.") % {"slug": slug})
        if found.state is not LinkState.ACTIVE:
            return ctx.error(
                ctx._("There is no request from %(name)s to answer.") % {"name": found.partner_name}
            )
        return ctx.reply(
            ctx._("%(name)s and your coalition are now linked (%(kind)s).")
            % {"name": found.partner_name, "kind": ctx._(KIND_NAMES[found.kind])}
        )
    kind = KINDS.get(word)
    if kind is None:
        raise BadInput(
            ctx._("The kind of link is horizontal or vertical, not “%(word)s”.")
            % {"word": shorten(words[1])}
        )
    found = await ctx.services.network.ask(ctx.coalition.slug, ctx.actor, slug, kind)
    if found.state is LinkState.ACTIVE:
        return ctx.reply(
            ctx._("%(name)s and your coalition are now linked (%(kind)s).")
            % {"name": found.partner_name, "kind": ctx._(KIND_NAMES[found.kind])}
        )
    return ctx.reply(
        ctx._("Asked %(name)s to link; their admins accept or decline.")
        % {"name": found.partner_name}
    )


async def network(ctx: Context) -> Reply:
    """The coalition's links with their kind and since when, and open requests."""
    links = await ctx.services.network.links(ctx.coalition.slug)
    if not links:
        return ctx.reply(
            ctx._("The coalition is not linked with any other yet."),
            footer=ctx._("Example: %(example)s") % {"example": ctx._("/link ljubljana vertical")},
        )
    items = []
    for found in links:
        kind = ctx._(KIND_NAMES[found.kind])
        if found.state is LinkState.ACTIVE and found.since is not None:
            detail = ctx._("%(kind)s, since %(date)s") % {
                "kind": kind,
                "date": ctx.t.day(found.since.astimezone(ctx.zone).date()),
            }
        else:
            detail = f"{kind}, {ctx._(STATE_NAMES[found.state])}"
        items.append(ListItem(f"{found.partner_name} ({found.partner_slug})", (detail,)))
    invited = [f for f in links if f.state is LinkState.INVITED]
    buttons = answer_buttons(ctx, invited[0].partner_slug) if len(invited) == 1 else ()
    return ctx.reply(
        ctx._("The coalition's network"),
        items=tuple(items),
        footer=ctx._("Only events marked shared cross a link; nothing else does."),
        buttons=buttons,
    )


async def unlink(ctx: Context) -> Reply:
    """Ends a link, or withdraws a request."""
    words = ctx.command.args.split()
    if len(words) != 1:
        raise BadInput(ctx._("Write the short name of the coalition to unlink."))
    await ctx.services.network.end(ctx.coalition.slug, ctx.actor, words[0].lower())
    return ctx.reply(ctx._("The link with %(slug)s has ended.") % {"slug": words[0].lower()})
