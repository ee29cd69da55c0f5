"""A slow or failing platform: Slack still gets its acks in time, and every answer and every
reminder arrives exactly once when the platform is back.

The fakes of tests/adapters answer here through fault_platforms: 2 seconds late per call, or
with 502 (a gateway's HTML page) and 429 (with retry_after / Retry-After) for a while.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.runner import telegram_adapter
from bot.scheduler import ReminderScheduler
from models.entities import ChatBinding, Role
from models.services.directory import CoalitionSpec
from tests.adapters.slack.conftest import (  # noqa: F401 (fixtures)
    ADMIN,
    COORDINATOR,
    MEMBER,
    roles,
    slack,
    slack_http,
    socket_server,
)
from tests.adapters.slack.fake_web_api import BOT_USER, TEAM
from tests.adapters.slack.harness import Answer, Slack, event_payload, slash_payload, unique
from tests.adapters.telegram.conftest import settings
from tests.adapters.telegram.fake_bot_api import Sent, user
from tests.conftest import FakeClock
from tests.reliability.fault_platforms import FlakyBotApi, FlakySlackWebApi
from tests.support import ask

SLOW = 2.0
"""Seconds the platform takes to answer each call."""
SLACK_ACK = 3.0
TG_COORDINATOR = 61001
TG_GROUP = -100_610_000

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors logged, except python-telegram-bot's own complaint that a 502 page is not JSON."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR
        and not (r.name.startswith("telegram.request") and "invalid JSON" in r.getMessage())
    ]


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture
async def api() -> AsyncIterator[FlakySlackWebApi]:
    """The fake Slack Web API, slow or down on demand (the Slack fixtures use this one)."""
    fake = FlakySlackWebApi()
    await fake.start()
    fake.add_user(ADMIN, "en-US", "ana")
    fake.add_user(COORDINATOR, "sl-SI", "bojan")
    fake.add_user(MEMBER, "de-DE", "cene")
    yield fake
    await fake.stop()


@pytest.fixture
async def bot_api() -> AsyncIterator[FlakyBotApi]:
    fake = FlakyBotApi()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def telegram(app: App, bot_api: FlakyBotApi) -> AsyncIterator[TelegramAdapter]:
    """The real adapter; retries 5xx 4 times in all, 0.2 s apart at first (1 s in production)."""
    adapter = telegram_adapter(app, settings(bot_api), poll_timeout=5, backoff=0.2)
    await adapter.start()
    await app.services.directory.ensure_role("sasa", f"telegram:{TG_COORDINATOR}", Role.COORDINATOR)
    yield adapter
    await adapter.stop()


async def warm_up(*harnesses: Slack) -> None:
    """One command each, so that the adapters know the workspace (Bolt asks auth.test once)."""
    for harness in harnesses:
        said = await harness.ask("/help", user=ADMIN)
        assert said.channel


# ------------------------------------------------------------------------------ Slack, slowly


async def test_slow_slack_gets_its_acks_in_time_and_every_answer_once_later(
    app: App,
    api: FlakySlackWebApi,
    slack: Slack,  # noqa: F811
    slack_http: Slack,  # noqa: F811
) -> None:
    """2 s per Web API call: acks within 3 s over HTTP and Socket Mode, answers after."""
    await warm_up(slack, slack_http)
    await app.services.directory.bind_chat(f"slack:{TEAM}:{ADMIN}", f"slack:{TEAM}:C1", "sasa")
    api.delay = SLOW  # C1 speaks the coalition's language, Slovenian, whoever asks
    lines = [
        ("/events", ""),
        ("/deadlines", ""),
        ("/contacts", "zbornica"),
        ("/addevent", "Počasna delavnica {n} | 15.3.2027 10:00 | Velenje"),
    ]
    keys: list[str] = []
    deliveries = []
    for n, harness in enumerate((slack_http, slack)):
        for command, text in lines:
            key = unique("slow-")
            keys.append(key)
            payload = slash_payload(
                command,
                text.format(n=n),
                user=COORDINATOR,
                channel="C1",
                response_url=api.response_url(key),
            )
            deliveries.append(harness.deliver_slash(payload))
    mention = {"type": "app_mention", "user": ADMIN, "text": f"<@{BOT_USER}> areas"}
    deliveries += [
        harness.transport.deliver("events_api", event_payload({**mention, "channel": channel}))
        for harness, channel in ((slack_http, "C1"), (slack, "C1"))
    ]
    started = time.monotonic()
    acks: list[Answer] = await asyncio.gather(*deliveries)
    acked = time.monotonic() - started
    assert [a.status for a in acks] == [200] * len(acks)
    slowest = max(a.seconds for a in acks)
    assert slowest < SLACK_ACK, f"an ack took {slowest:.2f} s"

    areas = "projektnih področij"  # /areas in C1

    def answered() -> bool:
        mentions = [s for s in api.said if s.kind == "message" and areas in s.readable]
        return all(any(s.channel == key for s in api.said) for key in keys) and len(mentions) >= 2

    await api.wait_until(answered, 30.0)
    done = time.monotonic() - started
    await asyncio.sleep(SLOW + 1.0)  # anything sent twice would have arrived by now
    for key in keys:
        assert [s.channel for s in api.said].count(key) == 1, key
    mentions = [s for s in api.said if s.kind == "message" and areas in s.readable]
    assert len(mentions) == 2
    listing = await app.services.events.upcoming("sasa", limit=200)
    titles = [e.title for e in listing.items]
    assert titles.count("Počasna delavnica 0") == titles.count("Počasna delavnica 1") == 1
    print(
        f"\nslow Slack: slowest ack {slowest:.2f} s, all acks {acked:.2f} s, answers {done:.1f} s"
    )


# -------------------------------------------------------------------------- Telegram, slowly


async def test_slow_telegram_answers_every_update_once(
    bot_api: FlakyBotApi, telegram: TelegramAdapter
) -> None:
    bot_api.delay = SLOW
    coordinator = user(TG_COORDINATOR, language="en")
    lines = ["/events", "/addevent Počasni sestanek | 15.3.2027 10:00", "/deadlines"]
    for line in lines:
        bot_api.say(line, user=coordinator)
    started = time.monotonic()
    answers = await bot_api.replies(TG_COORDINATOR, len(lines), seconds=30)
    took = time.monotonic() - started
    await asyncio.sleep(SLOW + 0.5)
    answers = bot_api.messages_to(TG_COORDINATOR)
    assert len(answers) == len(lines)
    assert "upcoming event" in answers[0].text
    assert "Počasni sestanek" in answers[1].text
    assert "deadline" in answers[2].text
    assert all(call.status == 200 for call in bot_api.calls_of("sendMessage"))
    print(f"\nslow Telegram: {len(lines)} answers in {took:.1f} s")


# ------------------------------------------------------------------- answers after an outage


async def test_telegram_answers_once_after_502_and_429(
    bot_api: FlakyBotApi, telegram: TelegramAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = user(TG_COORDINATOR, language="en")
    for status, retry_after in ((502, None), (429, 1)):
        before = len(bot_api.messages_to(TG_COORDINATOR))
        refused = bot_api.refused
        bot_api.go_down(status, retry_after=retry_after, calls=3)
        lines = ["/events", f"/addevent Po izpadu {status} | 15.3.2027 10:00", "/areas"]
        for line in lines:
            bot_api.say(line, user=coordinator)
        await bot_api.replies(TG_COORDINATOR, before + len(lines), seconds=30)
        await asyncio.sleep(0.5)
        answers: list[Sent] = bot_api.messages_to(TG_COORDINATOR)[before:]
        assert len(answers) == len(lines), [a.text[:60] for a in answers]
        assert f"Po izpadu {status}" in answers[1].text
        assert bot_api.refused - refused == 3
    assert errors_logged(caplog) == []


async def test_slack_answers_once_after_502_and_429(
    app: App,
    api: FlakySlackWebApi,
    slack: Slack,  # noqa: F811
    slack_http: Slack,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Both the response_url and the Web API fail for a while; every answer comes once."""
    await warm_up(slack, slack_http)
    await app.services.directory.bind_chat(f"slack:{TEAM}:{ADMIN}", f"slack:{TEAM}:C1", "sasa")
    for harness in (slack, slack_http):  # answers in the ack would not need the platform
        harness.adapter.answer_in_ack_seconds = 0.0
    for status, retry_after, calls in ((502, None, 4), (429, 1, 2)):
        api.go_down(status, retry_after=retry_after, calls=calls)
        refused = api.refused
        keys: list[str] = []
        deliveries = []
        for n, harness in enumerate((slack_http, slack)):
            key = unique(f"down{status}-")
            keys.append(key)
            payload = slash_payload(
                "/addevent",
                f"Po izpadu {status} {n} | 15.3.2027 10:00",
                user=COORDINATOR,
                channel="C1",
                response_url=api.response_url(key),
            )
            deliveries.append(harness.deliver_slash(payload))
        acks = await asyncio.gather(*deliveries)
        assert max(a.seconds for a in acks) < SLACK_ACK

        def shown(n: int, status: int = status) -> list[str]:
            return [s.readable for s in api.said if f"Po izpadu {status} {n}" in s.readable]

        await api.wait_until(lambda: bool(shown(0)) and bool(shown(1)), 30.0)
        await asyncio.sleep(1.0)
        assert len(shown(0)) == len(shown(1)) == 1
        assert api.refused - refused == calls
    assert errors_logged(caplog) == []


# ------------------------------------------------------------------ reminders after an outage

FAULT_GROUP_TG = "telegram:-100610099"
FAULT_CHANNEL_SLACK = f"slack:{TEAM}:C61"
FAULT_COORDINATOR = "telegram:61009"


async def test_reminders_are_delivered_once_after_a_502_outage(
    app: App,
    clock: FakeClock,
    bot_api: FlakyBotApi,
    telegram: TelegramAdapter,
    api: FlakySlackWebApi,
    slack: Slack,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The platforms answer 502 when a reminder falls due; it is sent once when they are back."""
    await app.services.directory.apply_config(
        [
            CoalitionSpec(
                slug="fault",
                name="Izpad platform",
                admins=(FAULT_COORDINATOR,),
                chats=(FAULT_GROUP_TG, FAULT_CHANNEL_SLACK),
            )
        ]
    )
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    added = await ask(
        app,
        "/addevent Sestanek ob izpadu | jutri ob 10h | tiho",  # no announcement: reminders
        user=FAULT_COORDINATOR,
        coalition="fault",
    )
    assert not added.is_error, added.plain_text()
    scheduler = ReminderScheduler(
        app, {"telegram": telegram, "slack": slack.adapter}, worker="fault-test"
    )

    bot_api.go_down(502)
    api.go_down(502)
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the 1-day reminder falls due
    await scheduler.sweep()
    assert bot_api.refused >= 1, "Telegram was tried"
    assert api.refused >= 1, "Slack was tried"
    assert bot_api.messages_to(-100610099) == []
    assert [s for s in api.said if s.channel == "C61"] == []
    # A 502 says nothing about the chat: it stays active, and gets the reminder later.
    assert await active(app, FAULT_GROUP_TG)
    assert await active(app, FAULT_CHANNEL_SLACK)

    clock.now += timedelta(seconds=10)  # still within the backoff: nothing is tried
    tried = (bot_api.refused, api.refused)
    await scheduler.sweep()
    assert (bot_api.refused, api.refused) == tried

    bot_api.come_back()
    api.come_back()
    clock.now += timedelta(seconds=25)  # past the first backoff (30 s)
    await scheduler.sweep()
    await scheduler.sweep()
    clock.now += timedelta(minutes=10)
    await scheduler.sweep()
    telegram_reminders = bot_api.messages_to(-100610099)
    slack_reminders = [s for s in api.said if s.channel == "C61"]
    assert len(telegram_reminders) == 1, [m.text for m in telegram_reminders]
    assert len(slack_reminders) == 1, [s.readable for s in slack_reminders]
    assert "Sestanek ob izpadu" in telegram_reminders[0].text
    assert "Sestanek ob izpadu" in slack_reminders[0].readable
    assert errors_logged(caplog) == []


async def active(app: App, chat_id: str) -> bool:
    async with app.database.sessions() as session:
        value = await session.scalar(
            select(ChatBinding.active).where(ChatBinding.chat_id == chat_id)
        )
        return bool(value)


_ = SlackAdapter  # the adapter under test on the Slack side (through the `slack` fixtures)
