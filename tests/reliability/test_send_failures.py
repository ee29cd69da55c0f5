"""Reminders into chats that refuse them, through the real scheduler, the real adapters and the
fake Bot API and Slack Web API answering with the errors Telegram and Slack document.

Only a chat that is gone for the bot (deleted, archived, the bot removed or blocked) is
switched off, until the bot is back; a chat where the bot may not post is tried again; token,
scope and message errors fail the send without touching the chat; every failure shows in
/status with its reason, and an error of the bot's own setup is logged once as an ERROR.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Config, RemindersConfig, SlackConfig, TelegramConfig
from bot.runner import slack_adapter, telegram_adapter
from bot.scheduler import ReminderScheduler
from models.entities import ChatBinding
from models.reminders import Reminder, ReminderState, Subscription
from models.services.directory import CoalitionSpec
from tests.adapters.slack.fake_web_api import BOT_TOKEN, FakeSlackWebApi
from tests.adapters.slack.harness import SIGNING_SECRET
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.conftest import FakeClock, make_app
from tests.support import ask

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

ADMIN = "telegram:500"
MONDAY_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DAY_BEFORE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 local
HOUR_BEFORE = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday 09:00 local
MEETING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 10:00 local

TELEGRAM_OK = -100601
TELEGRAM_REFUSALS = {
    -100602: (403, "Forbidden: bot was kicked from the supergroup chat"),
    -100603: (400, "Bad Request: chat not found"),
    -100604: (403, "Forbidden: the group chat was deleted"),
    -100605: (400, "Bad Request: not enough rights to send text messages to the chat"),
    -100606: (400, 'Bad Request: can\'t parse entities: Unsupported start tag "x"'),
    -100607: (401, "Unauthorized"),
    -100608: (401, "Unauthorized"),
    7001: (403, "Forbidden: bot was blocked by the user"),
    7002: (403, "Forbidden: user is deactivated"),
}
TELEGRAM_GONE = {-100602, -100603, -100604, 7001, 7002}
NO_RIGHTS = -100605

SLACK_OK = "C0OK"
SLACK_REFUSALS = {
    "C1GONE": "channel_not_found",
    "C2OUT": "not_in_channel",
    "C3ARCHIVED": "is_archived",
    "C4AUTH": "invalid_auth",
    "C5REVOKED": "token_revoked",
    "C6SCOPE": "missing_scope",
    "C7INACTIVE": "account_inactive",
    "C8BLOCKS": "invalid_blocks",
    "C9LONG": "msg_too_long",
    "CARESTRICTED": "restricted_action",
    "D1PERSON": "account_inactive",
}
SLACK_GONE = {"C1GONE", "C2OUT", "C3ARCHIVED", "D1PERSON"}
RESTRICTED = "CARESTRICTED"
Chat = TypeVar("Chat", int, str)


def telegram_chat(chat: int) -> str:
    return f"telegram:{chat}"


def slack_chat(channel: str) -> str:
    return f"slack:T1:{channel}"


@dataclass
class Running:
    app: App
    clock: FakeClock
    telegram_api: FakeBotApi
    slack_api: FakeSlackWebApi
    scheduler: ReminderScheduler

    async def active(self) -> dict[str, bool]:
        """Each chat's binding or subscription: whether reminders go there."""
        async with self.app.database.sessions() as session:
            bound = await session.execute(select(ChatBinding.chat_id, ChatBinding.active))
            subscribed = await session.execute(
                select(Subscription.chat_id, Subscription.active & Subscription.reachable)
            )
            return {chat: active for chat, active in (*bound, *subscribed)}

    async def reminder_states(self) -> list[ReminderState]:
        async with self.app.database.sessions() as session:
            return list(await session.scalars(select(Reminder.state).order_by(Reminder.id)))

    def telegram_sends(self, chat: int) -> int:
        return sum(
            1
            for call in self.telegram_api.calls_of("sendMessage")
            if call.params["chat_id"] == str(chat)
        )

    def telegram_reminders(self, chat: int) -> list[str]:
        return [m.text for m in self.telegram_api.messages_to(chat) if "Opomnik" in m.text]

    def slack_sends(self, channel: str) -> int:
        return sum(
            1 for args in self.slack_api.calls("chat.postMessage") if args["channel"] == channel
        )

    def slack_reminders(self, channel: str) -> list[str]:
        return [s.text for s in self.slack_api.said if s.channel == channel and "Opomnik" in s.text]

    async def status(self) -> str:
        return (await ask(self.app, "/status", user=ADMIN, coalition="rem")).plain_text()

    async def sends_on_retry(
        self, sends: Callable[[Chat], int], chats: Iterable[Chat]
    ) -> dict[Chat, int]:
        """How often each chat is tried in the sweep 30 s later, when retries are due."""
        before = {chat: sends(chat) for chat in chats}
        self.clock.now += timedelta(seconds=30)
        await self.scheduler.sweep()
        return {chat: sends(chat) - tried for chat, tried in before.items()}


@pytest.fixture
async def running(database_url: str) -> AsyncIterator[Running]:
    """The bot with both adapters on the fakes, a coalition bound to every chat above, personal
    subscriptions in the private chats, and a meeting on Tuesday at 10:00."""
    telegram_api, slack_api = FakeBotApi(), FakeSlackWebApi()
    await telegram_api.start()
    await slack_api.start()
    groups = [TELEGRAM_OK, *(c for c in TELEGRAM_REFUSALS if c < 0)]
    channels = [SLACK_OK, *(c for c in SLACK_REFUSALS if c.startswith("C"))]
    config = Config(
        telegram=TelegramConfig(token=telegram_api.token, base_url=telegram_api.base_url),
        slack=SlackConfig(
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            mode="http",
            port=0,
            api_url=slack_api.url,
        ),
        reminders=RemindersConfig(digest=None),
        coalitions=(
            CoalitionSpec(
                slug="rem",
                name="Koalicija opomnikov",
                admins=(ADMIN,),
                chats=(
                    *(telegram_chat(g) for g in groups),
                    *(slack_chat(c) for c in channels),
                ),
            ),
        ),
    )
    clock = FakeClock(MONDAY_0900)
    app = await make_app(database_url, clock, demo=False, config=config)
    telegram = telegram_adapter(app, poll_timeout=1, backoff=0.05)
    slack = slack_adapter(app, host="127.0.0.1")
    await telegram.start()
    await slack.start()
    scheduler = ReminderScheduler(app, {"telegram": telegram, "slack": slack}, worker="test")
    reminders = app.services.reminders
    for person in (c for c in TELEGRAM_REFUSALS if c > 0):
        await reminders.subscribe("rem", f"telegram:{person}", telegram_chat(person), None)
    await reminders.subscribe("rem", "slack:T1:U1PERSON", slack_chat("D1PERSON"), None)
    await app.services.events.create(
        "rem", ADMIN, title="Sestanek", starts_at=MEETING, location="Velenje"
    )
    try:
        yield Running(app, clock, telegram_api, slack_api, scheduler)
    finally:
        await scheduler.stop()
        await slack.stop()
        await telegram.stop()
        await app.close()
        await slack_api.stop()
        await telegram_api.close()


def setup_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name == "bot.scheduler"
    ]


async def test_telegram_only_a_gone_chat_is_switched_off_and_every_failure_is_named(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    running.telegram_api.refusing.update(TELEGRAM_REFUSALS)
    running.clock.now = DAY_BEFORE
    await running.scheduler.sweep()

    assert len(running.telegram_reminders(TELEGRAM_OK)) == 1
    active = await running.active()
    for chat in TELEGRAM_REFUSALS:
        assert active[telegram_chat(chat)] is (chat not in TELEGRAM_GONE), chat
    assert len(setup_errors(caplog)) == 1, "a refused token is an ERROR, once"
    assert "telegram refuses the bot" in setup_errors(caplog)[0]

    # an admin gives the bot its rights back: the retry 30 s later gets through, and only
    # there (the gone chats, the refused message and the refused token are not tried again)
    del running.telegram_api.refusing[NO_RIGHTS]
    again = await running.sends_on_retry(running.telegram_sends, TELEGRAM_REFUSALS)
    assert len(running.telegram_reminders(NO_RIGHTS)) == 1
    assert again == {chat: int(chat == NO_RIGHTS) for chat in TELEGRAM_REFUSALS}
    assert len(setup_errors(caplog)) == 1

    assert await running.reminder_states() == [ReminderState.FAILED, ReminderState.PENDING]
    status = await running.status()
    assert "Poslani: 0" in status
    assert "Neuspešni: 1" in status
    assert "telegram:-100602" in status
    assert "Klepeta ni več ali pa je bil bot odstranjen" in status
    assert "Razlog: Forbidden: bot was kicked from the supergroup chat" in status
    assert "Platforma je sporočilo zavrnila." in status
    assert "Razlog: Can't parse entities" in status
    assert "Platforma zavrača bota" in status
    assert "Razlog: Unauthorized" in status
    assert "telegram:7002" in status
    assert f"telegram:{NO_RIGHTS}" not in status, "it got the reminder in the end"
    assert f"telegram:{TELEGRAM_OK}" not in status

    # the bot is added back to the group it was kicked from, and the person who had blocked
    # it writes to it again: both are active again and get the next reminder; the chats that
    # are gone stay quiet
    kicked, unblocked = -100602, 7001
    del running.telegram_api.refusing[kicked]
    del running.telegram_api.refusing[unblocked]
    running.telegram_api.bot_added(kicked, by=user(500))
    running.telegram_api.say("/events", user=user(unblocked))
    await running.telegram_api.wait_for(
        lambda: all(running.telegram_api.messages_to(c) for c in (kicked, unblocked))
    )
    assert (await running.active())[telegram_chat(unblocked)] is True
    running.clock.now = HOUR_BEFORE
    await running.scheduler.sweep()
    for chat in (TELEGRAM_OK, NO_RIGHTS, kicked, unblocked):
        assert running.telegram_reminders(chat)[-1].startswith("Opomnik: Sestanek"), chat
        assert "čez 1 uro" in running.telegram_reminders(chat)[-1]
    for chat in TELEGRAM_GONE - {kicked, unblocked}:
        assert running.telegram_sends(chat) == 1, f"{chat} is gone: tried once, never again"


async def test_slack_only_a_gone_channel_is_switched_off_and_every_failure_is_named(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    running.slack_api.refusing.update(SLACK_REFUSALS)
    running.clock.now = DAY_BEFORE
    await running.scheduler.sweep()

    assert len(running.slack_reminders(SLACK_OK)) == 1
    active = await running.active()
    for channel in SLACK_REFUSALS:
        assert active[slack_chat(channel)] is (channel not in SLACK_GONE), channel
    errors = setup_errors(caplog)
    assert len(errors) == 1, "invalid_auth, token_revoked, missing_scope: one ERROR"
    assert "slack refuses the bot" in errors[0]

    del running.slack_api.refusing[RESTRICTED]
    again = await running.sends_on_retry(running.slack_sends, SLACK_REFUSALS)
    assert len(running.slack_reminders(RESTRICTED)) == 1
    assert again == {c: int(c == RESTRICTED) for c in SLACK_REFUSALS}

    status = await running.status()
    assert "Neuspešni: 1" in status
    for channel, code in SLACK_REFUSALS.items():
        if channel != RESTRICTED:
            assert slack_chat(channel) in status, channel
            assert f"Razlog: {code}" in status
    assert "Bot tam ne sme objavljati" not in status, "the restricted channel got it"
    assert "Platforma zavrača bota" in status
    assert "Platforma je sporočilo zavrnila." in status
    assert "Klepeta ni več ali pa je bil bot odstranjen" in status
