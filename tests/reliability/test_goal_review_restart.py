"""Done when: the goals' progress review arrives once in the bound Telegram group after a
restart across its due time, in Slovenian, naming what is behind and what would bring it back.

Everything real but the platform and the clock: the Telegram adapter polls a fake Bot API,
the scheduler starts as `coalition-bot run` starts it, on a FakeClock; SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config import Config, RemindersConfig, TelegramConfig
from bot.runner import telegram_adapter
from bot.scheduler import ReminderScheduler
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, Sent, user
from tests.conftest import FakeClock, make_app
from tests.reliability.reminder_platforms import wait_until

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

GROUP = -100777
ADMIN = user(500, language="sl")
COORDINATOR = user(501, language="sl")
JUNE_20 = datetime(2026, 6, 20, 8, 0, tzinfo=UTC)  # Saturday 10:00 in Ljubljana
REVIEW_DUE = datetime(2026, 7, 6, 7, 0, tzinfo=UTC)  # the first Monday of July, 09:00
AFTER_THE_DUE_TIME = datetime(2026, 7, 6, 7, 40, tzinfo=UTC)  # the bot was down at 09:00
TITLE = "Pregled ciljev — Koalicija opomnikov"


@dataclass
class RunningBot:
    app: App
    telegram: TelegramAdapter
    scheduler: ReminderScheduler

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.telegram.stop()
        await self.app.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


async def start_bot(url: str, clock: FakeClock, api: FakeBotApi, worker: str) -> RunningBot:
    """What `coalition-bot run` does (the goals' posts at their defaults), with the fake's
    address and the test's clock."""
    config = Config(
        telegram=TelegramConfig(token=api.token, base_url=api.base_url),
        reminders=RemindersConfig(digest=None),
        coalitions=(
            CoalitionSpec(
                slug="rem", name="Koalicija opomnikov", admins=(f"telegram:{ADMIN['id']}",)
            ),
        ),
    )
    app = await make_app(url, clock, demo=False, config=config)
    telegram = telegram_adapter(app, poll_timeout=1, backoff=0.05)
    await telegram.start()
    scheduler = ReminderScheduler(app, {"telegram": telegram}, worker=worker)
    await scheduler.start()
    return RunningBot(app, telegram, scheduler)


def reviews(api: FakeBotApi) -> list[Sent]:
    return [m for m in api.messages_to(GROUP) if m.text.startswith(TITLE)]


async def test_the_review_arrives_once_in_the_group_after_a_restart_across_its_due_time(
    database_url: str, clock: FakeClock, api: FakeBotApi
) -> None:
    clock.now = JUNE_20
    bot = await start_bot(database_url, clock, api, "first")
    try:
        await bot.app.services.directory.ensure_role(
            "rem", f"telegram:{COORDINATOR['id']}", Role.COORDINATOR
        )
        chat = Chat(api)
        [bound] = await chat.ask("/povezi rem", sender=ADMIN, chat_id=GROUP)
        assert "Koalicija opomnikov" in bound.text, bound.text
        for line in (
            "/dodajcilj Digitalni ekosistem",
            "/dodajkazalnik 1 | Oddane prijave | 3 prijave | letno",
            "/vpisi 1 1 | prva prijava",
        ):
            [answer] = await chat.ask(line, sender=COORDINATOR, chat_id=GROUP)
            assert "Oddane prijave" in answer.text or "Digitalni" in answer.text, answer.text
        clock.now = REVIEW_DUE.replace(hour=6, minute=59)
        await bot.scheduler.sweep()
        assert reviews(api) == [], "nothing before its time"
    finally:
        await bot.stop()

    clock.now = AFTER_THE_DUE_TIME
    bot = await start_bot(database_url, clock, api, "second")
    try:
        # No sweep by the test: starting is enough, as after a real restart.
        await wait_until(lambda: len(reviews(api)) == 1, 10, "the late review")
        await bot.scheduler.sweep()
        another = ReminderScheduler(bot.app, bot.scheduler.senders, worker="another")
        await another.sweep()
    finally:
        await bot.stop()

    bot = await start_bot(database_url, clock, api, "third")
    try:
        await bot.scheduler.sweep()
    finally:
        await bot.stop()

    [review] = reviews(api)
    assert review.bold[0] == TITLE, review.bold
    assert "1 kazalnik zaostaja:" in review.text, review.text
    assert "#1 Oddane prijave: doslej 1 / 3 prijave; do 31. 12. 2026 še 2" in review.text
    assert "Vrednost vpišete z /vpisi; vsi cilji: /cilji." in review.text
