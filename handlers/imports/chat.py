"""/export: a coalition's events, activities, contacts or goals as a file, in a private chat."""

from __future__ import annotations

from handlers.context import Context
from handlers.errors import BadInput, shorten
from handlers.imports.explain import KINDS
from handlers.imports.export import FORMATS, MIME_TYPES
from handlers.imports.flow import export_file
from handlers.types import Attachment, ChatKind, Reply
from models.imports.columns import kind_named


async def export(ctx: Context) -> Reply:
    """`/export events|activities|contacts [csv|xlsx]`: the file, to a coordinator in private
    (contacts are personal data: never posted into a group)."""
    if ctx.command.chat_kind is not ChatKind.PRIVATE:
        raise BadInput(ctx._("I send exports only in a private chat: write to me directly."))
    words = ctx.command.args.split()
    if not words or len(words) > 2:
        raise BadInput(ctx._("Say what to export: events, activities, contacts or goals."))
    kind = kind_named(words[0])
    if kind is None:
        raise BadInput(
            ctx._("I cannot export “%(what)s”; choose events, activities, contacts or goals.")
            % {"what": shorten(words[0])}
        )
    fmt = words[1].lower() if len(words) > 1 else "xlsx"
    if fmt not in FORMATS:
        raise BadInput(ctx._("Choose the format csv or xlsx."))
    filename, content = await export_file(
        ctx.services.exports,
        ctx.coalition.slug,
        ctx.actor,
        kind,
        fmt,
        zone=ctx.zone,
        t=ctx.t,
        translators=ctx.translators.values(),
    )
    what = {"kind": ctx._(KINDS[kind]), "name": ctx.coalition.name}
    title = ctx._("Export of %(kind)s: %(name)s") % what
    return ctx.reply(
        title,
        lines=(ctx._("The same columns are read back by an import."),),
        personal=True,
        attachment=Attachment(filename, content, MIME_TYPES[fmt], alt_text=title),
    )
