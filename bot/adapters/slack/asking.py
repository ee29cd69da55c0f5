"""Asking the dispatcher on a person's behalf: who they are (users.info, remembered a while),
what they typed in plain words, and the stored context and language of their conversation."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.cache import TtlCache
from bot.adapters.slack.parse import (
    Where,
    command_line,
    plain_text,
    slack_locale,
    unnamed_users,
)
from handlers.chat_events import FormContext
from handlers.dispatcher import Dispatcher, find_command
from handlers.i18n import Translator
from handlers.types import ChatKind, InboundFile, Reply
from models.services.views import ChatContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """What users.info tells about a person: the Slack language (sl/en or None) and a name."""

    locale: str | None = None
    name: str = ""


class Asking:
    """Turns a person's words into the dispatcher's reply, in the language they read."""

    def __init__(
        self,
        client: AsyncWebClient,
        dispatcher: Dispatcher,
        *,
        profile_ttl: float = 3600.0,
        profile_cache_size: int = 1024,
    ) -> None:
        self.client = client
        self.dispatcher = dispatcher
        self.profiles: TtlCache[str, Profile] = TtlCache(profile_cache_size, profile_ttl)

    def translator(self, locale: str | None) -> Translator:
        translators = self.dispatcher.translators
        return translators.get(locale or "") or translators[self.dispatcher.default_locale]

    async def profile(self, team: str, user: str) -> Profile:
        """The person's Slack language and name (users.info), cached for a while."""
        key = f"{team}:{user}"
        cached = self.profiles.get(key)
        if cached is not None:
            return cached
        try:
            answer = await self.client.users_info(user=user, include_locale=True)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack: users.info for %s failed: %r", key, error)
            self.profiles.put(key, Profile(), ttl=60.0)
            return Profile()
        data = answer.get("user") or {}
        names = data.get("profile") or {}
        found = Profile(
            slack_locale(data.get("locale")),
            str(names.get("display_name") or names.get("real_name") or data.get("name") or ""),
        )
        self.profiles.put(key, found)
        return found

    async def who(self, where: Where) -> Profile:
        """The person asking, looked up in their own team."""
        return await self.profile(where.user_team or where.team, where.user)

    async def readable(self, text: str, where: Where, command: str) -> str:
        """What the person typed, Slack's markup read token by token: people mentioned by id
        alone are named from users.info; /role keeps the ids it needs."""
        spec = find_command(command)
        if spec is not None and spec.name == "role":
            return plain_text(text, keep_users=True)
        names = {user: (await self.profile(where.team, user)).name for user in unnamed_users(text)}
        return plain_text(text, {user: name for user, name in names.items() if name})

    async def ask(
        self, line: str, where: Where, *, display_name: str = "", file: InboundFile | None = None
    ) -> Reply:
        who = await self.who(where)
        command = command_line(
            line, where, locale=who.locale, display_name=display_name or who.name, file=file
        )
        return await self.dispatcher.handle(command)

    async def form(self, where: Where, slack: str | None) -> FormContext:
        """The stored context of this person and chat and the language a form speaks there."""
        return await self.dispatcher.chats.form(
            where.user_id, where.chat_id, where.chat_kind, platform=slack
        )

    def locale(self, stored: ChatContext | None, where: Where, slack: str | None) -> str:
        """The reader's language by the one rule: a channel's own, a person's own in private."""
        return self.dispatcher.reader(
            stored, is_group=where.chat_kind is ChatKind.GROUP, platform=slack
        ).locale

    async def reader(self, where: Where) -> FormContext:
        """The conversation's stored context and the translator its reader reads."""
        who = await self.who(where)
        return await self.form(where, who.locale)
