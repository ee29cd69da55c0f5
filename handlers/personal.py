"""A person's own data: /mydata sends all of it as a JSON file, /forgetme erases it after a
confirming button, both only in a private chat."""

from __future__ import annotations

import json

from handlers.arguments import fold
from handlers.context import Context
from handlers.errors import BadInput
from handlers.types import Attachment, Button, ChatKind, Reply

CONFIRM_WORDS = frozenset({"confirm", "potrdi"})
CANCEL_WORDS = frozenset({"cancel", "preklici"})


def private_only(ctx: Context) -> None:
    if ctx.command.chat_kind is not ChatKind.PRIVATE:
        raise BadInput(
            ctx._("Your own data is handled only in a private chat: write to me directly.")
        )


async def my_data(ctx: Context) -> Reply:
    """`/mydata`: a JSON file of everything stored about the asking identity."""
    private_only(ctx)
    found = await ctx.services.personal.collect(ctx.actor)
    content = json.dumps(found, ensure_ascii=False, indent=2, default=str).encode()
    title = ctx._("Your data")
    return ctx.reply(
        title,
        lines=(
            ctx._(
                "Everything I store about you: roles, language, subscriptions, answers to "
                "events, changes you made, contact records that name you."
            ),
            ctx._("To have it erased, send /forgetme."),
        ),
        personal=True,
        attachment=Attachment("my-data.json", content, "application/json", alt_text=title),
    )


async def forget_me(ctx: Context) -> Reply:
    """`/forgetme`: asks first; the button (`/forgetme confirm`) erases."""
    private_only(ctx)
    words = ctx.command.args.split()
    first = fold(words[0]) if words else ""
    if first in CANCEL_WORDS:
        return ctx.reply(ctx._("Nothing was erased."), personal=True)
    if first not in CONFIRM_WORDS:
        return ctx.reply(
            ctx._("Erase everything I store about you?"),
            lines=(
                ctx._(
                    "Your roles, language, subscriptions and answers to events are deleted, and "
                    "the record of your changes keeps a pseudonym instead of you. This cannot be "
                    "undone."
                ),
            ),
            buttons=(
                Button(ctx._("Erase my data"), "/forgetme confirm"),
                Button(ctx._("Cancel"), "/forgetme cancel"),
            ),
            personal=True,
        )
    done = await ctx.services.personal.forget(ctx.actor, (ctx.command.chat_id,))
    lines = [
        ctx._(
            "Your roles, settings, subscriptions and answers to events are erased; the record "
            "of changes now names you “%(pseudonym)s”."
        )
        % {"pseudonym": done.pseudonym}
    ]
    if done.kept_admin_of:
        lines.append(
            ctx._(
                "You stay an admin of %(coalitions)s: the bot's configuration names you. Ask "
                "its operator to remove you there."
            )
            % {"coalitions": ", ".join(done.kept_admin_of)}
        )
    return ctx.reply(ctx._("Your data is erased."), lines=tuple(lines), personal=True)
