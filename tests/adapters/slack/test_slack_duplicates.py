"""A request handled once across processes: a replayed signed slash command, and an event
retried to another Bolt app on the same database (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app import App, build_app, start_app
from bot.runner import slack_adapter
from models.entities import Role
from models.services.seen_requests import SeenRequestService
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, with_slack
from tests.adapters.slack.fake_web_api import BOT_USER, TEAM, FakeSlackWebApi
from tests.adapters.slack.harness import (
    HttpTransport,
    Slack,
    event_payload,
    http_body,
    slash_payload,
)
from tests.conftest import FakeClock, make_app

Pair = tuple[Slack, Slack, App]


@pytest.fixture
async def two_processes(
    database_url: str, clock: FakeClock, api: FakeSlackWebApi
) -> AsyncIterator[Pair]:
    """Two cores and two Bolt apps in HTTP mode on one database, as two processes would be."""
    first = await make_app(database_url, clock)
    second = build_app(replace(first.config, database_url=database_url), clock=clock)
    await start_app(second)
    for user, role in ((ADMIN, Role.ADMIN), (COORDINATOR, Role.COORDINATOR)):
        await first.services.directory.ensure_role("sasa", f"slack:{TEAM}:{user}", role)
    adapters = [
        slack_adapter(with_slack(a, api, "http"), host="127.0.0.1") for a in (first, second)
    ]
    try:
        for adapter in adapters:
            await adapter.start()
        one, two = (
            Slack(a, api, HttpTransport(f"http://127.0.0.1:{a.http_port}/slack/events"))
            for a in adapters
        )
        said = await one.ask("/bind", "sasa", user=ADMIN)
        assert "SAŠA" in said.readable
        yield one, two, first
    finally:
        for adapter in adapters:
            await adapter.stop()
        await second.close()
        await first.close()


async def total(app: App) -> int:
    return (await app.services.events.upcoming("sasa", limit=1)).total


async def test_a_replayed_signed_addevent_adds_one_event(two_processes: Pair) -> None:
    one, two, app = two_processes
    before = await total(app)
    payload = slash_payload(
        "/addevent",
        "Ponovljen sestanek | jutri ob 10h | Velenje",
        user=COORDINATOR,
        channel="C1",
        response_url=one.api.response_url("replay"),
    )
    body, content_type = http_body("slash_commands", payload)
    stamp = int(time.time())
    first = await one.transport.post(body, content_type, timestamp=stamp)
    assert first.status == 200
    assert isinstance(one.transport, HttpTransport)
    assert isinstance(two.transport, HttpTransport)
    again = await one.transport.post(body, content_type, timestamp=stamp)
    elsewhere = await two.transport.post(body, content_type, timestamp=stamp)
    assert (again.status, elsewhere.status) == (200, 200)
    assert await total(app) == before + 1


async def test_a_mention_retried_to_another_process_adds_one_event(two_processes: Pair) -> None:
    one, two, app = two_processes
    before = await total(app)
    event = {
        "type": "app_mention",
        "user": COORDINATOR,
        "text": f"<@{BOT_USER}> addevent Sestanek ob ponovitvi | jutri ob 11h",
        "channel": "C1",
    }
    payload = event_payload(event, event_id="EvRETRIED")
    assert (await one.transport.deliver("events_api", payload)).status == 200
    await one.api.wait_until(lambda: answers(one) == 1)
    assert (await two.transport.deliver("events_api", payload, retry=1)).status == 200
    with contextlib.suppress(TimeoutError):  # a second answer would come within this
        await one.api.wait_until(lambda: answers(one) > 1, 1.5)
    assert answers(one) == 1
    assert await total(app) == before + 1


def answers(slack: Slack) -> int:
    return sum("Sestanek ob ponovitvi" in s.readable for s in slack.api.said)


async def test_a_handled_request_is_forgotten_when_it_expires(
    any_app: App, clock: FakeClock
) -> None:
    seen = SeenRequestService(any_app.database.sessions, clock)
    assert await seen.first_time("event:Ev1")
    assert not await seen.first_time("event:Ev1")
    assert await seen.first_time("event:Ev2")
    clock.now += seen.keep + timedelta(seconds=1)
    assert await seen.first_time("event:Ev1"), "Slack reuses nothing this old; the row expired"
    assert not await seen.first_time("event:Ev1")
