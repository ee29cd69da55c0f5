"""Fixtures: the fake Slack servers on loopback and a started SlackAdapter in either mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app import App
from bot.config import SlackConfig
from bot.runner import slack_adapter
from models.entities import Role
from tests.adapters.slack.fake_socket_mode import FakeSocketMode
from tests.adapters.slack.fake_web_api import APP_TOKEN, BOT_TOKEN, TEAM, FakeSlackWebApi
from tests.adapters.slack.harness import (
    SIGNING_SECRET,
    HttpTransport,
    Slack,
    SocketTransport,
)
from tests.conftest import FakeClock

ADMIN, COORDINATOR, MEMBER = "U1", "U2", "U3"


def slack_settings(api: FakeSlackWebApi, mode: str) -> SlackConfig:
    return SlackConfig(
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        signing_secret=SIGNING_SECRET,
        mode=mode,
        port=0,
        api_url=api.url,
    )


def with_slack(app: App, api: FakeSlackWebApi, mode: str) -> App:
    """The same core (database, services, dispatcher) with Slack settings for the fakes."""
    return replace(app, config=replace(app.config, slack=slack_settings(api, mode)))


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackWebApi]:
    fake = FakeSlackWebApi()
    await fake.start()
    fake.add_user(ADMIN, "en-US", "ana")
    fake.add_user(COORDINATOR, "sl-SI", "bojan")
    fake.add_user(MEMBER, "de-DE", "cene")
    yield fake
    await fake.stop()


@pytest.fixture
async def socket_server(api: FakeSlackWebApi) -> AsyncIterator[FakeSocketMode]:
    server = FakeSocketMode()
    await server.start()
    api.socket_url = server.url
    yield server
    await server.stop()


@pytest.fixture
async def roles(app: App) -> None:
    """U1 is an admin, U2 a coordinator and U3 a member of the SAŠA coalition."""
    for user, role in ((ADMIN, Role.ADMIN), (COORDINATOR, Role.COORDINATOR), (MEMBER, Role.MEMBER)):
        await app.services.directory.ensure_role("sasa", f"slack:{TEAM}:{user}", role)


@pytest.fixture
async def slack(
    app: App, api: FakeSlackWebApi, socket_server: FakeSocketMode, roles: None
) -> AsyncIterator[Slack]:
    """The adapter in Socket Mode (the default), connected to the fake server."""
    adapter = slack_adapter(with_slack(app, api, "socket"))
    await adapter.start()
    try:
        yield Slack(adapter, api, SocketTransport(socket_server))
    finally:
        await adapter.stop()


@pytest.fixture
async def slack_http(app: App, api: FakeSlackWebApi, roles: None) -> AsyncIterator[Slack]:
    """The adapter in HTTP mode on a free loopback port."""
    adapter = slack_adapter(with_slack(app, api, "http"), host="127.0.0.1")
    await adapter.start()
    try:
        url = f"http://127.0.0.1:{adapter.http_port}/slack/events"
        yield Slack(adapter, api, HttpTransport(url))
    finally:
        await adapter.stop()


@pytest.fixture(params=["socket", "http"])
def any_slack(request: pytest.FixtureRequest) -> Slack:
    """Each test using this runs once over Socket Mode and once over HTTP."""
    harness: Slack = request.getfixturevalue("slack" if request.param == "socket" else "slack_http")
    return harness


@pytest.fixture
async def bound(slack: Slack) -> Slack:
    """Channel C1 bound to SAŠA by its admin, through Slack."""
    said = await slack.ask("/bind", "sasa")
    assert "SAŠA" in said.shown or "sasa" in said.shown.lower(), said.shown
    return slack


async def add_events(app: App, clock: FakeClock, count: int) -> int:
    """`count` more SAŠA events, one a day from a month on; how many are upcoming then."""
    for day in range(count):
        await app.services.events.create(
            "sasa",
            f"slack:{TEAM}:{ADMIN}",
            title=f"Srečanje {day + 1}",
            starts_at=clock.now + timedelta(days=30 + day),
        )
    return (await app.services.events.upcoming("sasa")).total


@pytest.fixture
async def two_pages(app: App, clock: FakeClock) -> None:
    """12 more SAŠA events: /events has two pages."""
    await add_events(app, clock, 12)


@pytest.fixture
async def many_events(app: App, clock: FakeClock) -> int:
    """15 more SAŠA events, so /events has three pages; returns the total."""
    return await add_events(app, clock, 15)
