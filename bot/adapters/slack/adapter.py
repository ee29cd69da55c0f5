"""Slack in front of the dispatcher: slash commands, mentions, direct messages, buttons,
the /addevent modal and the App Home, over Socket Mode or HTTP, on the shared event loop.

The adapter only translates: a Slack request becomes an IncomingCommand, the dispatcher's Reply
becomes Block Kit. Permissions, validation and languages stay in the dispatcher.
"""

from __future__ import annotations

import asyncio
import difflib
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
from slack_bolt.request.async_request import AsyncBoltRequest
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
from bot.adapters.slack.home import LISTS, HomeParts, home_view, short_help, tools
from bot.adapters.slack.inbound import asker
from bot.adapters.slack.manifest import BOT_NAME
from bot.adapters.slack.membership import Membership
from bot.adapters.slack.modal import CALLBACK_ID as MODAL_CALLBACK_ID
from bot.adapters.slack.modal import EventForm, Origin, addevent_view, errors_response
from bot.adapters.slack.parse import (
    Where,
    command_line,
    plain_text,
    slack_locale,
    unnamed_users,
    without_mention,
)
from bot.adapters.slack.render import (
    ACTION_PREFIX,
    fallback_text,
    message,
    response_type,
)
from bot.app import App
from bot.delivery import DeliveryFailed, SendFailure
from handlers.arguments import fold
from handlers.dispatcher import LOOKUP, find_command
from handlers.i18n import Translator
from handlers.throttle import InboundLimiter, Verdict, slow_down
from handlers.types import ChatKind, Reply
from models.entities import Role
from models.services.seen_requests import SeenRequestService
from models.services.views import AreaView, ChatContext

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
UNREACHABLE = CHANNEL_ERRORS | {"restricted_action", "user_not_in_channel"}
"""Answers refused for where they go, not for what they say: plain text there would fail too."""
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
MODAL_ACK_SECONDS = 2.5
ANSWER_IN_ACK_SECONDS = 1.5
"""A slash command's answer ready within this rides in the acknowledgement itself (one request
instead of two); a slower one is acknowledged empty and sent to response_url when ready."""
CONNECT_SECONDS = 30.0
MEMBERS_TTL = 300.0
"""Seconds a channel's member list (conversations.members) is remembered."""


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
        self.channel_members: TtlCache[str, frozenset[str]] = TtlCache(256, MEMBERS_TTL)
        self.seen_requests = SeenRequestService(app.database.sessions, app.clock)
        limits = app.config.throttle
        self.limiter = InboundLimiter(burst=limits.burst, per_minute=limits.per_minute)
        self.http_port: int | None = None
        self.team = ""
        self._background: set[asyncio.Future[None]] = set()
        """The workspace the bot is installed in (auth.test): every conversation's team."""
        self.modal_ack_seconds = MODAL_ACK_SECONDS
        self.answer_in_ack_seconds = ANSWER_IN_ACK_SECONDS
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.membership = Membership(app.services.directory, self.client, self._workspace)
        self._register()
        app.probes["slack"] = self

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
        background, self._background = self._background, set()
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
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
        """Answers in the conversation: privately (ephemeral) for errors and personal views.

        Nobody is left without an answer: when Slack refuses the blocks (or keeps answering
        429), the plain text goes to the same place; when the place itself is out of reach
        (the bot or the person is not in the channel, posting is restricted), or the text
        fails too, the answer goes to the person's direct messages.
        """
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
            return _error_code(error)
        except (aiohttp.ClientError, TimeoutError) as error:
            return type(error).__name__
        return None

    async def _respond(
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
        that was to be replaced (`original_ts`) is edited with chat.update."""
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
        if replace_original and original_ts and await self._update(where, original_ts, reply):
            return
        await self._post(where, reply, thread_ts=thread_ts)

    async def _update(self, where: Where, ts: str, reply: Reply) -> bool:
        """Edits the message `ts` to show the reply; False when Slack refuses."""
        try:
            await self.client.chat_update(channel=where.channel, ts=ts, **message(reply))
        except SlackApiError as error:
            log.warning("Slack: chat.update failed: %s", _error_code(error))
            return False
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack: chat.update failed: %r", error)
            return False
        return True

    # ------------------------------------------------------------------ incoming

    def _register(self) -> None:
        self.bolt.use(self._once_per_event)
        self.membership.register(self.bolt)
        self.bolt.use(self._within_limit)
        self.bolt.command(re.compile(r"^/"))(self._on_command)
        self.bolt.event("app_mention")(self._on_mention)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.action(re.compile(rf"^{ACTION_PREFIX}"))(self._on_button)
        self.bolt.view(MODAL_CALLBACK_ID)(self._on_modal_submit)

    async def _once_per_event(
        self,
        body: dict[str, Any],
        req: AsyncBoltRequest,
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        """Each request is handled once, whichever process Slack (or anyone replaying a signed
        request) sends it to: an event by its id, any other request by its signature.

        A slash command that only reads (a list, the help) is remembered by this process
        alone: a replay elsewhere shows the same list again and changes nothing, and it saves
        a database write on the commands people use most.
        """
        key = _request_key(body, req)
        if key is not None and not await self._first_time(key, durable=not _reads_only(body)):
            log.info("Slack: %s came again; it was handled already", key)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def _first_time(self, key: str, *, durable: bool = True) -> bool:
        if not self.seen.first_time(key):
            return False
        if not durable:
            return True
        try:
            return await self.seen_requests.first_time(key)
        except Exception as error:  # the database is down: better twice than never
            log.warning("Slack: could not record %s as handled: %r", key, error)
            return True

    def _workspace(self, *named: object) -> str:
        """The conversation's workspace: the bot's own, else the first the payload names."""
        return self.team or next((str(team) for team in named if team), "")

    async def _within_limit(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """A person over their command limit in a conversation gets one "slow down", then
        only acknowledgements until they slow down (handlers/throttle.py)."""
        where = asker(body) if isinstance(body, dict) else None
        verdict = self.limiter.check(where.user_id, where.chat_id) if where else Verdict.PASS
        if where is None or verdict is Verdict.PASS:
            await next()
            return None
        if verdict is Verdict.DROP:
            return BoltResponse(status=200, body="")
        reply = slow_down(self.translator((await self.profile(where.team, where.user)).locale))
        if body.get("command"):
            return BoltResponse(status=200, body={**message(reply), "response_type": "ephemeral"})
        await self._post(where, reply)
        return BoltResponse(status=200, body="")

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
                log.warning("Slack: conversations.members %s: %s", chat_id, _error_code(error))
                return None
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("Slack: conversations.members %s failed: %r", chat_id, error)
                return None
            members = frozenset(found)
            self.channel_members.put(channel, members)
        return user in members

    async def _readable(self, text: str, where: Where, command: str) -> str:
        """What the person typed, Slack's markup read token by token: people mentioned by id
        alone are named from users.info; /role keeps the ids it needs."""
        spec = find_command(command)
        if spec is not None and spec.name == "role":
            return plain_text(text, keep_users=True)
        names = {user: (await self.profile(where.team, user)).name for user in unnamed_users(text)}
        return plain_text(text, {user: name for user, name in names.items() if name})

    async def _ask(self, line: str, where: Where, *, display_name: str = "") -> Reply:
        who = await self.profile(where.user_team or where.team, where.user)
        command = command_line(
            line, where, locale=who.locale, display_name=display_name or who.name
        )
        return await self.app.dispatcher.handle(command)

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        where = Where(
            team=self._workspace(command.get("team_id")),
            user=str(command.get("user_id", "")),
            channel=str(command.get("channel_id", "")),
            channel_name=str(command.get("channel_name", "")),
            user_team=str(command.get("user_team") or command.get("team_id") or ""),
        )
        name = str(command.get("command", "")).lstrip("/")
        text = await self._readable(str(command.get("text", "")), where, name)
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
        binding = spec is not None and spec.name == "bind" and where.chat_kind is ChatKind.GROUP
        if binding and await self.membership.bot_in(where.channel) is False:
            refusal = await self._invite_first(where, name)
            await ack(response_type=response_type(refusal), **message(refusal))
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

    async def _invite_first(self, where: Where, command: str) -> Reply:
        """Binding a channel the bot is not in would bind a channel it cannot post in."""
        who = await self.profile(where.user_team or where.team, where.user)
        t = self.translator(self._locale(await self._stored(where), where, who.locale))
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
            user_team=_person_team(body, event),
        )
        words = without_mention(str(event.get("text", "")), context.bot_user_id)
        line = await self._readable(words, where, _first_word(words))
        reply = await self._ask(_as_command(line), where)
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
            self._workspace(body.get("team_id"), event.get("team")),
            str(event["user"]),
            str(event.get("channel", "")),
            private=True,
            user_team=_person_team(body, event),
        )
        words = without_mention(str(event.get("text", "")), context.bot_user_id)
        line = await self._readable(words, where, _first_word(words))
        reply = await self._ask(_as_command(line), where)
        await self._post(where, reply, thread_ts=event.get("thread_ts"))

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button re-enters as its command line; the answer replaces the message it was on."""
        await ack()
        user = body.get("user") or {}
        channel = body.get("channel") or {}
        container = body.get("container") or {}
        view = body.get("view") or {}
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        workspace = self._workspace((body.get("team") or {}).get("id"), team)
        line = str(action.get("value", ""))
        if container.get("type") == "view" and view.get("type") == "home":
            home = Where(workspace, str(user.get("id", "")), "", private=True, user_team=team)
            await self._publish_home(home, line)
            return
        where = Where(
            workspace, str(user.get("id", "")), str(channel.get("id", "")), user_team=team
        )
        reply = await self._ask(line, where)
        private = reply.is_error or reply.personal
        was_private = bool(container.get("is_ephemeral")) or where.chat_kind is ChatKind.PRIVATE
        replace_original = not private or was_private
        response_url = str(body.get("response_url", ""))
        # an ephemeral message cannot be edited through the Web API, only through response_url
        ts = "" if container.get("is_ephemeral") else str(container.get("message_ts") or "")
        await self._respond(
            response_url, reply, where, replace_original=replace_original, original_ts=ts
        )

    # ------------------------------------------------------------------ /addevent modal

    async def _stored(self, where: Where) -> ChatContext | None:
        """The stored coalition and language choices of this person and chat (None if down)."""
        try:
            return await self.app.dispatcher.context_of(
                where.user_id, where.chat_id, where.chat_kind
            )
        except Exception as error:
            log.warning("Slack: no chat context for %s: %r", where.chat_id, error)
            return None

    def _locale(self, stored: ChatContext | None, where: Where, slack: str | None) -> str:
        """The reader's language by the one rule: a channel's own, a person's own in private."""
        return self.app.dispatcher.reader(
            stored, is_group=where.chat_kind is ChatKind.GROUP, platform=slack
        ).locale

    def _may_add_events(self, stored: ChatContext, where: Where) -> bool:
        """Whether /addevent could succeed here: a coordinator or admin, in a bound channel
        (or their own direct messages, where their coalition is known)."""
        return (
            stored.coalition is not None
            and stored.role.at_least(Role.COORDINATOR)
            and (stored.chat_bound or where.chat_kind is ChatKind.PRIVATE)
        )

    async def _open_modal(self, trigger_id: str, where: Where, origin: Origin) -> bool:
        """Opens the /addevent modal for whom it can help; False otherwise (the typed command
        answers then, with its refusal).

        Slack's trigger_id lasts 3 seconds, so the view opens first in the language known
        from the database (or a remembered Slack profile); the Slack language, when still
        unknown, is asked afterwards and the view updated if it differs.
        """
        stored = await self._stored(where)
        if stored is None or not self._may_add_events(stored, where):
            return False
        assert stored.coalition is not None
        try:
            areas = await self.app.services.directory.areas(stored.coalition.slug)
        except Exception as error:
            log.warning("Slack: no areas for the modal: %r", error)
            areas = []
        person = where.user_team or where.team
        known = self.profiles.get(f"{person}:{where.user}")
        locale = self._locale(stored, where, known.locale if known else None)
        try:
            opened = await self.client.views_open(
                trigger_id=trigger_id, view=addevent_view(self.translator(locale), areas, origin)
            )
        except SlackApiError as error:
            log.warning("Slack: views.open failed: %s", _error_code(error))
            return False
        if known is None:
            view = opened.get("view") or {}
            self._later(
                self._relabel_modal(str(view.get("id", "")), where, stored, areas, origin, locale)
            )
        return True

    async def _relabel_modal(
        self,
        view_id: str,
        where: Where,
        stored: ChatContext,
        areas: list[AreaView],
        origin: Origin,
        shown: str,
    ) -> None:
        """Asks Slack for the person's language after the modal opened; relabels it if needed."""
        who = await self.profile(where.user_team or where.team, where.user)
        locale = self._locale(stored, where, who.locale)
        if locale == shown or not view_id:
            return
        try:
            await self.client.views_update(
                view_id=view_id, view=addevent_view(self.translator(locale), areas, origin)
            )
        except SlackApiError as error:
            log.info("Slack: views.update of the modal failed: %s", _error_code(error))

    def _later(self, work: Awaitable[None]) -> None:
        """Runs `work` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

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
        workspace = self._workspace((body.get("team") or {}).get("id"), team)
        if origin is None:
            origin = Origin(
                workspace, str(user.get("id", "")), str(user.get("id", "")), "directmessage"
            )
        where = Where(
            origin.team or workspace,
            str(user.get("id", "")),
            origin.channel,
            origin.channel_name,
            user_team=team,
        )
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
        who = await self.profile(where.user_team or where.team, where.user)
        stored = await self._stored(where)
        problems = form.pipe_problems(self.translator(self._locale(stored, where, who.locale)))
        if problems:
            return problems, None
        reply = await self._ask(form.command_line(origin.command), where)
        if not reply.is_error:
            return {}, reply
        coalition = stored.coalition if stored is not None else None
        zone = ZoneInfo(coalition.timezone) if coalition is not None else None
        areas: list[AreaView] = []
        if coalition is not None:
            try:
                areas = await self.app.services.directory.areas(coalition.slug)
            except Exception as error:
                log.warning("Slack: no areas to check the modal against: %r", error)
        field = form.field_of_error(self.app.clock(), zone, areas)
        if field is None:  # not about a field: the modal closes, the refusal comes as a message
            return {}, reply
        return {field: reply.lines[0] if reply.lines else "?"}, reply

    # ------------------------------------------------------------------ App Home

    async def _on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        where = Where(
            self._workspace(body.get("team_id"), event.get("team")),
            str(event["user"]),
            str(event.get("channel") or ""),
            private=True,
            user_team=_person_team(body, event),
        )
        await self._publish_home(where)

    async def _publish_home(self, where: Where, line: str = "") -> None:
        """The person's coalition at a glance: a short help, the /events and /deadlines
        answers, and for coordinators and admins their tools (admins: /status too)."""
        clicked = find_command(line.split(maxsplit=1)[0]) if line.strip() else None
        lists: list[tuple[str, Reply]] = []
        for section in LISTS:
            ask = line if clicked is not None and clicked.name == section else f"/{section}"
            lists.append((section, await self._ask(ask, where)))
        who = await self.profile(where.user_team or where.team, where.user)
        stored = await self._stored(where)
        t = self.translator(self._locale(stored, where, who.locale))
        role = stored.role if stored is not None and stored.coalition is not None else None
        status: Reply | None = None
        if role is Role.ADMIN:
            status = await self._ask("/status", where)
            status = None if status.is_error else status
        parts = HomeParts(short_help(t), tuple(lists), tools(t, role) if role else None, status)
        try:
            await self.client.views_publish(user_id=where.user, view=home_view(parts))
        except SlackApiError as error:
            log.error("Slack: views.publish for %s failed: %s", where.user_id, _error_code(error))


def _person_team(body: dict[str, Any], event: dict[str, Any]) -> str:
    """The person's own team: a Slack Connect guest's differs from the workspace's."""
    profile = event.get("user_profile") or {}
    return str(
        event.get("user_team")
        or profile.get("team")
        or body.get("team_id")
        or event.get("team")
        or ""
    )


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


def _request_key(body: object, req: AsyncBoltRequest) -> str | None:
    """What makes a request the same request: an event's id (Slack's retries carry it, with a
    new signature), else the request's signature (only a replay repeats it)."""
    event_id = body.get("event_id") if isinstance(body, dict) else None
    if isinstance(event_id, str) and event_id:
        return f"event:{event_id}"
    signature = (req.headers.get("x-slack-signature") or [""])[0]
    return f"signed:{signature}" if signature else None


def _reads_only(body: object) -> bool:
    """A slash command whose answer only reads shared content (`/events`, `/help`, ...)."""
    if not isinstance(body, dict) or "command" not in body:
        return False
    spec = find_command(str(body.get("command", "")))
    return spec is not None and spec.shared_answer
