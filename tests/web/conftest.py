"""The web application of a real App (demo data, SQLite and PostgreSQL) behind aiohttp's test
client: real HTTP on 127.0.0.1, the same routes `coalition-bot run` serves."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.config import Config, WebConfig
from bot.runner import web_server
from bot.web.health import alive_check, database_check
from tests.conftest import FakeClock, make_app

EMBED_ORIGIN = "https://www.ldk.si"


def web_config(url: str) -> Config:
    return replace(
        Config(database_url=url),
        web=WebConfig(public_url="https://events.example.org", embed_origins=(EMBED_ORIGIN,)),
    )


async def client_for(app: App) -> TestClient[Any, Any]:
    checks = {
        "database": database_check(app.database.sessions),
        "scheduler": alive_check(lambda: True, "not running"),
    }
    server = web_server(app, checks)
    client: TestClient[Any, Any] = TestClient(TestServer(server.application))
    await client.start_server()
    return client


@pytest.fixture
async def web_app(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The core with demo data and a public address, on SQLite and on PostgreSQL."""
    application = await make_app(database_url, clock, config=web_config(database_url))
    yield application
    await application.close()


@pytest.fixture
async def client(web_app: App) -> AsyncIterator[TestClient[Any, Any]]:
    test_client = await client_for(web_app)
    yield test_client
    await test_client.close()


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
