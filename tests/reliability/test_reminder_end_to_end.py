"""Done when: an event added in a Telegram group is reminded an hour before, across a restart,
in the bound Telegram group and the bound Slack channel, once each, in Slovenian.

Everything real but the platforms and the clock: the Telegram adapter polls a fake Bot API,
the Slack adapter (HTTP mode) posts to a fake Web API, the scheduler runs on a FakeClock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config import Config, RemindersConfig, SlackConfig, TelegramConfig
from bot.runner import slack_adapter, telegram_adapter
from bot.scheduler import ReminderScheduler
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.adapters.slack.fake_web_api import BOT_TOKEN, TEAM, FakeSlackWebApi, Said
from tests.adapters.slack.harness import SIGNING_SECRET, HttpTransport, Slack
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, Sent, user
from tests.conftest import FakeClock, make_app
from tests.reliability.reminder_platforms import wait_until

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

GROUP = -100777
CHANNEL = "C1"
ADMIN = user(500, language="sl")
COORDINATOR = user(501, language="sl")
SLACK_ADMIN = "U1"
MONDAY_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Ljubljana
MONDAY_1000 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a day before the meeting
TUESDAY_0859 = datetime(2026, 11, 24, 7, 59, tzinfo=UTC)
TUESDAY_0900 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # an hour before the meeting
TUESDAY_0940 = datetime(2026, 11, 24, 8, 40, tzinfo=UTC)


@dataclass
class Platforms:
    telegram: FakeBotApi
    slack: FakeSlackWebApi

    def telegram_reminders(self) -> list[Sent]:
        return [m for m in self.telegram.messages_to(GROUP) if m.text.startswith("Opomnik:")]

    def slack_reminders(self) -> list[Said]:
        return [
            s
            for s in self.slack.said
            if s.kind == "message" and s.channel == CHANNEL and "Opomnik:" in s.text
        ]

    def counts(self) -> tuple[int, int]:
        return len(self.telegram_reminders()), len(self.slack_reminders())


@pytest.fixture
async def platforms() -> AsyncIterator[Platforms]:
    telegram, slack = FakeBotApi(), FakeSlackWebApi()
    await telegram.start()
    await slack.start()
    slack.add_user(SLACK_ADMIN, "sl-SI", "ana")
    yield Platforms(telegram, slack)
    await slack.stop()
    await telegram.close()


@dataclass
class RunningBot:
    """One life of the bot: the core, both adapters and the reminder scheduler."""

    app: App
    telegram: TelegramAdapter
    slack: SlackAdapter
    scheduler: ReminderScheduler

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.slack.stop()
        await self.telegram.stop()
        await self.app.close()


async def start_bot(url: str, clock: FakeClock, platforms: Platforms, worker: str) -> RunningBot:
    """What `coalition-bot run` does, with the fakes' addresses and the test's clock."""
    config = Config(
        telegram=TelegramConfig(
            token=platforms.telegram.token, base_url=platforms.telegram.base_url
        ),
        slack=SlackConfig(
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            mode="http",
            port=0,
            api_url=platforms.slack.url,
        ),
        reminders=RemindersConfig(digest=None),
        coalitions=(
            CoalitionSpec(
                slug="rem",
                name="Koalicija opomnikov",
                admins=(f"telegram:{ADMIN['id']}", f"slack:{TEAM}:{SLACK_ADMIN}"),
            ),
        ),
    )
    app = await make_app(url, clock, demo=False, config=config)
    telegram = telegram_adapter(app, poll_timeout=1, backoff=0.05)
    slack = slack_adapter(app, host="127.0.0.1")
    await telegram.start()
    await slack.start()
    scheduler = ReminderScheduler(app, {"telegram": telegram, "slack": slack}, worker=worker)
    await scheduler.start()
    return RunningBot(app, telegram, slack, scheduler)


async def set_up_in_the_chats(bot: RunningBot, platforms: Platforms) -> None:
    """The admin binds the group and the channel; a coordinator adds tomorrow's meeting."""
    await bot.app.services.directory.ensure_role(
        "rem", f"telegram:{COORDINATOR['id']}", Role.COORDINATOR
    )
    telegram = Chat(platforms.telegram)
    [bound] = await telegram.ask("/bind rem", sender=ADMIN, chat_id=GROUP)
    assert "Koalicija opomnikov" in bound.text, bound.text
    slack = Slack(bot.slack, platforms.slack, HttpTransport(slack_events_url(bot)))
    said = await slack.ask("/bind", "rem", user=SLACK_ADMIN, channel=CHANNEL)
    assert "Koalicija opomnikov" in said.readable, said.readable
    [added] = await telegram.ask(
        "/addevent Sestanek | jutri ob 10h", sender=COORDINATOR, chat_id=GROUP
    )
    assert "Sestanek" in added.text, added.text
    assert platforms.counts() == (0, 0)


def slack_events_url(bot: RunningBot) -> str:
    return f"http://127.0.0.1:{bot.slack.http_port}{bot.app.config.slack.path}"


async def first_life(url: str, clock: FakeClock, platforms: Platforms) -> None:
    """Monday: the meeting is added, the day-before reminder goes out, the bot stops."""
    clock.now = MONDAY_0900
    bot = await start_bot(url, clock, platforms, "first")
    try:
        await set_up_in_the_chats(bot, platforms)
        clock.now = MONDAY_1000
        await bot.scheduler.sweep()
        assert platforms.counts() == (1, 1)
        for text in (platforms.telegram_reminders()[0].text, platforms.slack_reminders()[0].text):
            assert "Opomnik: Sestanek" in text
            assert "Začne se jutri." in text
    finally:
        await bot.stop()


async def test_the_hour_before_reminder_arrives_once_after_a_restart(
    database_url: str, clock: FakeClock, platforms: Platforms
) -> None:
    await first_life(database_url, clock, platforms)

    bot = await start_bot(database_url, clock, platforms, "second")
    try:
        clock.now = TUESDAY_0859
        await bot.scheduler.sweep()
        assert platforms.counts() == (1, 1), "nothing a minute early"
        clock.now = TUESDAY_0900
        await bot.scheduler.sweep()
        await bot.scheduler.sweep()
        another = ReminderScheduler(bot.app, bot.scheduler.senders, worker="another")
        await another.sweep()
    finally:
        await bot.stop()

    assert platforms.counts() == (2, 2), "once in the group and once in the channel"
    telegram = platforms.telegram_reminders()[-1]
    assert telegram.text.startswith("Opomnik: Sestanek")
    assert "Začne se čez 1 uro." in telegram.text
    assert telegram.bold == ("Opomnik: Sestanek",)
    assert "Kdaj: tor., 24. nov. 2026, 10:00" in telegram.text
    slack = platforms.slack_reminders()[-1]
    assert "Opomnik: Sestanek" in slack.text
    assert "čez 1 uro" in slack.text
    assert "čez 1 uro" in slack.readable


async def test_a_restart_after_the_due_time_catches_up_once_with_the_real_time_left(
    database_url: str, clock: FakeClock, platforms: Platforms
) -> None:
    await first_life(database_url, clock, platforms)

    clock.now = TUESDAY_0940  # the bot was down at 09:00, when the hour-before reminder was due
    bot = await start_bot(database_url, clock, platforms, "second")
    try:
        # No sweep by the test: starting is enough, as after a real restart.
        await wait_until(lambda: platforms.counts() == (2, 2), 10, "the late reminder")
        await bot.scheduler.sweep()
        another = ReminderScheduler(bot.app, bot.scheduler.senders, worker="another")
        await another.sweep()
    finally:
        await bot.stop()

    assert platforms.counts() == (2, 2), "sent once, late"
    telegram = platforms.telegram_reminders()[-1]
    assert telegram.text.startswith("Opomnik: Sestanek")
    assert "Začne se čez 20 minut." in telegram.text
    assert "čez 1 uro" not in telegram.text
    assert "čez 20 minut" in platforms.slack_reminders()[-1].text
