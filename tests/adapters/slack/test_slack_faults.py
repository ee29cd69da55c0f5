"""Security and faults: signatures, stale requests, retried events, rate limits, lost channels."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace

import aiohttp
import pytest

from bot.adapters.slack import DeliveryFailed, SlackSetupError
from bot.app import App
from bot.config import SlackConfig
from bot.runner import slack_adapter
from handlers.types import IncomingCommand, ListItem, Reply
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, slack_settings
from tests.adapters.slack.fake_web_api import BOT_USER, DROP, FakeSlackWebApi
from tests.adapters.slack.harness import (
    HttpTransport,
    Slack,
    event_payload,
    http_body,
    signature,
    slash_payload,
)

FORGED_EVENT = "Ponarejen sestanek"

AREAS_TITLE = "projektnih področij"
"""/areas as a channel bound to SAŠA reads it: in the coalition's language, Slovenian."""


def forged_addevent(slack: Slack) -> tuple[str, str]:
    """A coordinator's /addevent, as an attacker would post it without the signing secret."""
    payload = slash_payload(
        "/addevent",
        f"{FORGED_EVENT} | 15.3.2027 10:00",
        user=COORDINATOR,
        channel="C1",
        response_url=slack.api.response_url("forged"),
    )
    return http_body("slash_commands", payload)


async def assert_nothing_happened(slack: Slack, app: App) -> None:
    await asyncio.sleep(0.1)
    listing = await app.services.events.upcoming("sasa", limit=50)
    assert all(e.title != FORGED_EVENT for e in listing.items)
    assert not slack.api.said
    assert [name for name, _ in slack.api.requests] == ["auth.test"], "only the start-up check"


async def answered_once(slack: Slack, before: int, words: str) -> None:
    """Exactly one answer containing `words`, even after a later command was answered."""
    await slack.api.wait_until(lambda: any(words in s.readable for s in slack.api.said[before:]))
    await slack.event(
        {"type": "app_mention", "user": ADMIN, "text": f"<@{BOT_USER}> deadlines", "channel": "C1"}
    )
    await slack.api.wait_until(
        lambda: any("prihajajočih rokov" in s.readable for s in slack.api.said[before:])
    )
    await asyncio.sleep(0.1)
    answers = [s for s in slack.api.said[before:] if words in s.readable]
    assert len(answers) == 1, [s.readable[:60] for s in slack.api.said[before:]]


def http(slack: Slack) -> HttpTransport:
    assert isinstance(slack.transport, HttpTransport)
    return slack.transport


async def test_a_wrong_signature_gets_401_and_does_nothing(slack_http: Slack, app: App) -> None:
    body, content_type = forged_addevent(slack_http)
    answer = await http(slack_http).post(body, content_type, secret="not-the-secret")
    assert answer.status == 401
    await assert_nothing_happened(slack_http, app)


async def test_a_missing_signature_gets_401_and_does_nothing(slack_http: Slack, app: App) -> None:
    body, content_type = forged_addevent(slack_http)
    answer = await http(slack_http).post(body, content_type, signed=False)
    assert answer.status == 401
    await assert_nothing_happened(slack_http, app)


@pytest.mark.parametrize("minutes", [-6, 6])
async def test_a_timestamp_more_than_5_minutes_off_gets_401(
    slack_http: Slack, app: App, minutes: int
) -> None:
    """A correctly signed but replayed (or future) request is refused all the same."""
    body, content_type = forged_addevent(slack_http)
    stamp = int(time.time()) + minutes * 60
    answer = await http(slack_http).post(body, content_type, timestamp=stamp)
    assert answer.status == 401
    await assert_nothing_happened(slack_http, app)


async def test_a_tampered_body_gets_401(slack_http: Slack, app: App) -> None:
    """Signed for one body, sent with another."""
    body, content_type = forged_addevent(slack_http)
    transport = http(slack_http)
    stamp = str(int(time.time()))
    signed_for = body.replace("Ponarejen", "Pravi")
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(transport.secret, stamp, signed_for),
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(transport.url, data=body.encode(), headers=headers) as response,
    ):
        assert response.status == 401
    await assert_nothing_happened(slack_http, app)


async def test_a_signed_url_verification_is_answered(slack_http: Slack) -> None:
    challenge = {"type": "url_verification", "token": "t", "challenge": "c-123"}
    answer = await http(slack_http).post(json.dumps(challenge), "application/json")
    assert answer.status == 200
    assert answer.payload == {"challenge": "c-123"}


async def test_a_retried_event_over_http_is_processed_once(slack_http: Slack) -> None:
    await slack_http.ask("/bind", "sasa")
    before = len(slack_http.api.said)
    event = {"type": "app_mention", "user": ADMIN, "text": f"<@{BOT_USER}> areas", "channel": "C1"}
    payload = event_payload(event, event_id="EvRETRY1")
    body, content_type = http_body("events_api", payload)
    first = await http(slack_http).post(body, content_type)
    again = await http(slack_http).post(body, content_type, retry=1)
    assert (first.status, again.status) == (200, 200)
    await answered_once(slack_http, before, AREAS_TITLE)


async def test_a_retried_envelope_over_socket_mode_is_acked_and_processed_once(
    bound: Slack,
) -> None:
    before = len(bound.api.said)
    event = {"type": "app_mention", "user": ADMIN, "text": f"<@{BOT_USER}> areas", "channel": "C1"}
    payload = event_payload(event, event_id="EvRETRY2")
    first = await bound.transport.deliver("events_api", payload)
    again = await bound.transport.deliver("events_api", payload, retry=1)
    assert (first.status, again.status) == (200, 200), "both envelopes are acked"
    await answered_once(bound, before, AREAS_TITLE)


async def test_429_from_the_web_api_is_retried_after_retry_after_and_delivered_once(
    bound: Slack,
) -> None:
    bound.api.fail("chat.postMessage", status=429, retry_after=1)
    said = await bound.mention("areas")
    attempts = bound.api.calls("chat.postMessage")
    assert len(attempts) == 2
    assert attempts[1]["_at"] - attempts[0]["_at"] >= 1.0, "Retry-After was honoured"
    assert [s.kind for s in bound.api.said[1:]] == ["message"]
    assert AREAS_TITLE in said.readable


async def test_429_on_the_response_url_is_retried_and_delivered_once(bound: Slack) -> None:
    bound.adapter.answer_in_ack_seconds = 0.0  # every answer goes through response_url
    bound.api.fail("response_url", status=429, retry_after=0)
    said = await bound.ask("/areas")
    assert len([name for name, _ in bound.api.requests if name == "response_url"]) == 2
    assert [s.channel for s in bound.api.said].count(said.channel) == 1


async def test_a_dropped_connection_to_the_web_api_is_retried(bound: Slack) -> None:
    bound.api.fail("chat.postMessage", status=DROP)
    said = await bound.mention("areas")
    assert len(bound.api.calls("chat.postMessage")) == 2
    assert AREAS_TITLE in said.readable


async def test_not_in_channel_is_told_to_the_user_directly_not_retried(
    bound: Slack, app: App
) -> None:
    await app.services.directory.bind_chat(f"slack:T1:{ADMIN}", "slack:T1:C9", "sasa")
    bound.api.outsider_channels.add("C9")
    said = await bound.mention("areas", channel="C9")
    assert said.channel == ADMIN, "the answer comes as a direct message"
    assert "V ta kanal ne morem pisati." in said.readable
    assert AREAS_TITLE in said.readable
    await asyncio.sleep(0.1)
    channels = [c["channel"] for c in bound.api.calls("chat.postMessage")]
    assert channels == ["C9", ADMIN]


async def test_send_posts_a_reply_into_a_chat(slack: Slack) -> None:
    reply = Reply(title="Opomnik", items=(ListItem("Sestanek <jutri>", ("Velenje",)),))
    await slack.adapter.send("slack:T1:C1", reply)
    said = slack.api.said[-1]
    assert said.kind == "message"
    assert said.channel == "C1"
    assert "Sestanek &lt;jutri&gt;" in said.shown
    assert said.text.startswith("*Opomnik*")


@pytest.mark.parametrize(
    ("break_it", "error", "permanent"),
    [
        (lambda api: api.missing_channels.add("C404"), "channel_not_found", True),
        (lambda api: api.outsider_channels.add("C404"), "not_in_channel", True),
        (
            lambda api: api.fail("chat.postMessage", "service_unavailable"),
            "service_unavailable",
            False,
        ),
    ],
)
async def test_send_raises_delivery_failed_saying_whether_to_try_again(
    slack: Slack, break_it: Callable[..., object], error: str, permanent: bool
) -> None:
    break_it(slack.api)
    with pytest.raises(DeliveryFailed) as failed:
        await slack.adapter.send("slack:T1:C404", Reply(title="Opomnik"))
    assert failed.value.permanent is permanent
    assert failed.value.reason == error
    assert error in str(failed.value)
    assert len(slack.api.calls("chat.postMessage")) == 1, "not retried"


async def test_send_refuses_a_chat_of_another_platform(slack: Slack) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await slack.adapter.send("telegram:-100123", Reply(title="x"))
    assert failed.value.permanent


async def test_the_ack_comes_before_a_slow_answer(
    any_slack: Slack, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack needs the ack within 3 s; an answer not ready by then follows later."""
    gate = asyncio.Event()
    handle = app.dispatcher.handle

    async def slow(command: IncomingCommand) -> Reply:
        await gate.wait()
        return await handle(command)

    monkeypatch.setattr(app.dispatcher, "handle", slow)
    answer, key = await any_slack.slash("/help")
    assert answer.status == 200
    assert answer.seconds < 3.0
    assert not (answer.payload or {}).get("text"), "acknowledged empty"
    assert not any_slack.api.said, "acknowledged before answering"
    gate.set()
    said = await any_slack.api.wait_said(1)
    assert said[0].channel == key


async def test_a_rejected_token_or_missing_secret_stops_the_start_with_a_clear_error(
    app: App, api: FakeSlackWebApi
) -> None:
    with pytest.raises(SlackSetupError, match="bot_token"):
        slack_adapter(replace(app, config=replace(app.config, slack=SlackConfig())))
    wrong = replace(slack_settings(api, "socket"), bot_token="xoxb-revoked")
    with pytest.raises(SlackSetupError, match="invalid_auth"):
        await slack_adapter(replace(app, config=replace(app.config, slack=wrong))).start()
    no_secret = replace(slack_settings(api, "http"), signing_secret="")
    adapter = slack_adapter(replace(app, config=replace(app.config, slack=no_secret)))
    with pytest.raises(SlackSetupError, match="signing_secret"):
        await adapter.start()
    assert adapter.http_port is None, "nothing listens without a way to check signatures"


async def test_a_mention_is_acknowledged_before_its_slow_answer_is_posted(bound: Slack) -> None:
    bound.api.fail("chat.postMessage", status=429, retry_after=1)
    before = len(bound.api.said)
    answer = await bound.event(
        {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER}> areas", "channel": "C1"}
    )
    assert answer.status == 200
    assert len(bound.api.said) == before, "Slack has its acknowledgement before the answer"
    said = await bound.said_after(before)
    assert AREAS_TITLE in said.readable


async def test_an_answer_under_way_still_goes_out_when_the_adapter_stops(bound: Slack) -> None:
    bound.api.fail("chat.postMessage", status=429, retry_after=1)
    before = len(bound.api.said)
    answer = await bound.event(
        {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER}> areas", "channel": "C1"}
    )
    assert answer.status == 200
    await bound.adapter.stop()
    assert [AREAS_TITLE in s.readable for s in bound.api.said[before:]] == [True]
