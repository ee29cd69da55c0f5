"""A neutral Reply as Slack Block Kit (plus the plain-text fallback), within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bot.adapters.pressing import button_data
from handlers.types import Button, Reply

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS = 25
MAX_FALLBACK_TEXT = 3000
ACTION_PREFIX = "cb_"
BUTTONS_BLOCK = f"{ACTION_PREFIX}buttons"
PAGE = re.compile(r"(?:^|\s)(?:page|stran)=(\d{1,6})(?:\s|$)")
ELLIPSIS = "…"
RENDERINGS_KEPT = 512
NO_FORMAT = "\u200b"
"""A zero-width space: Slack has no escape for * _ ~ `, but a marker that touches one of these
neither opens nor closes formatting, and the reader sees the character as typed."""
MAY_OPEN = re.compile(r"(?<!\w)[*_~`]")
MAY_CLOSE = re.compile(r"[*_~`](?!\w)")


def _unformatted(text: str) -> str:
    """* _ ~ and ` kept from opening or closing bold, italics, strike or code.

    Only markers at a word's edge can format (`ana_novak` stays as it is, so addresses still
    link); a zero-width space goes before one that could open and after one that could close.
    """
    text = MAY_OPEN.sub(lambda m: NO_FORMAT + m.group(0), text)
    return MAY_CLOSE.sub(lambda m: m.group(0) + NO_FORMAT, text)


def escape(text: str) -> str:
    """User text made safe for mrkdwn: &, < and > as entities, formatting marks inert."""
    return _unformatted(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending with … when cut, never inside an &entity;."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text.strip(), limit) or ELLIPSIS, "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _pack(texts: Iterable[str], limit: int, separator: str) -> list[str]:
    """Joins texts into as few chunks of at most `limit` characters as their order allows."""
    chunks: list[str] = []
    for text in texts:
        for piece in _split(text, limit):
            if chunks and len(chunks[-1]) + len(separator) + len(piece) <= limit:
                chunks[-1] += separator + piece
            else:
                chunks.append(piece)
    return chunks


def _split(text: str, limit: int) -> list[str]:
    """A text longer than `limit` split at line ends (or hard, for one very long line)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            head = _cut(line, limit)[:-1]
            pieces.append(head)
            line = line[len(head) :]
        if pieces and len(pieces[-1]) + 1 + len(line) <= limit:
            pieces[-1] += "\n" + line
        else:
            pieces.append(line)
    return [piece for piece in pieces if piece]


def _body_texts(reply: Reply) -> tuple[list[str], list[str]]:
    """The reply's lines (as one text) and its items (one text each), escaped."""
    lines = [escape(line) for line in reply.lines if line.strip()]
    if reply.is_error and lines:
        lines[0] = f":warning: {lines[0]}"
    items = [
        "\n".join(
            [
                *([f"*{escape(item.title.strip())}*"] if item.title.strip() else []),
                *(escape(detail) for detail in item.details if detail.strip()),
            ]
        )
        for item in reply.items
    ]
    items = [item for item in items if item]
    return (["\n".join(lines)] if lines else []), items


def _body(reply: Reply, budget: int) -> list[Block]:
    """Sections for the lines and items: one per item when they fit, packed when they do not."""
    lines, items = _body_texts(reply)
    texts = _pack(lines, MAX_SECTION_TEXT, "\n") + [
        chunk for item in items for chunk in _split(item, MAX_SECTION_TEXT)
    ]
    if len(texts) > budget:
        texts = _pack(texts, MAX_SECTION_TEXT, "\n\n")
    if len(texts) > budget:
        texts = texts[: max(budget, 1)]
        texts[-1] = _cut(texts[-1], MAX_SECTION_TEXT - 2) + "\n" + ELLIPSIS
    return [_section(text) for text in texts if text.strip()]


def action_ids(buttons: Iterable[Button]) -> list[str]:
    """Unique action ids: `cb_page_N` for a page button, `cb_button_I` for any other."""
    ids: list[str] = []
    for index, button in enumerate(buttons):
        page = PAGE.search(button.command)
        candidate = f"{ACTION_PREFIX}page_{page.group(1)}" if page else ""
        ids.append(
            candidate if candidate and candidate not in ids else f"{ACTION_PREFIX}button_{index}"
        )
    return ids


def _actions(reply: Reply, block_id: str) -> list[Block]:
    usable = [
        b for b in reply.buttons if b.command.strip() and len(button_data(b)) <= MAX_BUTTON_VALUE
    ][:MAX_ACTIONS]
    if not usable:
        return []
    suffix = block_id.removeprefix(BUTTONS_BLOCK)  # unique across the view, not just the block
    elements = [
        {
            "type": "button",
            "action_id": action_id + suffix,
            "text": _plain(button.label, MAX_BUTTON_TEXT),
            "value": button_data(button),
        }
        for button, action_id in zip(usable, action_ids(usable), strict=True)
    ]
    return [{"type": "actions", "block_id": block_id, "elements": elements}]


def render_blocks(
    reply: Reply, *, max_blocks: int = MAX_MESSAGE_BLOCKS, buttons_block: str = BUTTONS_BLOCK
) -> list[Block]:
    """The reply as Block Kit blocks: header, sections, a context footer and buttons.

    `buttons_block` names the buttons' block: block ids must differ within one message or
    view, so a view showing several replies gives each its own.
    """
    head: list[Block] = []
    if not reply.title.strip():
        pass
    elif len(reply.title) <= MAX_HEADER_TEXT:
        head.append({"type": "header", "text": _plain(reply.title, MAX_HEADER_TEXT)})
    else:
        head.append(_section(_cut(f"*{escape(reply.title.strip())}*", MAX_SECTION_TEXT)))
    tail: list[Block] = []
    for note in (reply.footer, reply.notice):
        if note.strip():
            tail.append(
                {
                    "type": "context",
                    "elements": [{"type": "mrkdwn", "text": _cut(escape(note), MAX_CONTEXT_TEXT)}],
                }
            )
    tail.extend(_actions(reply, buttons_block))
    body = _body(reply, max_blocks - len(head) - len(tail))
    if not head and not body:
        body = [_section(ELLIPSIS)]
    return head + body + tail


def fallback_text(reply: Reply) -> str:
    """The plain-text `text` Slack shows in notifications and where blocks cannot be shown."""
    parts: list[str] = []
    if reply.title:
        parts.append(f"*{escape(reply.title.strip())}*")
    parts.extend(escape(line) for line in reply.lines if line)
    parts.extend(f"• {escape(item.title)}" for item in reply.items)
    parts.extend(escape(note) for note in (reply.footer, reply.notice) if note)
    return _cut("\n".join(parts), MAX_FALLBACK_TEXT) or ELLIPSIS


def message(reply: Reply) -> dict[str, Any]:
    """The `text` and `blocks` arguments of a message that shows this reply (the blocks are
    shared between calls: read them, never change them)."""
    if reply.attachment is not None:  # not kept: a picture is large, and rarely sent twice
        return {"text": fallback_text(reply), "blocks": render_blocks(reply)}
    text, blocks = _rendered(reply)
    return {"text": text, "blocks": blocks}


@lru_cache(maxsize=RENDERINGS_KEPT)
def _rendered(reply: Reply) -> tuple[str, list[Block]]:
    """Rendered once per reply: a remembered answer is sent again and again unchanged."""
    return fallback_text(reply), render_blocks(reply)


def response_type(reply: Reply) -> str:
    """Errors and personal answers are for the asker's eyes only; the rest for the channel."""
    return "ephemeral" if reply.is_error or reply.personal else "in_channel"
