"""Webhook mode: the adapter's own HTTP server takes updates only with the right secret."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from tests.adapters.telegram.conftest import COALITION_GROUP, settings
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.adapters.telegram.helpers import bind_group

SECRET = "s3cret-Token_1"
HOOK = "https://bot.example.org/telegram/hook"

pytest.importorskip(
    "tornado", reason="webhook mode needs python-telegram-bot[webhooks] (tornado) installed"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook(app: App, fake_api: FakeBotApi) -> AsyncIterator[str]:
    """The adapter in webhook mode on a free loopback port; yields the URL to POST to."""
    await bind_group(app, COALITION_GROUP)
    port = free_port()
    config = settings(
        fake_api,
        mode="webhook",
        webhook_url=HOOK,
        webhook_secret=SECRET,
        listen="127.0.0.1",
        port=port,
    )
    adapter = TelegramAdapter(app, config, backoff=0.05)
    await adapter.start()
    yield f"http://127.0.0.1:{port}/telegram/hook"
    await adapter.stop()


async def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


def command(fake_api: FakeBotApi, text: str, user_id: int) -> dict[str, Any]:
    sender = user(user_id, language="en")
    return fake_api.numbered({"message": fake_api.message(text, chat_id=user_id, user=sender)})


async def test_the_webhook_is_registered_with_its_secret(
    fake_api: FakeBotApi, webhook: str
) -> None:
    assert fake_api.webhook is not None
    assert fake_api.webhook["url"] == HOOK
    assert fake_api.webhook["secret_token"] == SECRET
    assert "message" in fake_api.webhook["allowed_updates"]


async def test_an_update_with_the_right_secret_is_answered(
    fake_api: FakeBotApi, webhook: str
) -> None:
    assert await post(webhook, command(fake_api, "/events", 8001), SECRET) == 200
    [answer] = await fake_api.replies(8001)
    assert "eAlijansa" in answer.text


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
async def test_an_update_without_the_right_secret_gets_403_and_is_not_processed(
    fake_api: FakeBotApi, webhook: str, secret: str | None
) -> None:
    assert await post(webhook, command(fake_api, "/events", 8002), secret) == 403
    assert await post(webhook, command(fake_api, "/help", 8003), SECRET) == 200
    await fake_api.replies(8003)
    assert fake_api.messages_to(8002) == []


def test_webhook_mode_needs_a_secret(app: App, fake_api: FakeBotApi) -> None:
    config = settings(fake_api, mode="webhook", webhook_url=HOOK)
    with pytest.raises(ValueError, match="webhook_secret"):
        TelegramAdapter(app, config)
