"""A neutral Reply as Telegram HTML: escaped, split within the message limit, buttons attached."""

from __future__ import annotations

import hashlib
import html
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.pressing import button_data, pressed
from bot.adapters.telegram.limits import CALLBACK_DATA_LIMIT, MESSAGE_LIMIT
from handlers.types import Button, Question, Reply

BULLET = "• "
INDENT = "    "
BUTTONS_PER_ROW = 3
SHORT_DATA_PREFIX = "~"
RENDERINGS_KEPT = 512
PLACEHOLDER_LIMIT = 64


@dataclass(frozen=True)
class Line:
    """One line of a message: plain text and the tag it is wrapped in ("", "b" or "i")."""

    text: str
    tag: str = ""


def escape(text: str) -> str:
    """User text made safe for Telegram HTML: `<`, `>` and `&` become entities."""
    return html.escape(text, quote=False)


def units(text: str) -> int:
    """A string's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def lines_of(reply: Reply) -> list[Line]:
    """The reply's parts, top to bottom: title bold, items as lines, details indented, footer."""
    lines: list[Line] = []
    if reply.title:
        lines.append(Line(reply.title, "b"))
    lines.extend(Line(line) for line in reply.lines)
    for item in reply.items:
        lines.append(Line(BULLET + item.title))
        lines.extend(Line(INDENT + detail) for detail in item.details)
    if reply.footer:
        lines += [Line(""), Line(reply.footer, "i")]
    if reply.notice:
        lines += [Line(""), Line(reply.notice, "i")]
    return lines


def to_html(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply as one or more HTML messages, each at most `limit` long.

    Messages are split between lines, so a tag never spans two messages; a single line
    that is too long on its own is cut into pieces that each carry the line's tag.
    """
    if reply.attachment is not None:  # not kept: a picture is large, and rarely sent twice
        return list(_render(reply, limit))
    return list(_rendered(reply, limit))


@lru_cache(maxsize=RENDERINGS_KEPT)
def _rendered(reply: Reply, limit: int) -> tuple[str, ...]:
    """Rendered once per reply: a remembered answer is sent again and again unchanged."""
    return _render(reply, limit)


def _render(reply: Reply, limit: int) -> tuple[str, ...]:
    pieces = [piece for line in lines_of(reply) for piece in _render_line(line, limit)]
    chunks: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        extra = units(piece) + (1 if chunks[-1] else 0)
        if chunks[-1] and size + extra > limit:
            chunks.append([])
            extra = units(piece)
            size = 0
        chunks[-1].append(piece)
        size += extra
    messages = ["\n".join(chunk).strip("\n") for chunk in chunks]
    return tuple(message for message in messages if message.strip()) or ("…",)


def _render_line(line: Line, limit: int) -> list[str]:
    opening, closing = (f"<{line.tag}>", f"</{line.tag}>") if line.tag else ("", "")
    budget = limit - units(opening + closing)
    return [opening + escape(part) + closing for part in _cut(line.text, budget)]


def _cut(text: str, budget: int) -> list[str]:
    """Plain text in parts whose escaped form fits `budget`, cut after a space where possible."""
    parts: list[str] = []
    while units(escape(text)) > budget:
        used = end = 0
        for index, char in enumerate(text):
            cost = units(escape(char))
            if used + cost > budget:
                break
            used += cost
            end = index + 1
        space = text.rfind(" ", 0, end)
        if space >= end // 2:
            end = space + 1
        end = max(end, 1)
        parts.append(text[:end])
        text = text[end:]
    parts.append(text)
    return parts


class CallbackCommands:
    """callback_data for buttons: the command line itself, or a short key when it is too long.

    Telegram allows 64 bytes of callback_data. Longer command lines are kept here under a
    key derived from their hash (the most recent `size` of them); a key that is no longer
    known (after a restart, or in another process) resolves to None.
    """

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._commands: OrderedDict[str, str] = OrderedDict()

    def data_for(self, command: str) -> str:
        if len(command.encode()) <= CALLBACK_DATA_LIMIT:
            return command
        key = SHORT_DATA_PREFIX + hashlib.sha256(command.encode()).hexdigest()[:32]
        self._commands[key] = command
        self._commands.move_to_end(key)
        while len(self._commands) > self._size:
            self._commands.popitem(last=False)
        return key

    def command_for(self, data: str) -> str | None:
        """The button's data as `data_for` was given it, or None when unknown."""
        if data.startswith(SHORT_DATA_PREFIX):
            return self._commands.get(data)
        return data if pressed(data)[0].startswith("/") else None


def keyboard(
    buttons: Sequence[Button], data_for: Callable[[str], str]
) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard, each pressing sends its command line back."""
    if not buttons:
        return None
    keys = [InlineKeyboardButton(b.label, callback_data=data_for(button_data(b))) for b in buttons]
    rows = [keys[i : i + BUTTONS_PER_ROW] for i in range(0, len(keys), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def answer_box(question: Question) -> ForceReply:
    """A question as Telegram's reply box, opened for the person asked (`selective`: in a
    group, only for whom the message mentions or answers), with an example answer in it."""
    example = " | ".join(field.example for field in question.fields if field.example)
    return ForceReply(selective=True, input_field_placeholder=example[:PLACEHOLDER_LIMIT] or None)


def markup_of(
    reply: Reply, data_for: Callable[[str], str]
) -> InlineKeyboardMarkup | ForceReply | None:
    """What goes under the reply's last message: the reply box of its question, else its
    buttons."""
    if reply.question is not None:
        return answer_box(reply.question)
    return keyboard(reply.buttons, data_for)
