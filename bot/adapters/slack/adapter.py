"""Slack in front of the dispatcher, over Socket Mode or HTTP, on the shared event loop: the
lifecycle, sending, and the conversation's requests (slash commands, mentions, direct
messages, buttons).

The adapter only translates: a Slack request becomes an IncomingCommand, the dispatcher's Reply
becomes Block Kit. Permissions, validation and languages stay in the dispatcher. Its other
jobs live beside it: asking.py (who asks, in which language), answering.py (answers with
fallbacks), addevent.py (the /addevent modal), apphome.py (the App Home), inbound.py (each
request once, within the command limit), membership.py (whether the bot is in a channel).
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import re
from dataclasses import replace
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.pressing import pressed
from bot.adapters.slack.addevent import AddEventModal
from bot.adapters.slack.answering import Answering
from bot.adapters.slack.apphome import AppHome, person_team
from bot.adapters.slack.asking import Asking, Profile
from bot.adapters.slack.background import Background
from bot.adapters.slack.cache import TtlCache
from bot.adapters.slack.errors import send_failure
from bot.adapters.slack.files import FILE_SHARE, shared_file
from bot.adapters.slack.inbound import RequestGate
from bot.adapters.slack.manifest import BOT_NAME
from bot.adapters.slack.membership import Membership
from bot.adapters.slack.modal import CALLBACK_ID as MODAL_CALLBACK_ID
from bot.adapters.slack.modal import Origin
from bot.adapters.slack.parse import Where, plain_text, without_mention
from bot.adapters.slack.question import CALLBACK_ID as QUESTION_CALLBACK_ID
from bot.adapters.slack.question import QuestionModal
from bot.adapters.slack.render import ACTION_PREFIX, message, response_type
from bot.adapters.slack.webapi import api_base, error_code, retry_handlers, transient
from bot.config import SlackConfig, ThrottleConfig
from bot.delivery import DeliveryFailed, SendFailure
from handlers.arguments import fold
from handlers.dispatcher import LOOKUP, Dispatcher, find_command
from handlers.i18n import Translator
from handlers.imports.upload import file_line
from handlers.throttle import InboundLimiter
from handlers.types import ChatKind, Reply
from models.services.base import Clock
from models.services.seen_requests import SeenRequestService

log = logging.getLogger(__name__)

ANSWER_IN_ACK_SECONDS = 1.5
BACKGROUND_GRACE_SECONDS = 10.0
"""How long a stopping adapter lets answers under way go out (within the process's grace)."""
"""A slash command's answer ready within this rides in the acknowledgement itself (one request
instead of two); a slower one is acknowledged empty and sent to response_url when ready."""
CONNECT_SECONDS = 30.0


class SlackSetupError(RuntimeError):
    """The Slack configuration cannot work (missing or rejected token, secret, ...)."""


class SlackAdapter:
    """Runs a Bolt AsyncApp for the configured workspace on the running event loop."""

    name = "slack"

    def __init__(
        self,
        dispatcher: Dispatcher,
        settings: SlackConfig,
        *,
        seen_requests: SeenRequestService,
        clock: Clock,
        limits: ThrottleConfig | None = None,
        host: str | None = None,
        profile_ttl: float = 3600.0,
        profile_cache_size: int = 1024,
        seen_events: int = 2048,
    ) -> None:
        """`seen_requests` remembers the requests handled (by any process); `limits` are the
        commands one person may send in one conversation."""
        self.dispatcher = dispatcher
        self.settings = settings
        self.host = host or self.settings.listen
        if not self.settings.bot_token:
            raise SlackSetupError("[slack] bot_token (SLACK_BOT_TOKEN) is not set")
        self.client = AsyncWebClient(
            token=self.settings.bot_token,
            base_url=api_base(self.settings.api_url),
            retry_handlers=retry_handlers(),
        )
        self.bolt = AsyncApp(
            name="coalition-bot",
            client=self.client,
            signing_secret=self.settings.signing_secret,
            request_verification_enabled=True,
            # an answer ready at once goes out in the acknowledgement, without Bolt polling
            # for it every 10 ms; listeners hand slower work to self.background
            process_before_response=True,
            logger=logging.getLogger(f"{__name__}.bolt"),
        )
        self.http_port: int | None = None
        self.team = ""
        """The workspace the bot is installed in (auth.test): every conversation's team."""
        self.answer_in_ack_seconds = ANSWER_IN_ACK_SECONDS
        self.background = Background()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.asking = Asking(
            self.client,
            dispatcher,
            profile_ttl=profile_ttl,
            profile_cache_size=profile_cache_size,
        )
        self.answering = Answering(self.client, self.translator, lambda: self._session)
        limits = limits or ThrottleConfig()
        self.gate = RequestGate(
            seen_requests,
            InboundLimiter(burst=limits.burst, per_minute=limits.per_minute),
            self.asking,
            self.answering,
            seen_events=seen_events,
        )
        self.membership = Membership(dispatcher.chats, self.client, self._workspace)
        self.modal = AddEventModal(
            self.client,
            self.asking,
            self.answering,
            areas=dispatcher.chats.areas,
            clock=clock,
            workspace=self._workspace,
        )
        self.home = AppHome(self.client, self.asking, self._workspace)
        self.question = QuestionModal(self.client, self.asking, self.answering, self.home.publish)
        self._register()

    @property
    def profiles(self) -> TtlCache[str, Profile]:
        """The remembered Slack profiles (language and name) of the people who asked."""
        return self.asking.profiles

    @profiles.setter
    def profiles(self, cache: TtlCache[str, Profile]) -> None:
        self.asking.profiles = cache

    @property
    def modal_ack_seconds(self) -> float:
        return self.modal.ack_seconds

    @modal_ack_seconds.setter
    def modal_ack_seconds(self, seconds: float) -> None:
        self.modal.ack_seconds = seconds

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Checks the bot token, then serves Socket Mode or HTTP until stop().

        Web API calls and response_url answers share one HTTP session from here on, so they
        reuse kept-alive connections instead of opening one per call.
        """
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.client.timeout)
        )
        self.client.session = self._session
        try:
            try:
                identity = await self.client.auth_test()
            except SlackApiError as error:
                raise SlackSetupError(f"Slack refused the bot token: {error_code(error)}") from None
            self.team = str(identity.get("team_id") or "")
            log.info(
                "Slack: signed in as %s in team %s", identity.get("user"), identity.get("team")
            )
            if self.settings.mode == "http":
                await self._start_http()
            else:
                await self._start_socket_mode()
        except BaseException:
            await self.stop()
            raise

    async def _start_http(self) -> None:
        if not self.settings.signing_secret:
            raise SlackSetupError(
                "[slack] signing_secret (SLACK_SIGNING_SECRET) is needed in HTTP mode"
            )
        web_app = self.bolt.web_app(path=self.settings.path, port=self.settings.port)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.settings.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.http_port = next(
            (address[1] for address in runner.addresses if isinstance(address, tuple)),
            self.settings.port,
        )
        log.info("Slack: HTTP mode on %s:%s%s", self.host, self.http_port, self.settings.path)

    async def _start_socket_mode(self) -> None:
        token = self.settings.app_token
        if not token.startswith("xapp-"):
            raise SlackSetupError(
                "[slack] app_token (SLACK_APP_TOKEN, xapp-...) is needed in Socket Mode"
            )
        try:
            opened = await self.client.apps_connections_open(app_token=token)
        except SlackApiError as error:
            raise SlackSetupError(f"Slack refused the app token: {error_code(error)}") from None
        handler = AsyncSocketModeHandler(self.bolt, token, web_client=self.client)
        handler.client.wss_uri = opened["url"]
        self._socket = handler
        try:
            await asyncio.wait_for(
                handler.connect_async(),  # type: ignore[no-untyped-call]
                CONNECT_SECONDS,
            )
        except TimeoutError:
            await self.stop()
            raise SlackSetupError("could not open the Socket Mode connection") from None
        log.info("Slack: Socket Mode connected")

    async def stop(self) -> None:
        socket, self._socket = self._socket, None
        runner, self._runner = self._runner, None
        session, self._session = self._session, None
        await self.background.finish(BACKGROUND_GRACE_SECONDS)
        await self.modal.close()
        try:
            if socket is not None:
                await socket.close_async()  # type: ignore[no-untyped-call]
            if runner is not None:
                await runner.cleanup()
        finally:
            if session is not None:
                self.client.session = None
                await session.close()

    # ------------------------------------------------------------------ sending

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        """Posts a reply into a chat (`slack:T1:C1`); the message's ts. Raises
        DeliveryFailed when it cannot."""
        parts = chat_id.split(":")
        if len(parts) != 3 or parts[0] != "slack" or not parts[2]:
            raise DeliveryFailed(chat_id, "not a Slack chat id", permanent=True)
        try:
            posted = await self.client.chat_postMessage(channel=parts[2], **message(reply))
        except SlackApiError as error:
            code = error_code(error)
            failure = SendFailure.UNAVAILABLE if transient(error) else send_failure(code, parts[2])
            raise DeliveryFailed(chat_id, code, failure=failure) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryFailed(chat_id, type(error).__name__, permanent=False) from None
        ts = posted.get("ts")
        return str(ts) if ts else None

    async def edit_message(self, chat_id: str, message_ref: str, reply: Reply) -> None:
        """Replaces a message the bot posted (chat.update); raises DeliveryFailed."""
        parts = chat_id.split(":")
        if len(parts) != 3 or parts[0] != "slack" or not parts[2]:
            raise DeliveryFailed(chat_id, "not a Slack chat id", permanent=True)
        try:
            await self.client.chat_update(channel=parts[2], ts=message_ref, **message(reply))
        except SlackApiError as error:
            raise DeliveryFailed(chat_id, error_code(error), permanent=True) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryFailed(chat_id, type(error).__name__, permanent=False) from None

    def translator(self, locale: str | None) -> Translator:
        return self.asking.translator(locale)

    async def profile(self, team: str, user: str) -> Profile:
        """The person's Slack language and name (users.info), cached for a while."""
        return await self.asking.profile(team, user)

    async def is_member(self, chat_id: str, user_id: str) -> bool | None:
        """Whether a person is in a channel; None when Slack cannot say."""
        return await self.membership.is_member(chat_id, user_id)

    # ------------------------------------------------------------------ incoming

    def _register(self) -> None:
        later = self.background.after_ack
        self.gate.register_first(self.bolt)
        self.membership.register(self.bolt, later)
        self.gate.register_limit(self.bolt)
        self.bolt.command(re.compile(r"^/"))(self._on_command)
        self.bolt.event("app_mention")(later(self._on_mention))
        self.bolt.event("message")(later(self._on_message))
        self.bolt.event("app_home_opened")(later(self.home.on_opened))
        self.bolt.action(re.compile(rf"^{ACTION_PREFIX}"))(later(self._on_button))
        self.bolt.view(MODAL_CALLBACK_ID)(later(self.modal.on_submit))
        self.bolt.view(QUESTION_CALLBACK_ID)(later(self.question.on_submit))

    def _workspace(self, *named: object) -> str:
        """The conversation's workspace: the bot's own, else the first the payload names."""
        return self.team or next((str(team) for team in named if team), "")

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        where = Where(
            team=self._workspace(command.get("team_id")),
            user=str(command.get("user_id", "")),
            channel=str(command.get("channel_id", "")),
            channel_name=str(command.get("channel_name", "")),
            user_team=str(command.get("user_team") or command.get("team_id") or ""),
        )
        name = str(command.get("command", "")).lstrip("/")
        text = await self.asking.readable(str(command.get("text", "")), where, name)
        response_url = str(command.get("response_url", ""))
        spec = find_command(name)
        trigger = command.get("trigger_id")
        ask = self.asking.ask
        if spec is not None and spec.name == "addevent" and not text.strip() and trigger:
            await ack()
            origin = Origin(
                where.team, where.user, where.channel, where.channel_name, name, response_url
            )
            line = f"{name} {text}"
            self.background.start(self._open_modal(str(trigger), where, origin, line, command))
            return
        binding = spec is not None and spec.name == "bind" and where.chat_kind is ChatKind.GROUP
        if binding and await self.membership.bot_in(where.channel) is False:
            refusal = await self._invite_first(where, name)
            await ack(response_type=response_type(refusal), **message(refusal))
            return
        answering = asyncio.ensure_future(
            ask(f"{name} {text}", where, display_name=command.get("user_name", ""))
        )
        done, _pending = await asyncio.wait({answering}, timeout=self.answer_in_ack_seconds)
        if (
            answering in done
            and answering.exception() is None
            and not answering.result().attachment
        ):
            reply = answering.result()
            if reply.question is not None and trigger:  # asked in a modal
                await ack()
                self.background.start(self._ask_in_modal(str(trigger), reply, where, response_url))
                return
            await ack(response_type=response_type(reply), **message(reply))
            return
        await ack()
        self.background.start(self._respond_later(response_url, answering, where))

    async def _respond_later(
        self, response_url: str, answering: asyncio.Future[Reply], where: Where
    ) -> None:
        """An answer that took longer than the acknowledgement may wait: through response_url."""
        await self.answering.respond(response_url, await answering, where)

    async def _open_modal(
        self, trigger: str, where: Where, origin: Origin, line: str, command: dict[str, Any]
    ) -> None:
        """The /addevent form; where it cannot help, the typed command's own answer."""
        if await self.modal.open(trigger, where, origin):
            return
        reply = await self.asking.ask(line, where, display_name=command.get("user_name", ""))
        await self.answering.respond(origin.response_url, reply, where)

    async def _ask_in_modal(
        self, trigger: str, reply: Reply, where: Where, response_url: str
    ) -> None:
        """A reply's question as a modal; where Slack will not open it, the reply itself."""
        if not await self.question.open(trigger, reply, where, response_url):
            await self.answering.respond(response_url, reply, where)

    async def _invite_first(self, where: Where, command: str) -> Reply:
        """Binding a channel the bot is not in would bind a channel it cannot post in."""
        t = (await self.asking.reader(where)).translator
        return Reply(
            lines=(
                t.gettext("I am not in this channel yet, so I could not post there."),
                t.gettext("Invite me first with /invite @%(bot)s, then send /%(command)s again.")
                % {"bot": BOT_NAME, "command": command},
            ),
            is_error=True,
            personal=True,
            locale=t.locale,
        )

    async def _on_mention(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if event.get("bot_id") or not event.get("user"):
            return
        where = Where(
            self._workspace(body.get("team_id"), event.get("team")),
            str(event["user"]),
            str(event.get("channel", "")),
            user_team=person_team(body, event),
        )
        await self._converse(where, event, context)

    async def _on_message(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Direct messages: the same words as after a mention (`events week`); a file shared
        there is an import, its message saying what the rows are."""
        subtype = event.get("subtype")
        if event.get("channel_type") != "im" or subtype not in (None, FILE_SHARE):
            return
        if event.get("bot_id"):
            return
        if not event.get("user"):
            return
        where = Where(
            self._workspace(body.get("team_id"), event.get("team")),
            str(event["user"]),
            str(event.get("channel", "")),
            private=True,
            user_team=person_team(body, event),
        )
        await self.membership.heard_from(where.chat_id)
        file = shared_file(event, self.client, self._download)
        if file is not None:
            line = file_line(plain_text(str(event.get("text", ""))))
            reply = await self.asking.ask(line, where, file=file)
            await self.answering.post(where, reply, thread_ts=event.get("thread_ts"))
            return
        await self._converse(where, event, context)

    def _download(self) -> aiohttp.ClientSession | None:
        """The adapter's HTTP session (for a shared file's download), while it runs."""
        return self._session

    async def _converse(
        self, where: Where, event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Answers words written to the bot, in the thread they were written in."""
        words = without_mention(str(event.get("text", "")), context.bot_user_id)
        line = await self.asking.readable(words, where, _first_word(words))
        reply = await self.asking.ask(_as_command(line), where)
        await self.answering.post(where, reply, thread_ts=event.get("thread_ts"))

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button re-enters as its command line; the answer replaces the message it was on."""
        await ack()
        user = body.get("user") or {}
        channel = body.get("channel") or {}
        container = body.get("container") or {}
        view = body.get("view") or {}
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        workspace = self._workspace((body.get("team") or {}).get("id"), team)
        line, keeps_message = pressed(str(action.get("value", "")))
        if container.get("type") == "view" and view.get("type") == "home":
            home = Where(workspace, str(user.get("id", "")), "", private=True, user_team=team)
            if not self.home.shows(line):  # a record button: its question as a modal
                reply = await self.asking.ask(line, home)
                trigger = str(body.get("trigger_id") or "")
                direct = replace(home, channel=home.user)  # the echo: in direct messages
                if await self.question.open(trigger, reply, direct, "", from_home=True):
                    return
            await self.home.publish(home, line)
            return
        where = Where(
            workspace, str(user.get("id", "")), str(channel.get("id", "")), user_team=team
        )
        reply = await self.asking.ask(line, where)
        if keeps_message and not reply.is_error and reply.question is None:
            # an announcement: its own updates show the counts, the presser gets the notice
            told = reply.notice or reply.plain_text()
            await self.answering.post(
                where, Reply(lines=(told,), personal=True, locale=reply.locale)
            )
            return
        response_url = str(body.get("response_url", ""))
        trigger = str(body.get("trigger_id") or "")
        if reply.question is not None and await self.question.open(
            trigger, reply, where, response_url
        ):
            return  # the message with the button stays as it is
        private = reply.is_error or reply.personal
        was_private = bool(container.get("is_ephemeral")) or where.chat_kind is ChatKind.PRIVATE
        replace_original = (not private or was_private) and reply.question is None
        # an ephemeral message cannot be edited through the Web API, only through response_url
        ts = "" if container.get("is_ephemeral") else str(container.get("message_ts") or "")
        apart = bool(reply.notice) and replace_original and not was_private
        await self.answering.respond(
            response_url,
            reply.shared_part() if apart else reply,
            where,
            replace_original=replace_original,
            original_ts=ts,
        )
        if apart:  # others see the message: the presser's own notice is for them alone
            note = Reply(lines=(reply.notice,), personal=True, locale=reply.locale)
            await self.answering.post(where, note)


def _first_word(text: str) -> str:
    return (text.split(maxsplit=1) or [""])[0]


def _as_command(line: str) -> str:
    """Words that start with no command and resemble none (`Živjo!`, a question) are
    answered with the help, as a greeting; a near miss (`dogotki`) keeps its hint."""
    word = _first_word(line)
    if not word or word.startswith("/") or find_command(word) is not None:
        return line
    typed = fold(word)
    near = [name for name in LOOKUP if len(typed) >= 3 and name.startswith(typed)]
    if near or difflib.get_close_matches(typed, list(LOOKUP), n=1, cutoff=0.7):
        return line
    return "help"
