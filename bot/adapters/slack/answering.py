"""Answering a person where they asked, with fallbacks: plain text when Slack refuses the
blocks, their direct messages when the place is out of reach, the interaction's response_url
first when there is one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.parse import Where
from bot.adapters.slack.render import fallback_text, message, response_type
from bot.adapters.slack.webapi import error_code, retry_handlers
from handlers.i18n import Translator
from handlers.types import ChatKind, Reply

log = logging.getLogger(__name__)

ALT_TEXT_LIMIT = 1000
"""Characters of a file's alt text that Slack keeps."""
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
UNREACHABLE = CHANNEL_ERRORS | {"restricted_action", "user_not_in_channel"}
"""Answers refused for where they go, not for what they say: plain text there would fail too."""


class Answering:
    """Posts, updates and responds; nobody is left without an answer."""

    def __init__(
        self,
        client: AsyncWebClient,
        translator: Callable[[str | None], Translator],
        session: Callable[[], aiohttp.ClientSession | None],
    ) -> None:
        self.client = client
        self.translator = translator
        self.session = session

    async def post(self, where: Where, reply: Reply, *, thread_ts: str | None = None) -> None:
        """Answers in the conversation: privately (ephemeral) for errors and personal views.

        Nobody is left without an answer: when Slack refuses the blocks (or keeps answering
        429), the plain text goes to the same place; when the place itself is out of reach
        (the bot or the person is not in the channel, posting is restricted), or the text
        fails too, the answer goes to the person's direct messages.
        """
        if reply.attachment is not None:
            await self.upload(where, reply, thread_ts=thread_ts)
            return
        ephemeral = (reply.is_error or reply.personal) and where.chat_kind is ChatKind.GROUP
        code = await self._try_post(where, message(reply), ephemeral, thread_ts)
        if code is None:
            return
        if code not in UNREACHABLE:
            plain = {"text": fallback_text(reply)}
            retried = await self._try_post(where, plain, ephemeral, thread_ts)
            if retried is None:
                return
            code = retried
        direct = replace(where, channel=where.user, private=True)
        if where.chat_kind is ChatKind.PRIVATE and where.channel in ("", where.user):
            log.error("Slack: could not answer %s at all: %s", where.user_id, code)
            return
        if code in CHANNEL_ERRORS | {"restricted_action"} and where.chat_kind is ChatKind.GROUP:
            log.warning(
                "Slack: cannot post in %s (%s); answering %s directly",
                where.chat_id,
                code,
                where.user_id,
            )
            note = self.translator(reply.locale).gettext(
                "I cannot post in that channel. Invite me there, or talk to me here."
            )
            reply = replace(reply, lines=(note, *reply.lines))
        else:
            log.warning("Slack: answering %s directly after %s", where.user_id, code)
        for body in (message(reply), {"text": fallback_text(reply)}):
            last = await self._try_post(direct, body, False, None)
            if last is None:
                return
        log.error("Slack: could not answer %s at all: %s", where.user_id, last)

    async def _try_post(
        self, where: Where, body: dict[str, Any], ephemeral: bool, thread_ts: str | None
    ) -> str | None:
        """Posts once (with the client's retries); None when it went out, else why not."""
        try:
            if ephemeral:
                await self.client.chat_postEphemeral(
                    channel=where.channel, user=where.user, thread_ts=thread_ts, **body
                )
            else:
                await self.client.chat_postMessage(
                    channel=where.channel, thread_ts=thread_ts, **body
                )
        except SlackApiError as error:
            return error_code(error)
        except (aiohttp.ClientError, TimeoutError) as error:
            return type(error).__name__
        return None

    async def respond(
        self,
        response_url: str,
        reply: Reply,
        where: Where,
        *,
        replace_original: bool = False,
        thread_ts: str | None = None,
        original_ts: str = "",
    ) -> None:
        """Answers through the interaction's response_url, else through the Web API: a message
        that was to be replaced (`original_ts`) is edited with chat.update. A reply with a
        file is uploaded into the conversation, its text the file's comment."""
        if reply.attachment is not None:
            await self.upload(where, reply, thread_ts=thread_ts)
            return
        if response_url:
            body: dict[str, Any] = {
                **message(reply),
                "response_type": response_type(reply),
                "replace_original": replace_original,
            }
            webhook = AsyncWebhookClient(
                response_url, session=self.session(), retry_handlers=retry_handlers()
            )
            try:
                answer = await webhook.send_dict(body)
                if answer.status_code == 200:
                    return
                log.warning("Slack: response_url answered %s %s", answer.status_code, answer.body)
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("Slack: response_url failed: %r", error)
        if replace_original and original_ts and await self._update(where, original_ts, reply):
            return
        await self.post(where, reply, thread_ts=thread_ts)

    async def upload(self, where: Where, reply: Reply, *, thread_ts: str | None = None) -> None:
        """Uploads the reply's file (files_upload_v2) with its text as the comment; where Slack
        refuses, the text alone is posted, so nobody is left without an answer."""
        attachment = reply.attachment
        if attachment is None:
            await self.post(where, reply, thread_ts=thread_ts)
            return
        try:
            await self.client.files_upload_v2(
                channel=where.channel,
                file=attachment.content,
                filename=attachment.filename,
                title=reply.title or attachment.filename,
                alt_txt=attachment.alt_text[:ALT_TEXT_LIMIT],
                initial_comment=fallback_text(reply),
                thread_ts=thread_ts,
            )
            return
        except SlackApiError as error:
            log.warning("Slack: the file upload failed: %s", error_code(error))
        except (aiohttp.ClientError, TimeoutError, SlackClientError) as error:
            log.warning("Slack: the file upload failed: %r", error)
        await self.post(where, replace(reply, attachment=None), thread_ts=thread_ts)

    async def _update(self, where: Where, ts: str, reply: Reply) -> bool:
        """Edits the message `ts` to show the reply; False when Slack refuses."""
        try:
            await self.client.chat_update(channel=where.channel, ts=ts, **message(reply))
        except SlackApiError as error:
            log.warning("Slack: chat.update failed: %s", error_code(error))
            return False
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack: chat.update failed: %r", error)
            return False
        return True
