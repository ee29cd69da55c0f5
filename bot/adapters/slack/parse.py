"""From what Slack sends (slash commands, mentions, messages, buttons) to an IncomingCommand."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from handlers.types import ChatKind, InboundFile, IncomingCommand

LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
LEADING_MENTION = re.compile(r"^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s:,]*")
MAX_NAME = 64


@dataclass(frozen=True)
class Where:
    """Who asks and in which conversation, as Slack names them.

    `team` is the workspace the conversation lives in (the bot's own); `user_team` the
    person's own team, which differs for a Slack Connect guest from another organisation.
    """

    team: str
    user: str
    channel: str
    channel_name: str = ""
    private: bool = False
    user_team: str = ""

    @property
    def user_id(self) -> str:
        """The person, the same on every path: `slack:<their own team>:<user id>`."""
        return f"slack:{self.user_team or self.team}:{self.user}"

    @property
    def chat_id(self) -> str:
        """The conversation; the person's own id when Slack names none (the App Home)."""
        return f"slack:{self.team}:{self.channel or self.user}"

    @property
    def chat_kind(self) -> ChatKind:
        if self.private or not self.channel:
            return ChatKind.PRIVATE
        return chat_kind(self.channel, self.channel_name)


def chat_kind(channel: str, channel_name: str = "") -> ChatKind:
    """Direct messages (ids starting with D, `directmessage`) are private; all else a group."""
    if channel.startswith("D") or channel_name == "directmessage":
        return ChatKind.PRIVATE
    return ChatKind.GROUP


def slack_locale(value: object) -> str | None:
    """`sl-SI` -> `sl`, `en-GB` -> `en`; any other language (or none) -> None."""
    if not isinstance(value, str):
        return None
    language = value.replace("_", "-").split("-", 1)[0].lower()
    return language if language in ("sl", "en") else None


USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^<>]*))?>")


def unnamed_users(text: str) -> list[str]:
    """The people mentioned as `<@U1>`, without a name Slack wrote along (`<@U1|ana>`)."""
    found = [m.group(1) for m in USER_MENTION.finditer(text) if not (m.group(2) or "").strip()]
    return list(dict.fromkeys(found))


def plain_text(
    text: str, names: Mapping[str, str] | None = None, *, keep_users: bool = False
) -> str:
    """Slack's message markup back to what the person meant, before anything splits on `|`.

    Each `<…>` is one token: a person `<@U1|ana>` becomes their name (the label, else
    `names[U1]`, else the id), a channel `<#C1|general>` becomes `#general`, an address
    `<mailto:a@b.si|a@b.si>` the address and a link `<https://x.si|x.si>` the URL, so no
    markup reaches what is stored. With `keep_users` a person stays `<@U1>`: /role reads the id.
    `&amp;`, `&lt;` and `&gt;` become `&`, `<` and `>`.
    """
    known = names or {}

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), (match.group(2) or "").strip()
        if target.startswith("@"):
            user = target[1:]
            if keep_users:
                return f"<@{user}>"
            return label.removeprefix("@") or known.get(user) or user
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            return f"@{label.removeprefix('@') or target[1:].split('^', 1)[0]}"
        if target.startswith("mailto:"):
            return target.removeprefix("mailto:")
        return target or label

    return LINK.sub(replace, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def without_mention(text: str, bot_user: str | None) -> str:
    """The words after the bot's mention (`<@UBOT> events week` -> `events week`)."""
    if bot_user:
        marker = re.search(rf"<@{re.escape(bot_user)}(?:\|[^>]*)?>[\s:,]*", text)
        if marker:
            return text[marker.end() :].strip()
    return LEADING_MENTION.sub("", text, count=1).strip()


def command_line(
    line: str,
    where: Where,
    *,
    locale: str | None = None,
    display_name: str = "",
    file: InboundFile | None = None,
) -> IncomingCommand:
    """A command line (`/events week`, `dogodki teden`, empty = help) as an IncomingCommand,
    with the file shared along with it."""
    parts = line.strip().lstrip("/").split(maxsplit=1)
    name, args = [*parts, "", ""][:2]
    return IncomingCommand(
        user_id=where.user_id,
        chat_id=where.chat_id,
        chat_kind=where.chat_kind,
        name=(name or "help")[:MAX_NAME],
        args=args.strip(),
        locale=locale,
        display_name=display_name,
        file=file,
    )
