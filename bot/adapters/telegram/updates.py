"""Small handlers for Telegram updates: each turns an update into an IncomingCommand or a greeting.

No business logic lives here: the dispatcher decides what a command means and who may run it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from telegram import Chat, ChatMember, ChatMemberUpdated, Message, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapters.pressing import pressed
from bot.adapters.telegram.channels import channel_signer
from bot.adapters.telegram.delivery import Delivery, chat_identity
from bot.adapters.telegram.files import inbound_file
from bot.adapters.telegram.render import CallbackCommands
from bot.delivery import DeliveryFailed
from bot.latest import LatestOnly
from handlers.dispatcher import Dispatcher, find_command
from handlers.i18n import Translator
from handlers.imports.upload import file_line
from handlers.throttle import InboundLimiter, Verdict, slow_down
from handlers.types import ChatKind, InboundFile, IncomingCommand, Reply

log = logging.getLogger(__name__)

GREETING_WINDOW = 60.0
"""Seconds within which a second "bot added" update for the same chat is not greeted again."""
REACHABLE_RECHECK = 600.0
"""Seconds during which further messages from a chat known to be active are not checked again."""
CALLBACK_ANSWER_LIMIT = 200
MEMBER_STATUSES = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER})
FORWARD_WINDOW = 60.0
"""Seconds within which a person forwarding commands into a chat is not told why again."""


def language(code: str | None, supported: tuple[str, ...] = ("sl", "en")) -> str | None:
    """The user's Telegram language when we speak it (`en-GB` -> `en`), else None."""
    short = (code or "")[:2].lower()
    return short if short in supported else None


def incoming(user: User, chat: Chat, line: str, file: InboundFile | None = None) -> IncomingCommand:
    """A command line (`/events@bot week`) typed by `user` in `chat`, as a neutral command,
    with the file the message carried."""
    head, *rest = line.strip().split(maxsplit=1) or [""]
    return IncomingCommand(
        user_id=f"telegram:{user.id}",
        chat_id=chat_identity(chat.id),
        chat_kind=ChatKind.PRIVATE if chat.type == ChatType.PRIVATE else ChatKind.GROUP,
        name=head.lstrip("/").split("@", 1)[0],
        args=rest[0].strip() if rest else "",
        locale=language(user.language_code),
        display_name=user.full_name,
        file=file,
    )


def command_text(message: Message) -> str | None:
    """The command line a message carries, typed or as a photo's or document's caption; a
    document sent in a private chat without one is an import (handlers/imports/upload.py)."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return text
    if message.document is not None and message.chat.type == ChatType.PRIVATE:
        return file_line(text)
    return None


def topic_of(message: Message | None) -> int | None:
    """The forum topic a message was written in; None outside forum topics."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def is_inside(member: ChatMember) -> bool:
    """Whether a chat member is (still) in the chat."""
    return member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))


class UpdateHandlers:
    """The bot's update handlers; the adapter wires them into the Application."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        delivery: Delivery,
        callbacks: CallbackCommands,
        limiter: InboundLimiter | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.delivery = delivery
        self.callbacks = callbacks
        self.limiter = limiter or InboundLimiter(burst=0, per_minute=1)
        self.edits = LatestOnly()
        """The pressed messages' edits, the latest of each message only."""
        self._told_forwarded: dict[tuple[int, int], float] = {}
        self._reachable_at: dict[str, float] = {}

    def verdict(self, update: Update) -> Verdict:
        """Whether a command (typed, in a caption, or a button) is within its sender's limit.

        Called as the update arrives, before it waits for anything; other updates pass.
        """
        query = update.callback_query
        if query is not None:
            chat = query.message.chat if query.message is not None else None
            where = chat.id if chat is not None else query.from_user.id
            return self.limiter.check(f"telegram:{query.from_user.id}", chat_identity(where))
        message = update.message or update.channel_post
        line = command_text(message) if message is not None else None
        if message is None or line is None or not self._for_us(message, line):
            return Verdict.PASS  # not a command for this bot: costs nothing, answers nothing
        sender = message.from_user or message.sender_chat or message.chat
        return self.limiter.check(f"telegram:{sender.id}", chat_identity(message.chat.id))

    async def slow_down(self, update: Update) -> None:
        """The one answer to a person over the limit: in place of the command's answer."""
        t = self._translator(update.effective_user)
        reply = slow_down(t)
        query = update.callback_query
        if query is not None:
            await self._answer_query(query.id, reply.plain_text())
            return
        message = update.effective_message
        if message is None:
            return
        quote = message.message_id if message.chat.type != ChatType.PRIVATE else None
        try:
            await self.delivery.send(message.chat.id, reply, quote=quote, thread=topic_of(message))
        except DeliveryFailed as error:
            log.warning("slow-down answer not delivered: %s", error)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a known command (English or Slovenian) typed in a group or a private chat."""
        if update.message and update.message.text:
            await self._answer(update.message, update.message.text)

    async def other_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers other commands meant for this bot, typed or in a photo's or document's
        caption; those for other bots are left alone."""
        message = update.message
        line = command_text(message) if message is not None else None
        if message is None or line is None or not self._for_us(message, line):
            return
        await self._answer(message, line)

    async def channel_post(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command posted in a channel, run as the channel admin who signed it.

        Without a signer (channels.py) the command runs as the channel, which has no role;
        a /bind then tells the admins how to sign their posts.
        """
        message = update.channel_post
        line = command_text(message) if message is not None else None
        if message is None or line is None or not self._for_us(message, line):
            return
        if message.forward_origin is not None:
            await self._refuse_forwarded(message, message.chat.id)
            return
        signer = await channel_signer(self.delivery.bot, message)
        spec = find_command(line.split(maxsplit=1)[0])
        if signer is None and spec is not None and spec.name == "bind":
            t = self._default_translator()
            hint = Reply(
                lines=(
                    t.gettext("I cannot tell which admin posted this in the channel."),
                    t.gettext(
                        "Turn on “Sign messages” in the channel's settings and send the "
                        "command again."
                    ),
                ),
                is_error=True,
                locale=t.locale,
            )
            await self._send(message, hint, "bind")
            return
        author = signer or User(message.chat.id, message.chat.title or "", is_bot=False)
        command = incoming(author, message.chat, line)
        await self._send(message, await self.dispatcher.handle(command), command.name)

    def _for_us(self, message: Message, line: str) -> bool:
        """Whether a command line is meant for this bot (`/x@us`, or one of ours unaddressed)."""
        head = line.split(maxsplit=1)[0]
        _, _, addressee = head.partition("@")
        if addressee:
            return addressee.lower() == (self.delivery.bot.username or "").lower()
        return message.chat.type == ChatType.PRIVATE or find_command(head) is not None

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs a pressed button's command line and shows the answer in place of the message."""
        query = update.callback_query
        if query is None:
            return
        data = self.callbacks.command_for(query.data or "")
        if data is None:
            t = self._translator(query.from_user)
            await self._answer_query(
                query.id, t.gettext("This button has expired; please type the command again.")
            )
            return
        line, keeps_message = pressed(data)
        shown = query.message
        chat = shown.chat if shown is not None else None
        if chat is None:
            await self._answer_query(query.id)
            return
        command = incoming(query.from_user, chat, line)
        reply = await self.dispatcher.handle(command)
        if reply.is_error:
            await self._answer_query(query.id, reply.plain_text())
            return
        if reply.question is not None:  # asked apart: the message with the button stays
            await self._answer_query(query.id)
            try:
                thread = topic_of(shown) if isinstance(shown, Message) else None
                await self.delivery.send(chat.id, reply, thread=thread)
            except DeliveryFailed as error:
                log.warning("question not delivered: %s", error)
                return
            await self._asked(command, reply)
            return
        if keeps_message:  # an announcement: its own updates show the counts
            await self._answer_query(query.id, reply.notice or reply.plain_text(), alert=False)
            return
        if not isinstance(shown, Message):
            try:
                await self.delivery.send(chat.id, reply)
            except DeliveryFailed as error:
                log.warning("button answer not delivered: %s", error)
            await self._answer_query(query.id, reply.notice or None, alert=False)
            return
        # the presser's answer is asked for first; the message others see is edited beside
        # it, the latest of a burst of presses only (edits wait their turn in the group's
        # rate limit)
        shared, number, message_id = reply.shared_part(), chat.id, shown.message_id
        thread = topic_of(shown)

        async def edit() -> None:
            try:
                await self.delivery.edit(number, message_id, shared, thread=thread)
            except DeliveryFailed as error:
                log.warning("button answer not delivered: %s", error)

        self.edits.submit((number, message_id), edit)
        await self._answer_query(query.id, reply.notice or None, alert=False)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Words that are no command: the answer to a question the bot put to this person in
        this chat (in a group, only a reply to one of the bot's messages); else nothing."""
        message = update.message
        if message is None or message.from_user is None or not message.text:
            return
        if message.chat.type != ChatType.PRIVATE:
            answered = message.reply_to_message
            if answered is None or answered.from_user is None:
                return
            if answered.from_user.id != self.delivery.bot.id:
                return
        if message.forward_origin is not None:
            return
        said = replace(incoming(message.from_user, message.chat, ""), args=message.text.strip())
        reply = await self.dispatcher.answer(said)
        if reply is None:
            return
        await self._send(message, reply, said.name or "answer")
        if reply.question is not None:
            await self._asked(said, reply)

    async def _asked(self, command: IncomingCommand, reply: Reply) -> None:
        """The reply's question went out as a message: the person's next one answers it."""
        if reply.question is None:
            return
        try:
            await self.dispatcher.chats.asked(
                command.user_id, command.chat_id, reply.question.command
            )
        except Exception:
            log.exception("the question to %s could not be kept", command.user_id)

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greets a group the bot was added to; marks the chat inactive when it is removed
        (or blocked, in a private chat), and active again when it is back."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None:
            return
        was_inside = is_inside(change.old_chat_member)
        now_inside = is_inside(change.new_chat_member)
        if change.chat.type == ChatType.PRIVATE:  # the person blocked or unblocked the bot
            if was_inside and not now_inside:
                await self.dispatcher.chats.gone(chat_identity(change.chat.id))
            elif now_inside and not was_inside:
                await self._reachable(change.chat)
            return
        if was_inside and not now_inside:
            await self.dispatcher.chats.left(chat_identity(change.chat.id))
        elif now_inside and not was_inside:
            await self._greet(change.chat, change.from_user, context)
        elif now_inside:  # a member again, or an admin now: whatever stopped it may be over
            await self._reachable(change.chat)

    async def joined(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greets a group whose new members include this bot."""
        message = update.message
        if message is None or message.from_user is None:
            return
        if any(member.id == context.bot.id for member in message.new_chat_members):
            await self._greet(message.chat, message.from_user, context)

    async def migrated(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup, with a new id: its binding and language move along."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        if await self.dispatcher.chats.moved(chat_identity(old), chat_identity(new)):
            log.info("telegram:%s became telegram:%s; its binding moved along", old, new)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs a failed update with its id, and tells the user briefly that it went wrong."""
        if not isinstance(update, Update):
            log.error("Telegram error outside an update", exc_info=context.error)
            return
        log.error("update %d failed", update.update_id, exc_info=context.error)
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        t = self._translator(user)
        apology = t.gettext("Sorry, something went wrong on my side. Please try again.")
        try:
            await self.delivery.send(
                chat.id,
                Reply(lines=(apology,), is_error=True, personal=True, locale=t.locale),
                thread=topic_of(update.effective_message),
            )
        except DeliveryFailed as failure:
            log.warning("apology not delivered: %s", failure)

    async def _answer(self, message: Message, line: str) -> None:
        if message.from_user is None:
            return
        await self._heard_from(message.chat)
        if message.forward_origin is not None:
            await self._refuse_forwarded(message, message.from_user.id)
            return
        file = inbound_file(self.delivery.bot, message)
        command = incoming(message.from_user, message.chat, line, file)
        reply = await self.dispatcher.handle(command)
        await self._send(message, reply, command.name)
        if reply.question is not None:
            await self._asked(command, reply)

    async def _send(self, message: Message, reply: Reply, name: str) -> None:
        """Answers `message` where it was written: quoting it in a group, in its forum topic."""
        quote = message.message_id if message.chat.type != ChatType.PRIVATE else None
        try:
            await self.delivery.send(message.chat.id, reply, quote=quote, thread=topic_of(message))
        except DeliveryFailed as error:
            log.warning("answer to /%s not delivered: %s", name, error)

    async def _refuse_forwarded(self, message: Message, sender: int) -> None:
        """A forwarded command is not run (it may be old, or someone else's): says so once."""
        key, now = (sender, message.chat.id), time.monotonic()
        told = self._told_forwarded.get(key)
        if told is not None and now - told < FORWARD_WINDOW:
            return
        if len(self._told_forwarded) > 10_000:
            self._told_forwarded.clear()
        self._told_forwarded[key] = now
        t = self._translator(message.from_user)
        reply = Reply(
            lines=(
                t.gettext(
                    "I do not run forwarded commands: they may be old or meant for someone else."
                ),
                t.gettext("Type the command yourself if you mean it."),
            ),
            is_error=True,
            personal=True,
            locale=t.locale,
        )
        await self._send(message, reply, "forwarded")

    async def _greet(self, chat: Chat, actor: User, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._reachable(chat)
        if context.chat_data is not None:
            greeted_at = context.chat_data.get("greeted_at")
            if greeted_at is not None and time.monotonic() - greeted_at < GREETING_WINDOW:
                return
            context.chat_data["greeted_at"] = time.monotonic()
        identity = chat_identity(chat.id)
        greeting = await self.dispatcher.greet(f"telegram:{actor.id}", identity)
        try:
            await self.delivery.send(chat.id, greeting)
        except DeliveryFailed as error:
            log.warning("greeting not delivered: %s", error)

    async def _reachable(self, chat: Chat) -> None:
        """The bot can write to this chat again: a binding marked inactive (the bot was
        removed, or refused) is active again, and gets reminders."""
        identity = chat_identity(chat.id)
        self._reachable_at[identity] = time.monotonic()
        if await self.dispatcher.chats.reachable(identity):
            log.info("%s is reachable again; its reminders resume", identity)

    async def _heard_from(self, chat: Chat) -> None:
        """A message from a chat shows the bot is in it (checked once in REACHABLE_RECHECK)."""
        seen = self._reachable_at.get(chat_identity(chat.id))
        if seen is not None and time.monotonic() - seen < REACHABLE_RECHECK:
            return
        if len(self._reachable_at) > 10_000:
            self._reachable_at.clear()
        await self._reachable(chat)

    async def _answer_query(
        self, query_id: str, text: str | None = None, *, alert: bool = True
    ) -> None:
        """Ends the button's spinner; a text shows as an alert (a refusal) or a brief toast."""
        try:
            await self.delivery.bot.answer_callback_query(
                query_id,
                text=text[:CALLBACK_ANSWER_LIMIT] if text else None,
                show_alert=alert and bool(text),
            )
        except TelegramError as error:
            log.info("callback query %s not answered: %s", query_id, error)

    def _translator(self, user: User | None) -> Translator:
        locale = language(user.language_code if user else None)
        return self.dispatcher.translators.get(locale or "") or self._default_translator()

    def _default_translator(self) -> Translator:
        return self.dispatcher.translators[self.dispatcher.default_locale]
