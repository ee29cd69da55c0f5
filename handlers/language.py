"""Which language the bot speaks to a reader: the one rule, used wherever a reply is written.

In a group, the group's language wins: the language a coordinator chose for the chat with
`/language`, else the coalition's default. A person's own choice never changes what a group
reads, so everyone in it reads the same answer.

In a private chat: the person's own `/language` choice, else the language of their
platform (Telegram's `language_code`, Slack's locale), else the coalition's default.

Anything not supported is skipped; when nothing is left, the deployment's default.
"""

from __future__ import annotations

from collections.abc import Collection

from models.services.views import ChatContext


def reader_locale(
    stored: ChatContext | None,
    *,
    is_group: bool,
    platform: str | None,
    supported: Collection[str],
    default: str,
) -> str:
    """The language of a reply to this reader in this chat (see the module's rule)."""
    coalition = stored.coalition.default_locale if stored and stored.coalition else None
    choices: tuple[str | None, ...]
    if is_group:
        choices = (stored.chat_locale if stored else None, coalition)
    else:
        choices = (stored.user_locale if stored else None, platform, coalition)
    return next((choice for choice in choices if choice and choice in supported), default)


def chat_locale(
    chat: str | None, coalition: str | None, *, supported: Collection[str], default: str
) -> str:
    """The language of a message to a whole chat (a reminder, a greeting): the group's own
    language, else its coalition's default."""
    return next((choice for choice in (chat, coalition) if choice and choice in supported), default)
