"""Talking to the Slack adapter the way Slack does: payloads, signing, two transports."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import aiohttp

from bot.adapters.slack import SlackAdapter
from tests.adapters.slack.fake_socket_mode import FakeSocketMode
from tests.adapters.slack.fake_web_api import (
    BOT_USER,
    TEAM,
    FakeSlackWebApi,
    Said,
    SharedFile,
    new_trigger_id,
)

SIGNING_SECRET = "test-signing-secret"


@dataclass(frozen=True)
class Answer:
    """Slack's view of the acknowledgement: HTTP status and the JSON payload, if any."""

    status: int
    payload: dict[str, Any] | None
    seconds: float


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature: v0=HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return "v0=" + digest.hexdigest()


class Transport(Protocol):
    async def deliver(self, kind: str, payload: dict[str, Any], *, retry: int = 0) -> Answer: ...


class SocketTransport:
    def __init__(self, server: FakeSocketMode) -> None:
        self.server = server

    async def deliver(self, kind: str, payload: dict[str, Any], *, retry: int = 0) -> Answer:
        envelope_id = await self.server.send(
            kind,
            payload,
            retry_attempt=retry,
            accepts_response_payload=kind != "events_api",
        )
        ack = await self.server.ack(envelope_id)
        return Answer(200, ack.payload, ack.seconds)


def http_body(kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    """The body and content type Slack posts for each kind of request."""
    if kind == "slash_commands":
        return urlencode(payload), "application/x-www-form-urlencoded"
    if kind == "interactive":
        return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    return json.dumps(payload), "application/json"


class HttpTransport:
    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        signed: bool = True,
        retry: int = 0,
    ) -> Answer:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp}
        if signed:
            headers["X-Slack-Signature"] = signature(secret or self.secret, stamp, body)
        if retry:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        started = time.monotonic()
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body.encode(), headers=headers) as response,
        ):
            text = await response.text()
            payload = json.loads(text) if text.startswith("{") else None
            return Answer(response.status, payload, time.monotonic() - started)

    async def deliver(self, kind: str, payload: dict[str, Any], *, retry: int = 0) -> Answer:
        body, content_type = http_body(kind, payload)
        return await self.post(body, content_type, retry=retry)


# ------------------------------------------------------------------ payloads


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


def slash_payload(
    command: str,
    text: str,
    *,
    user: str,
    channel: str,
    response_url: str,
    team: str = TEAM,
) -> dict[str, Any]:
    return {
        "token": "unused-verification-token",
        "team_id": team,
        "team_domain": "test",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else channel.lower(),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
    }


def event_payload(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "unused-verification-token",
        "team_id": TEAM,
        "api_app_id": "A1",
        "event": {"event_ts": "1800000000.000100", **event},
        "type": "event_callback",
        "event_id": event_id or unique("Ev"),
        "event_time": 1800000000,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def button_payload(said: Said, index: int, *, user: str) -> dict[str, Any]:
    """A click on the `index`-th button of a message the fake recorded."""
    button = said.buttons[index]
    channel = said.channel if said.kind != "response" else said.body.get("_channel", "C1")
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "team": {"id": TEAM, "domain": "test"},
        "container": {
            "type": "message",
            "message_ts": "1800000000.000001",
            "channel_id": channel,
            "is_ephemeral": said.kind == "ephemeral"
            or said.body.get("response_type") == "ephemeral",
        },
        "trigger_id": new_trigger_id(),
        "channel": {"id": channel, "name": channel.lower()},
        "message": {"type": "message", "text": said.text, "blocks": said.blocks},
        "response_url": said.body.get("_response_url", ""),
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "cb_buttons",
                "text": button["text"],
                "value": button["value"],
                "type": "button",
                "action_ts": "1800000001.000000",
            }
        ],
    }


def home_button_payload(view: dict[str, Any], index: int, *, user: str) -> dict[str, Any]:
    buttons = [
        element
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    button = buttons[index]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "team": {"id": TEAM, "domain": "test"},
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": new_trigger_id(),
        "view": {"id": "VHOME", "type": "home", "blocks": view["blocks"]},
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "cb_buttons",
                "value": button["value"],
                "type": "button",
                "action_ts": "1800000001.000000",
            }
        ],
    }


def submission_payload(
    view: dict[str, Any], values: dict[str, str], *, user: str
) -> dict[str, Any]:
    """The view_submission of an opened modal filled with `values` (block id -> text)."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        block_id = block["block_id"]
        element = block["element"]
        value = values.get(block_id)
        kind = element["type"]
        if kind == "datepicker":
            entry = {"type": kind, "selected_date": value}
        elif kind == "timepicker":
            entry = {"type": kind, "selected_time": value}
        elif kind == "checkboxes":
            chosen_all = [o for o in element["options"] if value and o["value"] == value]
            entry = {"type": kind, "selected_options": chosen_all}
        elif kind == "static_select":
            chosen = next((o for o in element["options"] if o["value"] == value), None)
            entry = {"type": kind, "selected_option": chosen}
        else:
            entry = {"type": kind, "value": value}
        state[block_id] = {element["action_id"]: entry}
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": new_trigger_id(),
        "view": {**view, "state": {"values": state}, "hash": "h1"},
    }


# ------------------------------------------------------------------ the harness


class Slack:
    """The adapter, the fake Web API and one transport: what a Slack user can do."""

    def __init__(self, adapter: SlackAdapter, api: FakeSlackWebApi, transport: Transport) -> None:
        self.adapter = adapter
        self.api = api
        self.transport = transport
        self.answers: list[Answer] = []

    async def slash(
        self, command: str, text: str = "", *, user: str = "U1", channel: str = "C1"
    ) -> tuple[Answer, str]:
        """Types a slash command; returns the ack and the response_url key of its answer."""
        key = unique("cmd-")
        payload = slash_payload(
            command, text, user=user, channel=channel, response_url=self.api.response_url(key)
        )
        return await self.deliver_slash(payload), key

    async def deliver_slash(self, payload: dict[str, Any]) -> Answer:
        """Delivers a slash command; an answer carried by the ack is shown like Slack does."""
        answer = await self.transport.deliver("slash_commands", payload)
        self.answers.append(answer)
        if answer.payload and ("text" in answer.payload or "blocks" in answer.payload):
            key = str(payload.get("response_url", "")).rsplit("/", 1)[-1]
            await self.api.answered_in_ack(key, answer.payload)
        return answer

    async def ask(
        self, command: str, text: str = "", *, user: str = "U1", channel: str = "C1"
    ) -> Said:
        """Types a slash command and waits for its answer: in the ack or through response_url."""
        answer, key = await self.slash(command, text, user=user, channel=channel)
        assert answer.status == 200, answer
        said: Said = await self.api.wait_until(
            lambda: any(s.channel == key for s in self.api.said),
            3.0,
            lambda: next(s for s in self.api.said if s.channel == key),
        )
        said.body["_channel"] = channel
        said.body["_response_url"] = self.api.response_url(key)
        return said

    async def share(
        self, command: str, text: str = "", *, user: str = "U1", channel: str = "C1"
    ) -> SharedFile:
        """Types a slash command answered with a file; waits until the file is shared."""
        before = len(self.api.files)
        answer, _key = await self.slash(command, text, user=user, channel=channel)
        assert answer.status == 200, answer
        shared: SharedFile = await self.api.wait_until(
            lambda: len(self.api.files) > before, 10.0, lambda: self.api.files[before]
        )
        return shared

    async def share_direct(self, text: str, *, user: str = "U1", channel: str = "D1") -> SharedFile:
        """Writes to the bot directly, for an answer with a file; waits until it is shared."""
        before = len(self.api.files)
        event = {"type": "message", "channel_type": "im", "user": user, "text": text}
        answer = await self.event({**event, "channel": channel})
        assert answer.status == 200, answer
        shared: SharedFile = await self.api.wait_until(
            lambda: len(self.api.files) > before, 10.0, lambda: self.api.files[before]
        )
        return shared

    async def share_file(
        self,
        name: str,
        content: bytes,
        text: str = "",
        *,
        user: str = "U2",
        channel: str = "D1",
        size: int | None = None,
    ) -> Said:
        """Shares a file with the bot in its direct messages; waits for the answer."""
        before = len(self.api.said)
        event = {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": channel,
            "user": user,
            "text": text,
            "files": [self.api.add_file(name, content, size=size)],
        }
        answer = await self.event(event)
        assert answer.status == 200
        return await self.said_after(before)

    async def event(self, event: dict[str, Any], *, event_id: str | None = None) -> Answer:
        answer = await self.transport.deliver("events_api", event_payload(event, event_id=event_id))
        self.answers.append(answer)
        return answer

    async def said_after(self, count: int) -> Said:
        """The next thing said after `count` things were said."""
        said: list[Said] = await self.api.wait_said(count + 1)
        return said[count]

    async def mention(self, text: str, *, user: str = "U1", channel: str = "C1") -> Said:
        before = len(self.api.said)
        answer = await self.event(
            {
                "type": "app_mention",
                "user": user,
                "text": f"<@{BOT_USER}> {text}",
                "channel": channel,
            }
        )
        assert answer.status == 200
        return await self.said_after(before)

    async def direct(self, text: str, *, user: str = "U1", channel: str = "D1") -> Said:
        before = len(self.api.said)
        event = {"type": "message", "channel_type": "im", "user": user, "text": text}
        answer = await self.event({**event, "channel": channel})
        assert answer.status == 200
        return await self.said_after(before)

    async def interact(self, payload: dict[str, Any]) -> Answer:
        answer = await self.transport.deliver("interactive", payload)
        self.answers.append(answer)
        return answer
