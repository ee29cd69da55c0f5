"""Sending and editing rendered replies, and what Telegram's refusals mean for the chat."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InputFile, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    TelegramError,
)

from bot.adapters.telegram.limits import CAPTION_LIMIT, MESSAGE_LIMIT
from bot.adapters.telegram.render import CallbackCommands, keyboard, markup_of, to_html
from bot.delivery import DeliveryFailed, SendFailure
from handlers.types import Reply

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
NOT_ALLOWED_SIGNS = (
    "not enough rights",
    "have no rights",
    "chat_write_forbidden",
    "need administrator rights",
    "chat_admin_required",
    "chat_restricted",
    "topic_closed",
    "user_restricted",
)
"""Refusals of a chat the bot is in but may not post to (now): checked first."""
GONE_SIGNS = (
    "bot was blocked",
    "bot was kicked",
    "bot is not a member",
    "chat not found",
    "user is deactivated",
    "chat was deleted",
    "group chat was deactivated",
    "bot can't initiate conversation",
    "bot can't send messages to bots",
    "peer_id_invalid",
    "channel_private",
)
"""Refusals that mean the chat is gone for the bot: deleted, left, blocked or kicked."""


def classify(error: TelegramError) -> SendFailure:
    """What a Bot API error means for the chat (ChatMigrated is handled before this).

    Telegram words its refusals in the description: 403 "Forbidden: bot was blocked by the
    user", "bot was kicked from the group chat", "user is deactivated"; 400 "chat not found",
    "not enough rights to send text messages to the chat", "can't parse entities", "message
    is too long"; 401/404 for a wrong token. A refusal not recognised is never taken for a
    gone chat: a 403 is retried as not allowed, a 400 is a refused message.
    """
    text = str(error).lower()
    if isinstance(error, InvalidToken | EndPointNotFound):
        return SendFailure.SETUP
    if isinstance(error, Forbidden | BadRequest):
        if any(sign in text for sign in NOT_ALLOWED_SIGNS):
            return SendFailure.NOT_ALLOWED
        if any(sign in text for sign in GONE_SIGNS):
            return SendFailure.GONE
        return SendFailure.NOT_ALLOWED if isinstance(error, Forbidden) else SendFailure.CONTENT
    return SendFailure.UNAVAILABLE


def chat_identity(chat_id: int) -> str:
    return f"telegram:{chat_id}"


class ChatMoved(DeliveryFailed):
    """Telegram gave the chat a new id (a group became a supergroup)."""

    def __init__(self, chat_id: str, reason: str, new_chat_id: int) -> None:
        super().__init__(chat_id, reason, failure=SendFailure.GONE)
        self.new_chat_id = new_chat_id


class Delivery:
    """Puts replies into chats through the bot (and so through its rate limiter).

    Every failure becomes DeliveryFailed with its `SendFailure` (see `classify`). A chat that
    is gone for the bot is marked inactive through `on_gone`. A chat that became a supergroup
    moves its binding through `on_moved` (old and new chat) and gets the message at its new id.
    """

    def __init__(
        self,
        bot: Bot,
        callbacks: CallbackCommands,
        on_gone: Callable[[str], Awaitable[object]],
        on_moved: Callable[[str, str], Awaitable[object]],
    ) -> None:
        self.bot = bot
        self.callbacks = callbacks
        self.on_gone = on_gone
        self.on_moved = on_moved

    async def send(
        self, chat_id: int, reply: Reply, *, quote: int | None = None, thread: int | None = None
    ) -> list[Message]:
        """Sends the reply as one or more messages; the buttons go with the last one.

        `thread` is the forum topic every part goes to (None: the chat's main thread).
        """
        try:
            return await self._send(chat_id, reply, quote, thread)
        except ChatMoved as moved:
            return await self._send(moved.new_chat_id, reply, None, None)

    async def _send(
        self, chat_id: int, reply: Reply, quote: int | None, thread: int | None
    ) -> list[Message]:
        attachment = reply.attachment
        chunks = to_html(reply, CAPTION_LIMIT if attachment else MESSAGE_LIMIT)
        markup = markup_of(reply, self.callbacks.data_for)
        sent: list[Message] = []
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            reply_to = (
                ReplyParameters(quote, allow_sending_without_reply=True)
                if quote is not None and index == 0
                else None
            )
            if attachment is not None and index == 0:  # the file, its caption the start
                send = (
                    self.bot.send_photo
                    if attachment.mime_type.startswith("image/")
                    else self.bot.send_document
                )
                request = send(
                    chat_id,
                    InputFile(attachment.content, filename=attachment.filename),
                    caption=chunk,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None,
                    reply_parameters=reply_to,
                    message_thread_id=thread,
                )
                sent.append(await self._call(chat_id, request))
                continue
            message = await self._call(
                chat_id,
                self.bot.send_message(
                    chat_id,
                    chunk,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None,
                    reply_parameters=reply_to,
                    message_thread_id=thread,
                    link_preview_options=NO_PREVIEW,
                ),
            )
            sent.append(message)
        return sent

    async def edit(
        self, chat_id: int, message_id: int, reply: Reply, *, thread: int | None = None
    ) -> None:
        """Replaces a message's text and buttons; what does not fit follows as new messages
        (in the forum topic `thread`, where the edited message is)."""
        first, *rest = to_html(reply)
        markup = keyboard(reply.buttons, self.callbacks.data_for)
        try:
            await self._call(
                chat_id,
                self.bot.edit_message_text(
                    first,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None if rest else markup,
                    link_preview_options=NO_PREVIEW,
                ),
            )
        except DeliveryFailed as error:
            if "not modified" not in error.reason.lower():
                raise
        for index, chunk in enumerate(rest):
            await self._call(
                chat_id,
                self.bot.send_message(
                    chat_id,
                    chunk,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if index == len(rest) - 1 else None,
                    message_thread_id=thread,
                    link_preview_options=NO_PREVIEW,
                ),
            )

    async def _call(self, chat_id: int, request: Awaitable[Message | bool]) -> Message:
        identity = chat_identity(chat_id)
        try:
            result = await request
        except ChatMigrated as error:
            moved_to = chat_identity(error.new_chat_id)
            log.info("%s is now %s; its binding moves along", identity, moved_to)
            try:
                await self.on_moved(identity, moved_to)
            except Exception:
                log.exception("could not move %s to %s", identity, moved_to)
            raise ChatMoved(identity, str(error), error.new_chat_id) from error
        except TelegramError as error:
            failure = classify(error)
            if failure.deactivates:
                log.warning("%s is gone for the bot (%s); marking it inactive", identity, error)
                try:
                    await self.on_gone(identity)
                except Exception:
                    log.exception("could not mark %s inactive", identity)
            raise DeliveryFailed(identity, str(error), failure=failure) from error
        if not isinstance(result, Message):
            raise DeliveryFailed(identity, "inline message edited", failure=SendFailure.CONTENT)
        return result
