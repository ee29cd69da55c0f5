"""The App Home: a short help for everyone, the coalition's next events and deadlines and its
goals, and for coordinators and admins their tools (and, for admins, the reminders' state) at
a glance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.render import (
    BUTTONS_BLOCK,
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    Block,
    render_blocks,
)
from handlers.commands import COMMANDS
from handlers.i18n import N_, Translator
from handlers.types import Reply
from models.entities import Role

LISTS = ("events", "deadlines", "goals")
"""The commands whose answers the Home shows for everyone, in this order: the next events and
deadlines, and the goals at a glance (each goal's status, each indicator's progress)."""
OPENED_IN = {"goal": "goals"}
"""A button of a section that opens another command in the same place (a goal of the list)."""
SHORT_HELP_COMMANDS = ("events", "deadlines", "contacts")
TOOLS_TITLES = {
    Role.COORDINATOR: N_("Your tools as a coordinator"),
    Role.ADMIN: N_("Your tools as an admin"),
}


@dataclass(frozen=True)
class HomeParts:
    """The replies the Home is made of; `tools` and `status` only for whom they concern."""

    help: Reply
    lists: tuple[tuple[str, Reply], ...]
    tools: Reply | None = None
    status: Reply | None = None


def section_of(command: str) -> str | None:
    """The Home's section where the answer to `command` (a pressed button's) is shown."""
    if command in LISTS:
        return command
    return OPENED_IN.get(command)


def _name(t: Translator, command: str) -> str:
    spec = next(spec for spec in COMMANDS if spec.name == command)
    return f"/{spec.alias if t.locale == 'sl' else spec.name}"


def short_help(t: Translator) -> Reply:
    """Two lines for everyone: how to ask, and where the full list is."""
    examples = ", ".join(_name(t, command) for command in SHORT_HELP_COMMANDS)
    return Reply(
        lines=(
            t.gettext("Ask me with a slash command in any channel, or write to me under Messages."),
            t.gettext("Try %(examples)s; %(help)s lists everything you may use.")
            % {"examples": examples, "help": _name(t, "help")},
        ),
        locale=t.locale,
    )


def tools(t: Translator, role: Role) -> Reply | None:
    """The commands only coordinators (and admins) may use, for a coordinator or an admin."""
    title = TOOLS_TITLES.get(role)
    if title is None:
        return None
    lines = tuple(
        f"{_name(t, spec.name)} — {t.gettext(spec.summary)}"
        for spec in COMMANDS
        if spec.role is not Role.MEMBER and role.at_least(spec.role)
    )
    return Reply(title=t.gettext(title), lines=lines, locale=t.locale)


def home_view(parts: HomeParts) -> dict[str, Any]:
    """The Home as a view of at most 100 blocks, every block id used once."""
    fixed: list[list[Block]] = [render_blocks(parts.help, buttons_block=f"{BUTTONS_BLOCK}_help")]
    for name, reply in (("tools", parts.tools), ("status", parts.status)):
        if reply is not None:
            fixed.append(render_blocks(reply, buttons_block=f"{BUTTONS_BLOCK}_{name}"))
    dividers = len(fixed) + len(parts.lists) - 1
    room = MAX_VIEW_BLOCKS - dividers - sum(len(blocks) for blocks in fixed)
    budget = min(room // max(len(parts.lists), 1), MAX_MESSAGE_BLOCKS)
    lists = [
        render_blocks(reply, max_blocks=budget, buttons_block=f"{BUTTONS_BLOCK}_{name}")
        for name, reply in parts.lists
    ]
    blocks: list[Block] = []
    for section in [fixed[0], *lists, *fixed[1:]]:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(section)
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
