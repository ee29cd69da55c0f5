"""Small handlers for Telegram updates: each turns an update into an IncomingCommand or a greeting.

No business logic lives here: the dispatcher decides what a command means and who may run it.
"""

from __future__ import annotations

import logging
import time

from telegram import Chat, ChatMember, ChatMemberUpdated, Message, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapters.telegram.delivery import Delivery, chat_identity
from bot.adapters.telegram.render import CallbackCommands
from bot.app import App
from bot.delivery import DeliveryFailed
from handlers.dispatcher import find_command
from handlers.i18n import Translator
from handlers.types import ChatKind, IncomingCommand, Reply

log = logging.getLogger(__name__)

GREETING_WINDOW = 60.0
"""Seconds within which a second "bot added" update for the same chat is not greeted again."""
REACHABLE_RECHECK = 600.0
"""Seconds during which further messages from a chat known to be active are not checked again."""
CALLBACK_ANSWER_LIMIT = 200
MEMBER_STATUSES = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER})


def language(code: str | None, supported: tuple[str, ...] = ("sl", "en")) -> str | None:
    """The user's Telegram language when we speak it (`en-GB` -> `en`), else None."""
    short = (code or "")[:2].lower()
    return short if short in supported else None


def incoming(user: User, chat: Chat, line: str) -> IncomingCommand:
    """A command line (`/events@bot week`) typed by `user` in `chat`, as a neutral command."""
    head, *rest = line.strip().split(maxsplit=1) or [""]
    return IncomingCommand(
        user_id=f"telegram:{user.id}",
        chat_id=chat_identity(chat.id),
        chat_kind=ChatKind.PRIVATE if chat.type == ChatType.PRIVATE else ChatKind.GROUP,
        name=head.lstrip("/").split("@", 1)[0],
        args=rest[0].strip() if rest else "",
        locale=language(user.language_code),
        display_name=user.full_name,
    )


def is_inside(member: ChatMember) -> bool:
    """Whether a chat member is (still) in the chat."""
    return member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))


class UpdateHandlers:
    """The bot's update handlers; the adapter wires them into the Application."""

    def __init__(self, app: App, delivery: Delivery, callbacks: CallbackCommands) -> None:
        self.app = app
        self.delivery = delivery
        self.callbacks = callbacks
        self._reachable_at: dict[str, float] = {}

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a known command (English or Slovenian) typed in a group or a private chat."""
        if update.message and update.message.text:
            await self._answer(update.message, update.message.text)

    async def other_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers other commands meant for this bot; those for other bots are left alone."""
        message = update.message
        if message is None or not message.text:
            return
        head = message.text.split(maxsplit=1)[0]
        _, _, addressee = head.partition("@")
        if addressee:
            if addressee.lower() != (context.bot.username or "").lower():
                return
        elif message.chat.type != ChatType.PRIVATE and find_command(head) is None:
            return
        await self._answer(message, message.text)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs a pressed button's command line and shows the answer in place of the message."""
        query = update.callback_query
        if query is None:
            return
        line = self.callbacks.command_for(query.data or "")
        if line is None:
            t = self._translator(query.from_user)
            await self._answer_query(
                query.id, t.gettext("This button has expired; please type the command again.")
            )
            return
        shown = query.message
        chat = shown.chat if shown is not None else None
        if chat is None:
            await self._answer_query(query.id)
            return
        reply = await self.app.dispatcher.handle(incoming(query.from_user, chat, line))
        if reply.is_error:
            await self._answer_query(query.id, reply.plain_text())
            return
        try:
            if isinstance(shown, Message):
                await self.delivery.edit(chat.id, shown.message_id, reply)
            else:
                await self.delivery.send(chat.id, reply)
        except DeliveryFailed as error:
            log.warning("button answer not delivered: %s", error)
        await self._answer_query(query.id)

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
                await self.app.services.reminders.deactivate_destination(
                    chat_identity(change.chat.id)
                )
            elif now_inside and not was_inside:
                await self._reachable(change.chat)
            return
        if was_inside and not now_inside:
            await self.app.services.directory.set_chat_active(chat_identity(change.chat.id), False)
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
        if await self.app.services.directory.move_chat(chat_identity(old), chat_identity(new)):
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
                chat.id, Reply(lines=(apology,), is_error=True, personal=True, locale=t.locale)
            )
        except DeliveryFailed as failure:
            log.warning("apology not delivered: %s", failure)

    async def _answer(self, message: Message, line: str) -> None:
        if message.from_user is None:
            return
        await self._heard_from(message.chat)
        command = incoming(message.from_user, message.chat, line)
        reply = await self.app.dispatcher.handle(command)
        quote = message.message_id if command.chat_kind is ChatKind.GROUP else None
        try:
            await self.delivery.send(message.chat.id, reply, quote=quote)
        except DeliveryFailed as error:
            log.warning("answer to /%s not delivered: %s", command.name, error)

    async def _greet(self, chat: Chat, actor: User, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._reachable(chat)
        if context.chat_data is not None:
            greeted_at = context.chat_data.get("greeted_at")
            if greeted_at is not None and time.monotonic() - greeted_at < GREETING_WINDOW:
                return
            context.chat_data["greeted_at"] = time.monotonic()
        identity = chat_identity(chat.id)
        directory = self.app.services.directory
        stored = await directory.context(f"telegram:{actor.id}", identity, is_group=True)
        locale = stored.chat_locale or (
            stored.coalition.default_locale if stored.coalition else None
        )
        t = self.app.translators.get(locale or "") or self._default_translator()
        if stored.coalition is not None:
            where = t.gettext("This chat belongs to %(name)s. Try /events.") % {
                "name": stored.coalition.name
            }
            lines: tuple[str, ...] = (where,)
        else:
            lines = (
                t.gettext("This chat is not bound to a coalition yet."),
                t.gettext("An admin binds it with /bind COALITION, e.g. /bind sasa."),
            )
        greeting = Reply(
            title=t.gettext("Hello! I keep the coalition's events, activities and contacts."),
            lines=lines,
            footer=t.gettext("Type /help for the list of commands."),
            locale=t.locale,
        )
        try:
            await self.delivery.send(chat.id, greeting)
        except DeliveryFailed as error:
            log.warning("greeting not delivered: %s", error)

    async def _reachable(self, chat: Chat) -> None:
        """The bot can write to this chat again: a binding marked inactive (the bot was
        removed, or refused) is active again, and gets reminders."""
        identity = chat_identity(chat.id)
        self._reachable_at[identity] = time.monotonic()
        if await self.app.services.reminders.reactivate(identity):
            log.info("%s is reachable again; its reminders resume", identity)

    async def _heard_from(self, chat: Chat) -> None:
        """A message from a chat shows the bot is in it (checked once in REACHABLE_RECHECK)."""
        seen = self._reachable_at.get(chat_identity(chat.id))
        if seen is not None and time.monotonic() - seen < REACHABLE_RECHECK:
            return
        if len(self._reachable_at) > 10_000:
            self._reachable_at.clear()
        await self._reachable(chat)

    async def _answer_query(self, query_id: str, text: str | None = None) -> None:
        try:
            await self.delivery.bot.answer_callback_query(
                query_id,
                text=text[:CALLBACK_ANSWER_LIMIT] if text else None,
                show_alert=bool(text),
            )
        except TelegramError as error:
            log.info("callback query %s not answered: %s", query_id, error)

    def _translator(self, user: User | None) -> Translator:
        locale = language(user.language_code if user else None)
        return self.app.translators.get(locale or "") or self._default_translator()

    def _default_translator(self) -> Translator:
        return self.app.translators[self.app.dispatcher.default_locale]
