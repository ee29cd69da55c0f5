"""For reminder tests on the real path: the Telegram adapter polling a fake Bot API, people
typing commands in groups and private chats, and the reminder scheduler swept by the test on
a fake clock, its sends going through the adapter to the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.app import App
from bot.config import Config, RemindersConfig, TelegramConfig
from bot.runner import telegram_adapter
from bot.scheduler import ReminderScheduler
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.conftest import FakeClock, make_app

ADMIN = user(500, language="sl")
COORDINATOR = user(501, language="sl")
MONDAY_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
"""09:00 in Ljubljana, when each test begins."""


@dataclass
class ReminderBot:
    app: App
    api: FakeBotApi
    clock: FakeClock
    scheduler: ReminderScheduler
    chat: Chat

    async def ask(self, text: str, *, sender: dict[str, Any], chat_id: int | None = None) -> str:
        """Types `text` (in `sender`'s private chat when no chat is given); the answer's text."""
        [answer] = await self.chat.ask(text, sender=sender, chat_id=chat_id)
        return answer.text

    async def sweep_at(self, moment: datetime) -> None:
        """The clock reaches `moment` and the scheduler sends whatever is due."""
        self.clock.now = moment
        await self.scheduler.sweep()

    def texts(self, chat_id: int) -> list[str]:
        return [message.text for message in self.api.messages_to(chat_id)]

    def count(self, chat_id: int, start: str) -> int:
        return sum(1 for text in self.texts(chat_id) if text.startswith(start))

    async def member(self, person: dict[str, Any], slug: str = "rem") -> None:
        """`person` belongs to the coalition (so its private chat is theirs)."""
        await self.app.services.directory.ensure_role(slug, f"telegram:{person['id']}", Role.MEMBER)


@asynccontextmanager
async def reminder_bot(
    url: str,
    *,
    digest: str | None = None,
    areas: dict[str, str] | None = None,
) -> AsyncIterator[ReminderBot]:
    """Two coalitions, `rem` (the private chats' default) and `druga`, with the same admin and
    coordinator; the bot started on `url` at Monday 09:00."""
    api = FakeBotApi()
    await api.start()
    clock = FakeClock(MONDAY_0900)
    admins = (f"telegram:{ADMIN['id']}",)
    config = Config(
        default_coalition="rem",
        telegram=TelegramConfig(token=api.token, base_url=api.base_url),
        reminders=RemindersConfig(digest=digest),
        coalitions=(
            CoalitionSpec(
                slug="rem", name="Koalicija opomnikov", admins=admins, areas=dict(areas or {})
            ),
            CoalitionSpec(slug="druga", name="Druga koalicija", admins=admins),
        ),
    )
    app = await make_app(url, clock, demo=False, config=config)
    for slug in ("rem", "druga"):
        await app.services.directory.ensure_role(
            slug, f"telegram:{COORDINATOR['id']}", Role.COORDINATOR
        )
    adapter = telegram_adapter(app, poll_timeout=1, backoff=0.05)
    await adapter.start()
    scheduler = ReminderScheduler(app, {"telegram": adapter}, worker="test")
    try:
        yield ReminderBot(app, api, clock, scheduler, Chat(api))
    finally:
        await adapter.stop()
        await app.close()
        await api.close()
