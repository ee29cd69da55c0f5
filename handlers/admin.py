"""/areas, /language, /bind, /role."""

from __future__ import annotations

import re
from dataclasses import replace

from handlers.arguments import fold
from handlers.context import Context
from handlers.errors import BadInput
from handlers.i18n import N_
from handlers.types import ChatKind, ListItem, Reply
from models.entities import Role

ROLE_WORDS = {
    "member": Role.MEMBER,
    "clan": Role.MEMBER,
    "clanica": Role.MEMBER,
    "coordinator": Role.COORDINATOR,
    "koordinator": Role.COORDINATOR,
    "koordinatorka": Role.COORDINATOR,
    "admin": Role.ADMIN,
    "skrbnik": Role.ADMIN,
    "skrbnica": Role.ADMIN,
}
LANGUAGES = {
    "sl": "sl",
    "slo": "sl",
    "slovenscina": "sl",
    "slovenian": "sl",
    "en": "en",
    "eng": "en",
    "english": "en",
    "anglescina": "en",
}
IDENTITY = re.compile(
    r"^(telegram:-?\d{1,20}|slack:[A-Z0-9]{1,20}:[A-Z0-9]{1,20}|console:[\w.-]{1,40})$"
)
SLACK_MENTION = re.compile(r"^<@([A-Z0-9]+)(\|[^>]*)?>$")


async def list_areas(ctx: Context) -> Reply:
    """The coalition's project areas with the short names commands accept."""
    areas = await ctx.services.directory.areas(ctx.coalition.slug)
    if not areas:
        return ctx.reply(ctx.coalition.name, lines=(ctx._("This coalition has no areas yet."),))
    title = ctx.t.ngettext("%(count)d project area", "%(count)d project areas", len(areas))
    return ctx.reply(
        f"{ctx.coalition.name}: {title % {'count': len(areas)}}",
        items=tuple(ListItem(area.name, (area.slug,)) for area in areas),
        footer=ctx._("Use the short name after a command, e.g. /events %(slug)s")
        % {"slug": areas[0].slug},
    )


async def set_language(ctx: Context) -> Reply:
    """Sets the language: per person in a private chat, per chat in a group."""
    locale = LANGUAGES.get(fold(ctx.command.args.strip()))
    if locale is None:
        raise BadInput(ctx._("Choose sl (slovenščina) or en (English)."))
    t = ctx.t if locale == ctx.locale else ctx.translators[locale]
    if ctx.command.chat_kind is ChatKind.GROUP:
        await ctx.services.directory.set_chat_locale(ctx.actor, ctx.command.chat_id, locale)
        reply = ctx.reply(t.gettext("This chat now speaks English."))
    else:
        await ctx.services.directory.set_user_locale(ctx.actor, locale)
        reply = ctx.reply(t.gettext("I will now answer you in English."), personal=True)
    return replace(reply, locale=locale)  # written in the new language, and marked so


async def bind_chat(ctx: Context) -> Reply:
    """Binds this group or channel to a coalition (admins of that coalition)."""
    if ctx.command.chat_kind is not ChatKind.GROUP:
        raise BadInput(ctx._("Only groups and channels are bound; add me to one and try there."))
    slug, _, area = ctx.command.args.strip().partition(" ")
    slug = slug.lower()
    if not slug:
        coalitions = await ctx.services.directory.coalitions()
        raise BadInput(
            ctx._("Name the coalition: %(slugs)s.")
            % {"slugs": ", ".join(c.slug for c in coalitions)}
        )
    coalition, area_view = await ctx.services.directory.bind_chat(
        ctx.actor, ctx.command.chat_id, slug[:40], area.strip()[:80] or None
    )
    text = ctx._("This chat is now bound to %(name)s. Try /events.") % {"name": coalition.name}
    if area_view is None:
        return ctx.reply(text)
    only = ctx._("Reminders here: only %(area)s.") % {"area": area_view.name}
    return ctx.reply(text, lines=(only,))


def identity_of(ctx: Context, text: str) -> str | None:
    """A full identity from what an admin typed: `telegram:42`, `42`, `<@U1>`, `ana`."""
    text = text.strip()
    platform = ctx.actor.rsplit(":", 1)[0]
    mention = SLACK_MENTION.match(text)
    if mention and platform.startswith("slack:"):
        text = mention.group(1)
    candidate = text if ":" in text else f"{platform}:{text}"
    return candidate if IDENTITY.match(candidate) else None


async def set_role(ctx: Context) -> Reply:
    """Gives a person a role in this coalition."""
    words = ctx.command.args.split()
    role = ROLE_WORDS.get(fold(words[-1])) if len(words) == 2 else None
    identity = identity_of(ctx, words[0]) if len(words) == 2 else None
    if role is None or identity is None:
        raise BadInput(ctx._("Give the person's id and a role: member, coordinator or admin."))
    await ctx.services.directory.set_role(ctx.actor, ctx.coalition.slug, identity, role)
    return ctx.reply(
        ctx._("%(who)s is now %(role)s in %(coalition)s.")
        % {"who": identity, "role": ctx._(role_label(role)), "coalition": ctx.coalition.name}
    )


ROLE_LABELS = {
    Role.MEMBER: N_("member"),
    Role.COORDINATOR: N_("coordinator"),
    Role.ADMIN: N_("admin"),
}


def role_label(role: Role) -> str:
    return ROLE_LABELS[role]
