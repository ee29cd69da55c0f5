"""The Telegram adapter: builds the python-telegram-bot Application, starts and stops it."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.adapters.telegram.delivery import Delivery
from bot.adapters.telegram.lanes import ChatLanes
from bot.adapters.telegram.limits import (
    COMMAND_NAME_LIMIT,
    DESCRIPTION_LIMIT,
    ResilientRateLimiter,
)
from bot.adapters.telegram.render import CallbackCommands
from bot.adapters.telegram.stopping import confirmation_failure_as_warning
from bot.adapters.telegram.transport import AiohttpRequest
from bot.adapters.telegram.updates import UpdateHandlers, is_inside
from bot.adapters.telegram.webhook import WebhookServer
from bot.config import TelegramConfig, ThrottleConfig
from bot.delivery import DeliveryFailed
from handlers.commands import COMMANDS
from handlers.dispatcher import Dispatcher
from handlers.i18n import Translator
from handlers.throttle import InboundLimiter
from handlers.types import Reply

log = logging.getLogger(__name__)

ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.CHANNEL_POST,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)
CAPTION_COMMAND = filters.CaptionRegex(r"^/")
PRIVATE_FILE = filters.Document.ALL & filters.ChatType.PRIVATE
"""A document sent to the bot privately: an import, whatever its caption says."""
MENU_HIDDEN = frozenset({"start"})


def menu(translator: Translator, slovenian: bool) -> list[BotCommand]:
    """The command menu in one language: names as Telegram accepts them, with descriptions."""
    commands = []
    for spec in COMMANDS:
        name = spec.alias if slovenian else spec.name
        if spec.name in MENU_HIDDEN:
            continue
        if not (name.isascii() and name.replace("_", "").isalnum() and name.islower()):
            log.warning("/%s cannot be a Telegram command; left out of the menu", name)
            continue
        description = translator.gettext(spec.summary).strip() or name
        if len(description) > DESCRIPTION_LIMIT:
            description = description[: DESCRIPTION_LIMIT - 1] + "…"
        commands.append(BotCommand(name[:COMMAND_NAME_LIMIT], description))
    return commands


def file_url(base_url: str) -> str | None:
    """The file download prefix that goes with a Bot API prefix (`…/bot` -> `…/file/bot`)."""
    return base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else None


def chat_number(chat_id: str) -> int:
    """`telegram:-100123` -> -100123; ValueError for anything else."""
    platform, _, number = chat_id.partition(":")
    if platform != "telegram":
        raise ValueError(f"{chat_id!r} is not a Telegram chat")
    return int(number)


class TelegramAdapter:
    """Telegram in front of the dispatcher, by long polling or by webhook."""

    name = "telegram"

    def __init__(
        self,
        dispatcher: Dispatcher,
        settings: TelegramConfig,
        *,
        limits: ThrottleConfig | None = None,
        poll_timeout: float = 30.0,
        tries: int = 4,
        backoff: float = 1.0,
        throttle: bool = True,
        one_at_a_time: bool = False,
    ) -> None:
        """`limits` are the commands one person may send in one chat; `throttle=False` drops
        the outgoing rate limits; `one_at_a_time` handles updates one after another instead of
        chat by chat (both for benchmarks' comparisons)."""
        self.dispatcher = dispatcher
        self.settings = settings
        self.poll_timeout = poll_timeout
        if not self.settings.token:
            raise ValueError("telegram: no token configured")
        if self.settings.mode == "webhook" and not (
            self.settings.webhook_url and self.settings.webhook_secret
        ):
            raise ValueError("telegram: webhook mode needs webhook_url and webhook_secret")
        limits = limits or ThrottleConfig()
        self.limiter = InboundLimiter(burst=limits.burst, per_minute=limits.per_minute)
        self.lanes = ChatLanes()
        builder = (
            Application.builder()
            .token(self.settings.token)
            .request(AiohttpRequest())
            .get_updates_request(AiohttpRequest(connection_pool_size=1))
            .rate_limiter(ResilientRateLimiter(tries=tries, backoff=backoff, throttle=throttle))
            .job_queue(None)
        )
        if not one_at_a_time:
            builder = builder.concurrent_updates(self.lanes)
        if self.settings.base_url:
            builder = builder.base_url(self.settings.base_url)
            files = file_url(self.settings.base_url)
            if files:
                builder = builder.base_file_url(files)
        self.application = builder.build()
        self.callbacks = CallbackCommands()
        self.delivery = Delivery(
            self.application.bot,
            self.callbacks,
            dispatcher.chats.gone,
            dispatcher.chats.moved,
        )
        self.handlers = UpdateHandlers(dispatcher, self.delivery, self.callbacks, self.limiter)
        self.lanes.gate = self.handlers
        self.webhook: WebhookServer | None = None
        if self.settings.mode == "webhook":
            self.webhook = WebhookServer(
                self.application,
                secret=self.settings.webhook_secret,
                path=urlsplit(self.settings.webhook_url).path,
                listen=self.settings.listen,
                port=self.settings.port,
            )
        self._wire()

    def _wire(self) -> None:
        """Every handler of the bot, in one place."""
        h, new_messages = self.handlers, filters.UpdateType.MESSAGE
        names = [name for spec in COMMANDS for name in (spec.name, spec.alias)]
        self.application.add_handlers(
            [
                CommandHandler(names, h.command, filters=new_messages),
                MessageHandler(
                    (filters.COMMAND | CAPTION_COMMAND | PRIVATE_FILE) & new_messages,
                    h.other_command,
                ),
                MessageHandler(
                    filters.UpdateType.CHANNEL_POST & (filters.COMMAND | CAPTION_COMMAND),
                    h.channel_post,
                ),
                MessageHandler(filters.TEXT & ~filters.COMMAND & new_messages, h.text),
                MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, h.joined),
                MessageHandler(filters.StatusUpdate.MIGRATE, h.migrated),
                CallbackQueryHandler(h.button),
                ChatMemberHandler(h.membership, ChatMemberHandler.MY_CHAT_MEMBER),
            ]
        )
        self.application.add_error_handler(h.error)

    async def start(self) -> None:
        """Connects (getMe), publishes the command menus and starts receiving updates."""
        application = self.application
        try:
            await application.initialize()
            await self._publish_menus()
            await application.start()
            assert application.updater is not None
            if self.webhook is not None:
                await self.webhook.start()
                await application.bot.set_webhook(
                    self.settings.webhook_url,
                    secret_token=self.settings.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                await application.updater.start_polling(
                    timeout=timedelta(seconds=self.poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                    bootstrap_retries=3,
                )
        except BaseException:
            await self.stop()
            raise
        log.info("Telegram bot @%s receives updates by %s", application.bot.username, self.mode)

    @property
    def mode(self) -> str:
        return self.settings.mode

    async def stop(self) -> None:
        """Stops receiving updates, finishes the ones in hand and closes the connections."""
        application = self.application
        if self.webhook is not None:
            await self.webhook.stop()
        if application.updater is not None and application.updater.running:
            with confirmation_failure_as_warning():
                await application.updater.stop()
        if application.running:
            await application.stop()
        await self.handlers.edits.stop()
        await application.shutdown()

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        """Posts a reply into a chat (`telegram:-100123`), e.g. a reminder from the scheduler;
        the id of the message with the buttons (the last one).

        Goes through the same rate limiter and retries as answers; raises DeliveryFailed.
        """
        try:
            number = chat_number(chat_id)
        except ValueError as error:
            raise DeliveryFailed(chat_id, str(error), permanent=True) from None
        sent = await self.delivery.send(number, reply)
        return str(sent[-1].message_id) if sent else None

    async def edit_message(self, chat_id: str, message_ref: str, reply: Reply) -> None:
        """Replaces the text and buttons of a message the bot posted (editMessageText),
        through the same rate limiter as sends; raises DeliveryFailed."""
        try:
            number, message_id = chat_number(chat_id), int(message_ref)
        except ValueError as error:
            raise DeliveryFailed(chat_id, str(error), permanent=True) from None
        await self.delivery.edit(number, message_id, reply)

    async def is_member(self, chat_id: str, user_id: str) -> bool | None:
        """Whether a person is in a group (getChatMember); None when Telegram cannot say."""
        try:
            chat, user = chat_number(chat_id), int(user_id.removeprefix("telegram:"))
        except ValueError:
            return None
        try:
            member = await self.application.bot.get_chat_member(chat, user)
        except BadRequest as error:  # user not found, chat not found: not there
            log.info("getChatMember %s in %s: %s", user_id, chat_id, error.message)
            return False
        except TelegramError as error:
            log.warning("getChatMember %s in %s failed: %s", user_id, chat_id, error)
            return None
        return is_inside(member)

    async def _publish_menus(self) -> None:
        bot, translators = self.application.bot, self.dispatcher.translators
        try:
            await bot.set_my_commands(menu(translators["en"], slovenian=False))
            await bot.set_my_commands(menu(translators["sl"], slovenian=True), language_code="sl")
        except Exception:
            log.exception("could not publish the command menus")
