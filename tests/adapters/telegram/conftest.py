"""Fixtures: a fake Bot API server on loopback and the real Telegram adapter polling it."""

from __future__ import annotations

import asyncio
import gettext
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config import TelegramConfig
from bot.runner import telegram_adapter
from handlers.i18n import Translator
from tests.adapters.telegram.fake_bot_api import FakeBotApi, Sent, user
from tests.adapters.telegram.helpers import bind_group

SL_MARK = "[sl] "
COALITION_GROUP = -100999
"""SAŠA's own Telegram group. The fake Bot API counts everyone as its member unless a test
lists `fake_api.members[COALITION_GROUP]`, so a person writing privately sees SAŠA as a
member of its group would; the tests of who sees what list the members."""


class MarkedCatalog(gettext.NullTranslations):
    """A stand-in Slovenian catalog that marks every message, so tests can tell the language."""

    def gettext(self, message: str) -> str:
        return SL_MARK + message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return SL_MARK + (msgid1 if n == 1 else msgid2)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


def settings(fake_api: FakeBotApi, **overrides: Any) -> TelegramConfig:
    return TelegramConfig(token=fake_api.token, base_url=fake_api.base_url, **overrides)


@pytest.fixture
def marked(app: App) -> App:
    """The app with Slovenian answers marked `[sl] ` (whatever the real catalog says)."""
    app.translators["sl"] = Translator("sl", MarkedCatalog())
    return app


@pytest.fixture
async def telegram(app: App, fake_api: FakeBotApi) -> AsyncIterator[TelegramAdapter]:
    """The adapter, started in polling mode against the fake server; stopped afterwards."""
    await bind_group(app, COALITION_GROUP)
    adapter = telegram_adapter(app, settings(fake_api), poll_timeout=5, backoff=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


class Chat:
    """Types as a Telegram user and waits for what the bot answers, as a person would."""

    CONTROL_USER = 424242

    def __init__(self, fake_api: FakeBotApi, adapter: TelegramAdapter | None = None) -> None:
        self.api = fake_api
        self.adapter = adapter

    async def ask(
        self, text: str, *, sender: dict[str, Any], chat_id: int | None = None, count: int = 1
    ) -> list[Sent]:
        """Sends `text` and returns the bot's new messages in that chat (waits for `count`)."""
        chat = sender["id"] if chat_id is None else chat_id
        before = len(self.api.messages_to(chat))
        self.api.say(text, user=sender, chat_id=chat)
        return (await self.api.replies(chat, before + count))[before:]

    async def settle(self, seconds: float = 10) -> None:
        """Waits until every update pushed so far has been handled (its queue within `seconds`).

        In process: until the bot has fetched them all and its update queue is done with
        them (chats are handled concurrently, so one chat's answer proves nothing about
        another's). For a bot in another process: until a control command sent now is
        answered, which is only as good as its chat's turn.
        """
        if self.adapter is None:
            await self.ask("/help", sender=user(self.CONTROL_USER, language="en"))
            return
        pushed = self.api.last_pushed
        await self.api.wait_for(lambda: self.api.confirmed >= pushed)
        await asyncio.wait_for(self.adapter.application.update_queue.join(), seconds)

    def silent_since(self, chat_id: int, count: int) -> bool:
        return len(self.api.messages_to(chat_id)) == count


@pytest.fixture
def chat(fake_api: FakeBotApi, telegram: TelegramAdapter) -> Chat:
    return Chat(fake_api, telegram)
