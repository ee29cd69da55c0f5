"""In front of every Slack request: each is handled once (a retry or a replay is not), and a
person over their command limit is told to slow down instead of answered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.adapters.slack.answering import Answering
from bot.adapters.slack.asking import Asking
from bot.adapters.slack.cache import SeenIds
from bot.adapters.slack.files import FILE_SHARE
from bot.adapters.slack.parse import Where
from bot.adapters.slack.render import message
from handlers.dispatcher import find_command
from handlers.throttle import InboundLimiter, Verdict, slow_down
from models.services.seen_requests import SeenRequestService

log = logging.getLogger(__name__)


def asker(body: dict[str, Any]) -> Where | None:
    """The person and conversation of a slash command, a mention, a direct message or a
    button; None for every other request (modals, the App Home, Slack's own events)."""
    if body.get("command"):
        return Where(
            str(body.get("team_id", "")),
            str(body.get("user_id", "")),
            str(body.get("channel_id", "")),
            str(body.get("channel_name", "")),
        )
    event = body.get("event")
    if isinstance(event, dict) and event.get("user") and not event.get("bot_id"):
        team = str(body.get("team_id") or event.get("team") or event.get("user_team") or "")
        channel = str(event.get("channel", ""))
        if event.get("type") == "app_mention":
            return Where(team, str(event["user"]), channel)
        if event.get("type") == "message" and event.get("channel_type") == "im":
            return (
                None
                if event.get("subtype") not in (None, FILE_SHARE)
                else Where(team, str(event["user"]), channel, private=True)
            )
        return None
    if body.get("type") == "block_actions" and (body.get("container") or {}).get("type") != "view":
        user = body.get("user") or {}
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id", ""))
        return Where(team, str(user.get("id", "")), channel)
    return None


def request_key(body: object, req: AsyncBoltRequest) -> str | None:
    """What makes a request the same request: an event's id (Slack's retries carry it, with a
    new signature), else the request's signature (only a replay repeats it)."""
    event_id = body.get("event_id") if isinstance(body, dict) else None
    if isinstance(event_id, str) and event_id:
        return f"event:{event_id}"
    signature = (req.headers.get("x-slack-signature") or [""])[0]
    return f"signed:{signature}" if signature else None


def reads_only(body: object) -> bool:
    """A slash command whose answer only reads shared content (`/events`, `/help`, ...)."""
    if not isinstance(body, dict) or "command" not in body:
        return False
    spec = find_command(str(body.get("command", "")))
    return spec is not None and spec.shared_answer


Step = Callable[[AsyncBoltRequest, Callable[[], Awaitable[object]]], Awaitable[BoltResponse | None]]


class Check(AsyncMiddleware):
    """One of the gate's checks as Bolt middleware, given the request itself: a function
    registered as middleware would have its arguments picked, by name, from some thirty that
    Bolt makes anew for every request."""

    def __init__(self, step: Step) -> None:
        self.step = step

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        return await self.step(req, next)

    @property
    def name(self) -> str:
        return f"RequestGate.{getattr(self.step, '__name__', 'check')}"


class RequestGate:
    """Bolt middleware: once per request, and within each person's command limit."""

    def __init__(
        self,
        seen_requests: SeenRequestService,
        limiter: InboundLimiter,
        asking: Asking,
        answering: Answering,
        *,
        seen_events: int = 2048,
    ) -> None:
        self.seen = SeenIds(seen_events)
        self.seen_requests = seen_requests
        self.limiter = limiter
        self.asking = asking
        self.answering = answering

    def register_first(self, bolt: AsyncApp) -> None:
        bolt.use(Check(self._once_per_event))

    def register_limit(self, bolt: AsyncApp) -> None:
        bolt.use(Check(self._within_limit))

    async def _once_per_event(
        self, req: AsyncBoltRequest, next: Callable[[], Awaitable[object]]
    ) -> BoltResponse | None:
        """Each request is handled once, whichever process Slack (or anyone replaying a signed
        request) sends it to: an event by its id, any other request by its signature.

        A slash command that only reads (a list, the help) is remembered by this process
        alone: a replay elsewhere shows the same list again and changes nothing, and it saves
        a database write on the commands people use most.
        """
        body = req.body
        key = request_key(body, req)
        if key is not None and not await self._first_time(key, durable=not reads_only(body)):
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

    async def _within_limit(
        self, req: AsyncBoltRequest, next: Callable[[], Awaitable[object]]
    ) -> BoltResponse | None:
        """A person over their command limit in a conversation gets one "slow down", then
        only acknowledgements until they slow down (handlers/throttle.py)."""
        body = req.body
        where = asker(body) if isinstance(body, dict) else None
        verdict = self.limiter.check(where.user_id, where.chat_id) if where else Verdict.PASS
        if where is None or verdict is Verdict.PASS:
            await next()
            return None
        if verdict is Verdict.DROP:
            return BoltResponse(status=200, body="")
        who = await self.asking.profile(where.team, where.user)
        reply = slow_down(self.asking.translator(who.locale))
        if body.get("command"):
            return BoltResponse(status=200, body={**message(reply), "response_type": "ephemeral"})
        await self.answering.post(where, reply)
        return BoltResponse(status=200, body="")
