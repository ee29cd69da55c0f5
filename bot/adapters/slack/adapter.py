"""Slack in front of the dispatcher: slash commands, mentions, direct messages, buttons,
the /addevent modal and the App Home, over Socket Mode or HTTP, on the shared event loop.

The adapter only translates: a Slack request becomes an IncomingCommand, the dispatcher's Reply
becomes Block Kit. Permissions, validation and languages stay in the dispatcher.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.cache import SeenIds, TtlCache
from bot.adapters.slack.errors import send_failure
from bot.adapters.slack.modal import CALLBACK_ID as MODAL_CALLBACK_ID
from bot.adapters.slack.modal import EventForm, Origin, addevent_view, errors_response
from bot.adapters.slack.parse import (
    Where,
    command_line,
    plain_text,
    slack_locale,
    without_mention,
)
from bot.adapters.slack.render import (
    ACTION_PREFIX,
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    message,
    render_blocks,
    response_type,
)
from bot.app import App
from bot.delivery import DeliveryFailed, SendFailure
from handlers.dispatcher import find_command
from handlers.i18n import Translator
from handlers.types import ChatKind, Reply
from models.services.views import AreaView, ChatContext

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
MODAL_ACK_SECONDS = 2.5
ANSWER_IN_ACK_SECONDS = 1.5
"""A slash command's answer ready within this rides in the acknowledgement itself (one request
instead of two); a slower one is acknowledged empty and sent to response_url when ready."""
CONNECT_SECONDS = 30.0
HOME_SECTIONS = ("events", "deadlines")


class SlackSetupError(RuntimeError):
    """The Slack configuration cannot work (missing or rejected token, secret, ...)."""


@dataclass(frozen=True)
class Profile:
    """What users.info tells about a person: the Slack language (sl/en or None) and a name."""

    locale: str | None = None
    name: str = ""


SERVER_ERRORS = frozenset({500, 502, 503, 504})
"""HTTP statuses of Slack's (or its gateways') passing trouble; 502 and 504 come as HTML pages."""


class ServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack_sdk's handler retries 500 and 503 only; gateways answer 502 and 504 as well."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in SERVER_ERRORS


def retry_handlers() -> list[AsyncRetryHandler]:
    """429 (honouring Retry-After), connection errors and 5xx, each retried a few times."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def api_base(url: str) -> str:
    base = url or DEFAULT_API_URL
    return base if base.endswith("/") else base + "/"


def _error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


def _transient(error: SlackApiError) -> bool:
    """Whether trying again later can help: rate limits and Slack's own trouble, not refusals."""
    status = error.response.status_code
    return _error_code(error) in TRANSIENT_ERRORS or status == 429 or status in SERVER_ERRORS


class SlackAdapter:
    """Runs a Bolt AsyncApp for the configured workspace on the running event loop."""

    name = "slack"

    def __init__(
        self,
        app: App,
        *,
        host: str | None = None,
        profile_ttl: float = 3600.0,
        profile_cache_size: int = 1024,
        seen_events: int = 2048,
    ) -> None:
        self.app = app
        self.settings = app.config.slack
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
            process_before_response=False,
            logger=logging.getLogger(f"{__name__}.bolt"),
        )
        self.profiles: TtlCache[str, Profile] = TtlCache(profile_cache_size, profile_ttl)
        self.seen = SeenIds(seen_events)
        self.http_port: int | None = None
        self.modal_ack_seconds = MODAL_ACK_SECONDS
        self.answer_in_ack_seconds = ANSWER_IN_ACK_SECONDS
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._register()

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
                raise SlackSetupError(
                    f"Slack refused the bot token: {_error_code(error)}"
                ) from None
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
            raise SlackSetupError(f"Slack refused the app token: {_error_code(error)}") from None
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

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Posts a reply into a chat (`slack:T1:C1`); raises DeliveryFailed when it cannot."""
        parts = chat_id.split(":")
        if len(parts) != 3 or parts[0] != "slack" or not parts[2]:
            raise DeliveryFailed(chat_id, "not a Slack chat id", permanent=True)
        try:
            await self.client.chat_postMessage(channel=parts[2], **message(reply))
        except SlackApiError as error:
            code = _error_code(error)
            failure = SendFailure.UNAVAILABLE if _transient(error) else send_failure(code, parts[2])
            raise DeliveryFailed(chat_id, code, failure=failure) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryFailed(chat_id, type(error).__name__, permanent=False) from None

    def translator(self, locale: str | None) -> Translator:
        return (
            self.app.translators.get(locale or "")
            or self.app.translators[self.app.dispatcher.default_locale]
        )

    async def _post(self, where: Where, reply: Reply, *, thread_ts: str | None = None) -> None:
        """Answers in the conversation: privately (ephemeral) for errors and personal views."""
        private = reply.is_error or reply.personal
        try:
            if private and where.chat_kind is ChatKind.GROUP:
                await self.client.chat_postEphemeral(
                    channel=where.channel, user=where.user, thread_ts=thread_ts, **message(reply)
                )
            else:
                await self.client.chat_postMessage(
                    channel=where.channel, thread_ts=thread_ts, **message(reply)
                )
        except SlackApiError as error:
            code = _error_code(error)
            if code not in CHANNEL_ERRORS or where.channel == where.user:
                log.error(
                    "Slack: could not answer %s in %s: %s", where.user_id, where.chat_id, code
                )
                return
            log.warning(
                "Slack: cannot post in %s (%s); answering %s directly",
                where.chat_id,
                code,
                where.user_id,
            )
            note = self.translator(reply.locale).gettext(
                "I cannot post in that channel. Invite me there, or talk to me here."
            )
            direct = replace(where, channel=where.user, private=True)
            await self._post(direct, replace(reply, lines=(note, *reply.lines)))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.error("Slack: could not answer %s: %r", where.user_id, error)

    async def _respond(
        self,
        response_url: str,
        reply: Reply,
        where: Where,
        *,
        replace_original: bool = False,
        thread_ts: str | None = None,
    ) -> None:
        """Answers through the interaction's response_url, else through the Web API."""
        if response_url:
            body: dict[str, Any] = {
                **message(reply),
                "response_type": response_type(reply),
                "replace_original": replace_original,
            }
            webhook = AsyncWebhookClient(
                response_url, session=self._session, retry_handlers=retry_handlers()
            )
            try:
                answer = await webhook.send_dict(body)
                if answer.status_code == 200:
                    return
                log.warning("Slack: response_url answered %s %s", answer.status_code, answer.body)
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("Slack: response_url failed: %r", error)
        await self._post(where, reply, thread_ts=thread_ts)

    # ------------------------------------------------------------------ incoming

    def _register(self) -> None:
        self.bolt.use(self._once_per_event)
        self.bolt.command(re.compile(r"^/"))(self._on_command)
        self.bolt.event("app_mention")(self._on_mention)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.action(re.compile(rf"^{ACTION_PREFIX}"))(self._on_button)
        self.bolt.view(MODAL_CALLBACK_ID)(self._on_modal_submit)

    async def _once_per_event(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Slack redelivers an event it thinks was not acknowledged: handle each event id once."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if isinstance(event_id, str) and not self.seen.first_time(event_id):
            log.info("Slack: event %s delivered again; it was handled already", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

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

    async def _ask(self, line: str, where: Where, *, display_name: str = "") -> Reply:
        who = await self.profile(where.team, where.user)
        command = command_line(
            line, where, locale=who.locale, display_name=display_name or who.name
        )
        return await self.app.dispatcher.handle(command)

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        where = Where(
            team=str(command.get("team_id", "")),
            user=str(command.get("user_id", "")),
            channel=str(command.get("channel_id", "")),
            channel_name=str(command.get("channel_name", "")),
        )
        name = str(command.get("command", "")).lstrip("/")
        text = plain_text(str(command.get("text", "")))
        response_url = str(command.get("response_url", ""))
        spec = find_command(name)
        trigger = command.get("trigger_id")
        if spec is not None and spec.name == "addevent" and not text.strip() and trigger:
            await ack()
            origin = Origin(
                where.team, where.user, where.channel, where.channel_name, name, response_url
            )
            if await self._open_modal(str(trigger), where, origin):
                return
            reply = await self._ask(
                f"{name} {text}", where, display_name=command.get("user_name", "")
            )
            await self._respond(response_url, reply, where)
            return
        answering = asyncio.ensure_future(
            self._ask(f"{name} {text}", where, display_name=command.get("user_name", ""))
        )
        done, _pending = await asyncio.wait({answering}, timeout=self.answer_in_ack_seconds)
        if answering in done and answering.exception() is None:
            reply = answering.result()
            await ack(response_type=response_type(reply), **message(reply))
            return
        await ack()
        await self._respond(response_url, await answering, where)

    async def _on_mention(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if event.get("bot_id") or not event.get("user"):
            return
        where = Where(_team(body, event), str(event["user"]), str(event.get("channel", "")))
        line = plain_text(without_mention(str(event.get("text", "")), context.bot_user_id))
        reply = await self._ask(line, where)
        await self._post(where, reply, thread_ts=event.get("thread_ts"))

    async def _on_message(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Direct messages: the same words as after a mention (`events week`)."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not event.get("user"):
            return
        where = Where(
            _team(body, event), str(event["user"]), str(event.get("channel", "")), private=True
        )
        line = plain_text(without_mention(str(event.get("text", "")), context.bot_user_id))
        reply = await self._ask(line, where)
        await self._post(where, reply, thread_ts=event.get("thread_ts"))

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button re-enters as its command line; the answer replaces the message it was on."""
        await ack()
        user = body.get("user") or {}
        channel = body.get("channel") or {}
        container = body.get("container") or {}
        view = body.get("view") or {}
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        line = str(action.get("value", ""))
        if container.get("type") == "view" and view.get("type") == "home":
            await self._publish_home(Where(team, str(user.get("id", "")), "", private=True), line)
            return
        where = Where(team, str(user.get("id", "")), str(channel.get("id", "")))
        reply = await self._ask(line, where)
        private = reply.is_error or reply.personal
        was_private = bool(container.get("is_ephemeral")) or where.chat_kind is ChatKind.PRIVATE
        replace_original = not private or was_private
        response_url = str(body.get("response_url", ""))
        if response_url:
            await self._respond(response_url, reply, where, replace_original=replace_original)
            return
        ts = container.get("message_ts")
        if replace_original and ts:
            try:
                await self.client.chat_update(channel=where.channel, ts=ts, **message(reply))
                return
            except SlackApiError as error:
                log.warning("Slack: chat.update failed: %s", _error_code(error))
        await self._post(where, reply)

    # ------------------------------------------------------------------ /addevent modal

    async def _stored(self, where: Where) -> ChatContext | None:
        """The stored coalition and language choices of this person and chat (None if down)."""
        try:
            return await self.app.services.directory.context(
                where.user_id,
                where.chat_id,
                is_group=where.chat_kind is ChatKind.GROUP,
                default_coalition=self.app.dispatcher.default_coalition,
            )
        except Exception as error:
            log.warning("Slack: no chat context for %s: %r", where.chat_id, error)
            return None

    def _locale(self, stored: ChatContext | None, slack: str | None) -> str:
        """The reader's language in the dispatcher's order: person, chat, Slack, coalition."""
        choices: tuple[str | None, ...] = (slack,)
        if stored is not None:
            default = stored.coalition.default_locale if stored.coalition else None
            choices = (stored.user_locale, stored.chat_locale, slack, default)
        return next(
            (c for c in choices if c and c in self.app.translators),
            self.app.dispatcher.default_locale,
        )

    async def _open_modal(self, trigger_id: str, where: Where, origin: Origin) -> bool:
        """Opens the /addevent modal; False when it cannot (the typed command answers then)."""
        who = await self.profile(where.team, where.user)
        stored = await self._stored(where)
        if stored is None:
            return False
        areas: list[AreaView] = []
        if stored.coalition is not None:
            try:
                areas = await self.app.services.directory.areas(stored.coalition.slug)
            except Exception as error:
                log.warning("Slack: no areas for the modal: %r", error)
        view = addevent_view(self.translator(self._locale(stored, who.locale)), areas, origin)
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:
            log.warning("Slack: views.open failed: %s", _error_code(error))
            return False
        return True

    async def _on_modal_submit(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """Runs the form as `/addevent TITLE | WHEN | WHERE | AREA`; errors go under the fields.

        The verdict must reach Slack within 3 seconds: when the work takes longer, the modal
        closes and the answer (or the refusal) comes as a message instead.
        """
        user = body.get("user") or {}
        origin = Origin.from_metadata(str(view.get("private_metadata", "")))
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        if origin is None:
            origin = Origin(team, str(user.get("id", "")), str(user.get("id", "")), "directmessage")
        where = Where(origin.team or team, str(user.get("id", "")), origin.channel)
        form = EventForm.from_state((view.get("state") or {}).get("values") or {})
        work = asyncio.ensure_future(self._submit(form, origin, where))
        try:
            errors, reply = await asyncio.wait_for(asyncio.shield(work), self.modal_ack_seconds)
        except TimeoutError:
            await ack()
            errors, reply = await work
            if reply is not None:
                await self._respond(origin.response_url, reply, where)
            return
        if errors:
            await ack(**errors_response(errors))
            return
        await ack()
        if reply is not None:
            await self._respond(origin.response_url, reply, where)

    async def _submit(
        self, form: EventForm, origin: Origin, where: Where
    ) -> tuple[dict[str, str], Reply | None]:
        """The errors to show under the fields, and the dispatcher's reply (if it was asked)."""
        who = await self.profile(where.team, where.user)
        stored = await self._stored(where)
        problems = form.pipe_problems(self.translator(self._locale(stored, who.locale)))
        if problems:
            return problems, None
        line = form.command_line(origin.command)
        command = command_line(line, where, locale=who.locale, display_name=who.name)
        reply = await self.app.dispatcher.handle(command)
        if not reply.is_error:
            return {}, reply
        coalition = stored.coalition if stored is not None else None
        zone = ZoneInfo(coalition.timezone) if coalition is not None else None
        field = form.field_of_error(self.app.clock(), zone)
        return {field: reply.lines[0] if reply.lines else "?"}, reply

    # ------------------------------------------------------------------ App Home

    async def _on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        where = Where(
            _team(body, event), str(event["user"]), str(event.get("channel") or ""), private=True
        )
        await self._publish_home(where)

    async def _publish_home(self, where: Where, line: str = "") -> None:
        """The person's coalition at a glance: the /events and /deadlines answers as blocks."""
        clicked = find_command(line.split(maxsplit=1)[0]) if line.strip() else None
        budget = (MAX_VIEW_BLOCKS - len(HOME_SECTIONS)) // len(HOME_SECTIONS)
        blocks: list[dict[str, Any]] = []
        for section in HOME_SECTIONS:
            ask = line if clicked is not None and clicked.name == section else f"/{section}"
            reply = await self._ask(ask, where)
            if blocks:
                blocks.append({"type": "divider"})
            blocks.extend(render_blocks(reply, max_blocks=min(budget, MAX_MESSAGE_BLOCKS)))
        try:
            await self.client.views_publish(
                user_id=where.user, view={"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
            )
        except SlackApiError as error:
            log.error("Slack: views.publish for %s failed: %s", where.user_id, _error_code(error))


def _team(body: dict[str, Any], event: dict[str, Any]) -> str:
    return str(body.get("team_id") or event.get("team") or event.get("user_team") or "")
