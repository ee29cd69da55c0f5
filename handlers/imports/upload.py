"""/import: a spreadsheet sent to the bot in a private chat, previewed, and imported only when
its sender presses Confirm (within HOLD_MINUTES; a second Confirm changes nothing).

The file comes as a neutral InboundFile (handlers/types.py): its size is checked before
anything is downloaded, and the download stops past the limit."""

from __future__ import annotations

from handlers.arguments import fold, parse_id
from handlers.context import Context
from handlers.errors import BadInput, shorten
from handlers.imports import explain
from handlers.imports.flow import import_file
from handlers.types import Button, ChatKind, InboundFile, Reply
from models.held.entities import HOLD_MINUTES
from models.imports.columns import Kind, kind_named
from models.imports.limits import MAX_BYTES, FileRefused
from models.services.imports.held import Held

CONFIRM_WORDS = frozenset({"confirm", "potrdi"})
CANCEL_WORDS = frozenset({"cancel", "preklici"})


def file_line(caption: str) -> str:
    """The command line of a file sent to the bot in a private chat: its caption when that is
    a command (`/uvoz dogodki`), else an import whose words say what the rows are (`dogodki`;
    none: the columns tell)."""
    text = caption.strip()
    return text if text.startswith("/") else f"/import {text}".strip()


async def import_command(ctx: Context) -> Reply:
    """`/import [events|activities|contacts|goals]` with a file; `/import confirm|cancel ID`
    from the preview's buttons."""
    if ctx.command.chat_kind is not ChatKind.PRIVATE:
        raise BadInput(
            ctx._("I import files only in a private chat: send the file to me directly.")
        )
    words = ctx.command.args.split()
    first = fold(words[0]) if words else ""
    if first in CONFIRM_WORDS:
        return await confirm(ctx, held_id(ctx, words[1:]))
    if first in CANCEL_WORDS:
        return await cancel(ctx, held_id(ctx, words[1:]))
    file = ctx.command.file
    if file is None:  # how it is done
        return ctx.reply(
            lines=(
                ctx._(
                    "Send me the spreadsheet (CSV or XLSX) here as a file; in its caption, say "
                    "what the rows are: events, activities, contacts or goals."
                ),
            ),
            personal=True,
        )
    kind = kind_named(words[0]) if words else None
    if words and kind is None:
        raise BadInput(
            ctx._("I cannot import “%(what)s”; choose events, activities, contacts or goals.")
            % {"what": shorten(words[0])}
        )
    return await preview(ctx, file, kind)


def held_id(ctx: Context, words: list[str]) -> int:
    number = parse_id(words[0]) if words else None
    if number is None:
        raise BadInput(ctx._("Press the button under the preview, or send the file again."))
    return number


async def preview(ctx: Context, file: InboundFile, kind: Kind | None) -> Reply:
    """What the file would do, with Confirm and Cancel; nothing is written yet."""
    if file.size is not None and file.size > MAX_BYTES:
        raise BadInput(explain.refused(ctx.t, FileRefused("too_large", MAX_BYTES)))
    content = await file.fetch(MAX_BYTES)
    if content is None or len(content) > MAX_BYTES:
        raise BadInput(explain.refused(ctx.t, FileRefused("too_large", MAX_BYTES)))
    try:
        kind, outcome = await import_file(
            ctx.services.imports,
            ctx.coalition.slug,
            ctx.actor,
            file.name,
            content,
            kind=kind,
            now=ctx.now,
            zone=ctx.zone,
            t=ctx.t,
            translators=ctx.translators.values(),
            write=False,
        )
    except FileRefused as error:
        raise BadInput(explain.refused(ctx.t, error)) from None
    lines = (
        *explain.counts(ctx.t, outcome),
        *explain.rejected_lines(ctx.t, outcome.rejected, explain.REJECTED_SHOWN),
    )
    title = explain.title(ctx.t, kind, outcome) + f" ({ctx.coalition.name})"
    note = explain.preview_note(ctx.t, outcome)
    if not (outcome.new or outcome.changed):
        return ctx.reply(title, lines=lines, footer=note, personal=True)
    number = await ctx.services.held_imports.hold(
        ctx.coalition.slug, ctx.actor, kind, file.name, content, ctx.now
    )
    expiry = ctx._("The preview can be confirmed for %(minutes)d minutes.") % {
        "minutes": HOLD_MINUTES
    }
    buttons = (
        Button(ctx._("Confirm"), f"/import confirm {number}"),
        Button(ctx._("Cancel"), f"/import cancel {number}"),
    )
    return ctx.reply(title, lines=lines, footer=f"{note} {expiry}", buttons=buttons, personal=True)


async def confirm(ctx: Context, number: int) -> Reply:
    claim = await ctx.services.held_imports.claim(number, ctx.actor)
    if claim.problem == "expired":
        raise BadInput(
            ctx._(
                "The preview has expired (after %(minutes)d minutes); nothing was written. "
                "Send the file again."
            )
            % {"minutes": HOLD_MINUTES}
        )
    if claim.problem == "finished" or claim.held is None:
        raise BadInput(
            ctx._("This import was already confirmed or cancelled; nothing more was written.")
            if claim.problem == "finished"
            else ctx._("There is no import #%(id)d waiting for you.") % {"id": number}
        )
    return await write(ctx, claim.held)


async def write(ctx: Context, held: Held) -> Reply:
    coalition = await ctx.services.exports.coalition(held.coalition_slug)
    try:
        kind, outcome = await import_file(
            ctx.services.imports,
            held.coalition_slug,
            ctx.actor,
            held.filename,
            held.content,
            kind=held.kind,
            now=held.read_at,
            zone=coalition.zone,
            t=ctx.t,
            translators=ctx.translators.values(),
            write=True,
        )
    except BaseException:
        await ctx.services.held_imports.release(held)
        raise
    lines = tuple(explain.counts(ctx.t, outcome))
    title = explain.title(ctx.t, kind, outcome) + f" ({coalition.name})"
    return ctx.reply(title, lines=lines, personal=True)


async def cancel(ctx: Context, number: int) -> Reply:
    problem = await ctx.services.held_imports.cancel(number, ctx.actor)
    if problem == "missing":
        raise BadInput(ctx._("There is no import #%(id)d waiting for you.") % {"id": number})
    if problem == "finished":
        raise BadInput(
            ctx._("This import was already confirmed or cancelled; nothing more was written.")
        )
    return ctx.reply(ctx._("Import cancelled: nothing was written."), personal=True)
