"""The App Home tab: published when a person opens it, and again when they press its buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.asking import Asking
from bot.adapters.slack.home import LISTS, HomeParts, home_view, section_of, short_help, tools
from bot.adapters.slack.parse import Where
from bot.adapters.slack.webapi import error_code
from handlers.dispatcher import find_command
from handlers.types import Reply
from models.entities import Role

log = logging.getLogger(__name__)


def person_team(body: dict[str, Any], event: dict[str, Any]) -> str:
    """The person's own team: a Slack Connect guest's differs from the workspace's."""
    profile = event.get("user_profile") or {}
    return str(
        event.get("user_team")
        or profile.get("team")
        or body.get("team_id")
        or event.get("team")
        or ""
    )


class AppHome:
    """Builds each person's Home from the dispatcher's answers and publishes it."""

    def __init__(
        self, client: AsyncWebClient, asking: Asking, workspace: Callable[..., str]
    ) -> None:
        self.client = client
        self.asking = asking
        self.workspace = workspace

    async def on_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        where = Where(
            self.workspace(body.get("team_id"), event.get("team")),
            str(event["user"]),
            str(event.get("channel") or ""),
            private=True,
            user_team=person_team(body, event),
        )
        await self.publish(where)

    def shows(self, line: str) -> bool:
        """Whether a button's command line is answered in one of the Home's sections."""
        clicked = find_command(line.split(maxsplit=1)[0]) if line.strip() else None
        return clicked is not None and section_of(clicked.name) is not None

    async def publish(self, where: Where, line: str = "") -> None:
        """The person's coalition at a glance: a short help, the /events, /deadlines and
        /goals answers (a pressed button's answer in its section: the next page, one goal),
        and for coordinators and admins their tools (admins: /status too)."""
        clicked = find_command(line.split(maxsplit=1)[0]) if line.strip() else None
        opened = section_of(clicked.name) if clicked is not None else None
        lists: list[tuple[str, Reply]] = []
        for section in LISTS:
            ask = line if opened == section else f"/{section}"
            lists.append((section, await self.asking.ask(ask, where)))
        context = await self.asking.reader(where)
        stored, t = context.stored, context.translator
        role = stored.role if stored is not None and stored.coalition is not None else None
        status: Reply | None = None
        if role is Role.ADMIN:
            status = await self.asking.ask("/status", where)
            status = None if status.is_error else status
        parts = HomeParts(short_help(t), tuple(lists), tools(t, role) if role else None, status)
        try:
            await self.client.views_publish(user_id=where.user, view=home_view(parts))
        except SlackApiError as error:
            log.error("Slack: views.publish for %s failed: %s", where.user_id, error_code(error))
