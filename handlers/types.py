"""Neutral command and reply types shared by every adapter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from models.entities import Role

__all__ = [
    "Attachment",
    "Button",
    "ChatKind",
    "InboundFile",
    "IncomingCommand",
    "ListItem",
    "Question",
    "QuestionField",
    "Reply",
    "Role",
]


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class InboundFile:
    """A file a person sent with their message, as the platform describes it.

    `size` is what the platform reports before anything is downloaded (None when it does
    not say); `fetch(limit)` downloads the bytes, or answers None for a file larger than
    `limit` (as the platform says it is, or as found while downloading: the download stops
    there). Nothing is downloaded until a handler calls `fetch`."""

    name: str
    size: int | None
    fetch: Callable[[int], Awaitable[bytes | None]] = field(compare=False, repr=False)
    mime_type: str = ""


@dataclass(frozen=True)
class IncomingCommand:
    """One command as typed by a user, free of any platform.

    `user_id` is the platform identity (`telegram:42`, `slack:T1:U1`, `console:admin`),
    `chat_id` the conversation (`telegram:-100123`, `slack:T1:C1`, `console`).
    `coalition` is the slug the adapter resolved (bound chat, console flag), or None.
    `locale` is the adapter's best guess of the user's language (platform setting);
    the dispatcher refines it with the stored user and chat choices.
    """

    user_id: str
    chat_id: str
    chat_kind: ChatKind
    name: str
    args: str = ""
    coalition: str | None = None
    locale: str | None = None
    display_name: str = ""
    file: InboundFile | None = field(default=None, compare=False)
    """The file sent with the command (a spreadsheet to import), or None."""


@dataclass(frozen=True)
class Button:
    """A button that re-enters the bot as the command line `command`."""

    label: str
    command: str
    keeps_message: bool = False
    """Pressing it answers the presser alone and leaves the message it is on as it is (an
    announcement, which is kept current apart); else the answer takes the message's place."""


@dataclass(frozen=True)
class ListItem:
    """One entry of a list: a title line and optional detail lines."""

    title: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a picture (a PNG chart) shown as one where the platform can,
    any other type (an export) sent as a document.

    The reply's text is its caption or the message beside it; `alt_text` describes the
    picture for screen readers (Slack's alt text)."""

    filename: str
    content: bytes
    mime_type: str = "image/png"
    alt_text: str = ""


@dataclass(frozen=True)
class QuestionField:
    """One thing a question asks for: `name` (what an error about it is called, as in
    `Reply.field`), its label, an example of an answer, and whether it may stay empty."""

    name: str
    label: str
    example: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Question:
    """The reply asks its reader for more: their answer completes the command line `command`.

    The answer is the fields in order, separated by ` | ` (`/record 4` and `2,5 | signed`
    make `/record 4 2,5 | signed`). Where the platform has forms (a Slack modal) each field
    gets an input; elsewhere the next message of the person in that chat is the answer
    (a Telegram force-reply), and the reply's text says what to send.
    """

    command: str
    fields: tuple[QuestionField, ...]
    submit: str = ""

    def command_line(self, answers: tuple[str, ...]) -> str:
        """The command completed with the answers (empty optional fields at the end dropped)."""
        given = [" ".join(answer.split()) for answer in answers]
        while given and not given[-1]:
            given.pop()
        return f"{self.command} {' | '.join(given)}".strip()


@dataclass(frozen=True)
class Reply:
    """What a handler answers; adapters render it (HTML, Block Kit, text).

    All strings are plain text: adapters escape them for their format.
    `is_error` marks refusals and bad input (rendered privately where possible).
    `personal` marks answers meant for the asking user only.
    `locale` is the language the reply was written in.
    `attachment` is a file sent with it (a chart); the text goes as its caption or beside it.
    `notice` is a word for the asker alone (their own answer to an event): under a typed
    command it is shown with the reply; after a pressed button the shared message shows the
    rest and the notice goes to the presser privately (Telegram's callback answer, Slack's
    ephemeral message).
    `question` asks the reader for more (a value to record): see Question.
    `field` names what an error is about (`value`, `note`), so a form shows it there.
    """

    title: str = ""
    lines: tuple[str, ...] = ()
    items: tuple[ListItem, ...] = ()
    footer: str = ""
    buttons: tuple[Button, ...] = ()
    is_error: bool = False
    personal: bool = False
    locale: str = "sl"
    attachment: Attachment | None = None
    notice: str = ""
    question: Question | None = None
    field: str = ""

    def shared_part(self) -> Reply:
        """The reply without its notice: what may replace a message others see."""
        return replace(self, notice="")

    def plain_text(self) -> str:
        """The reply as readable plain text (console, fallbacks, tests)."""
        parts: list[str] = []
        if self.title:
            parts.append(self.title)
        parts.extend(self.lines)
        for item in self.items:
            parts.append(f"• {item.title}")
            parts.extend(f"  {detail}" for detail in item.details)
        if self.footer:
            parts.append(self.footer)
        if self.notice:
            parts.append(self.notice)
        if self.buttons:
            parts.append("  ".join(f"[{b.label}: {b.command}]" for b in self.buttons))
        return "\n".join(parts)
