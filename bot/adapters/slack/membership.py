"""Whether the bot is in a channel: asked before /bind, and followed through Slack's events;
whether a person's direct messages are reachable: they wrote there.

Removed from a channel (or the channel archived), the bot marks its binding inactive, so no
reminder is tried there; invited back (or the channel unarchived with the bot still in it),
it marks the binding active again and the channel's reminders resume.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.background import Listener
from bot.adapters.slack.cache import TtlCache
from bot.adapters.slack.webapi import error_code
from handlers.chat_events import ChatEvents

log = logging.getLogger(__name__)

GONE_EVENTS = ("channel_left", "group_left", "channel_archive", "group_archive")
"""The bot is out of the channel (or the channel is closed): its reminders stop."""
BACK_EVENTS = ("channel_unarchive", "group_unarchive")
"""The channel is open again: its reminders resume if the bot is still in it."""
MEMBER_EVENTS = ("member_joined_channel", "member_left_channel")
"""Someone joined or left; it matters when that someone is the bot."""
EVENTS = (*GONE_EVENTS, *BACK_EVENTS, *MEMBER_EVENTS)
NOT_VISIBLE = frozenset({"channel_not_found", "not_in_channel"})
MEMBERS_TTL = 300.0
"""Seconds a channel's member list (conversations.members) is remembered."""


class Membership:
    """Keeps chat bindings active exactly while the bot can post in their channel."""

    def __init__(
        self,
        chats: ChatEvents,
        client: AsyncWebClient,
        workspace: Callable[..., str],
    ) -> None:
        self.chats = chats
        self.client = client
        self.workspace = workspace
        self.channel_members: TtlCache[str, frozenset[str]] = TtlCache(256, MEMBERS_TTL)

    def register(self, bolt: AsyncApp, later: Callable[[Listener], Listener]) -> None:
        """Listens to the membership events; `later` lets each return before its work ends."""
        for name in GONE_EVENTS:
            bolt.event(name)(later(self._gone))
        for name in BACK_EVENTS:
            bolt.event(name)(later(self._back))
        for name in MEMBER_EVENTS:
            bolt.event(name)(later(self._member))

    async def bot_in(self, channel: str) -> bool | None:
        """True when the bot is a member of the channel, False when not (a private channel
        it is not in looks missing), None when Slack does not say."""
        try:
            answer = await self.client.conversations_info(channel=channel)
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code in NOT_VISIBLE:
                return False
            log.warning("Slack: conversations.info for %s failed: %s", channel, code)
            return None
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack: conversations.info for %s failed: %r", channel, error)
            return None
        info = answer.get("channel") or {}
        if info.get("is_im"):
            return True
        if "is_member" not in info:
            return None
        return bool(info["is_member"])

    async def heard_from(self, chat_id: str) -> None:
        """A message from a conversation shows the bot can write there: reminders paused
        because it seemed gone (a person's direct messages) resume. Checked on every message
        (one small read): the pause is decided elsewhere, when a reminder finds the chat gone,
        so nothing remembered here could know it."""
        try:
            resumed = await self.chats.reachable(chat_id)
        except Exception as error:
            log.warning("Slack: could not resume reminders in %s: %r", chat_id, error)
            return
        if resumed:
            log.info("Slack: %s is reachable again; its reminders resume", chat_id)

    async def is_member(self, chat_id: str, user_id: str) -> bool | None:
        """Whether a person is in a channel (conversations.members, every page, remembered a
        few minutes); None when Slack cannot say."""
        channel, user = chat_id.rsplit(":", 1)[-1], user_id.rsplit(":", 1)[-1]
        members = self.channel_members.get(channel)
        if members is None:
            found: set[str] = set()
            cursor = ""
            try:
                while True:
                    page = await self.client.conversations_members(
                        channel=channel, limit=1000, cursor=cursor or None
                    )
                    found.update(str(member) for member in page.get("members") or [])
                    cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
                    if not cursor:
                        break
            except SlackApiError as error:
                log.warning("Slack: conversations.members %s: %s", chat_id, error_code(error))
                return None
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("Slack: conversations.members %s failed: %r", chat_id, error)
                return None
            members = frozenset(found)
            self.channel_members.put(channel, members)
        return user in members

    def _chat_id(self, body: dict[str, Any], event: dict[str, Any]) -> str:
        channel = event.get("channel")
        if isinstance(channel, dict):  # some events name the channel as an object
            channel = channel.get("id")
        team = self.workspace(body.get("team_id"), event.get("team"))
        return f"slack:{team}:{channel or ''}"

    async def _set(self, chat_id: str, active: bool, why: str) -> None:
        try:
            changed = await (self.chats.back if active else self.chats.left)(chat_id)
        except Exception as error:
            log.error("Slack: could not mark %s %s: %r", chat_id, why, error)
            return
        if changed:
            state = "active again" if active else "inactive"
            log.info("Slack: %s is %s (%s)", chat_id, state, why)

    async def _gone(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        await self._set(self._chat_id(body, event), False, str(event.get("type")))

    async def _back(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        channel = self._chat_id(body, event).rsplit(":", 1)[1]
        if await self.bot_in(channel):
            await self._set(self._chat_id(body, event), True, str(event.get("type")))

    async def _member(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not context.bot_user_id or event.get("user") != context.bot_user_id:
            return
        joined = event.get("type") == "member_joined_channel"
        await self._set(self._chat_id(body, event), joined, str(event.get("type")))
