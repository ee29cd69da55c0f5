"""One person flooding a group with commands: everyone else is still answered at once.

40 commands from one person in a bound group, and at the same moment another person asks the
bot privately. On Telegram (the real python-telegram-bot Application polling the fake Bot
API) the group's answers are held by the fake, as a Telegram slow to take them would: the
private answer must come while they wait, not after them. On Slack (signed HTTP requests to
the real Bolt app) the direct answer must come while the flood is handled. The flooder gets
the answers within their limit, one short "slow down", and then nothing: the rest is
dropped, not answered later. How long the private answer takes during a flood is measured
by `python -m bench.flood`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config import ThrottleConfig
from bot.runner import telegram_adapter
from tests.adapters.slack.conftest import (  # noqa: F401 (fixtures)
    ADMIN,
    MEMBER,
    any_slack,
    api,
    roles,
    slack,
    slack_http,
    socket_server,
)
from tests.adapters.slack.fake_web_api import Said
from tests.adapters.slack.harness import Slack, unique
from tests.adapters.telegram.conftest import Chat, settings
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.adapters.telegram.helpers import bind_group

FLOOD = 40
BURST = 8
PER_MINUTE = 60
"""One command a second once the burst is spent: the test sees the limit lift quickly."""
WITHIN = 3.0
"""Seconds a direct Slack answer may take during a flood: on a quiet machine it takes a
tenth of that (`python -m bench.flood` measures it); the bound only catches a bot that the
flood stalls, with room for a loaded test machine."""
PRIVATE_WAIT = 15.0
"""Seconds the private Telegram answer is waited for while the group's answers are held
(a held request that times out is sent again and held again, so nothing is lost)."""
SLOW_DOWN = "Too many commands at once"
SLOW_DOWN_SL = "Preveč ukazov naenkrat"
GROUP = -100_900_001
FLOODER, OTHER = 90001, 90002

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
def app(app: App) -> App:
    """The core with the command limit on, as deployed (with a faster refill)."""
    throttle = ThrottleConfig(burst=BURST, per_minute=PER_MINUTE)
    return replace(app, config=replace(app.config, throttle=throttle))


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def telegram(app: App, fake_api: FakeBotApi) -> AsyncIterator[TelegramAdapter]:
    adapter = telegram_adapter(app, settings(fake_api), poll_timeout=5, backoff=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def settled(adapter: TelegramAdapter, fake_api: FakeBotApi) -> None:
    """Every update pushed so far is fetched and handled."""
    await Chat(fake_api, adapter).settle(seconds=30)


async def test_a_flood_in_a_telegram_group_leaves_a_private_answer_that_does_not_wait(
    app: App, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    await bind_group(app, GROUP)
    flooder, other = user(FLOODER, language="en"), user(OTHER, language="en")
    fake_api.say("/help", user=other)
    await fake_api.replies(OTHER, 1)

    fake_api.hold(GROUP)
    flood = [fake_api.message("/events", chat_id=GROUP, user=flooder) for _ in range(FLOOD)]
    for message in flood:
        fake_api.push({"message": message})
    await fake_api.wait_for(lambda: fake_api.holding > 0, 30)  # the group's first answer waits
    fake_api.say("/help", user=other)
    [answer] = (await fake_api.replies(OTHER, 2, seconds=PRIVATE_WAIT))[1:]
    assert "/events" in answer.text
    assert fake_api.messages_to(GROUP) == []  # answered while the group's answers still wait
    await fake_api.release(GROUP)

    await settled(telegram, fake_api)
    await asyncio.sleep(0.3)  # an answer queued somewhere would arrive now
    in_group = fake_api.messages_to(GROUP)
    answers = [m for m in in_group if "eAlijansa" in m.text]
    warnings = [m for m in in_group if SLOW_DOWN in m.text]
    assert len(answers) == BURST, [m.text[:60] for m in in_group]
    assert len(warnings) == 1
    assert len(in_group) == BURST + 1
    # in order within the group: each answer quotes the next command of the flood
    assert [m.reply_to for m in in_group] == [m["message_id"] for m in flood[: BURST + 1]]

    await asyncio.sleep(60 / PER_MINUTE + 0.1)  # a token is back: the flooder is heard again
    fake_api.say("/events", user=flooder, chat_id=GROUP)
    await settled(telegram, fake_api)
    [again] = fake_api.messages_to(GROUP)[BURST + 1 :]
    assert "eAlijansa" in again.text


async def test_commands_for_other_bots_do_not_count_and_get_no_slow_down(
    app: App, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    await bind_group(app, GROUP)
    person = user(FLOODER, language="en")
    for _ in range(FLOOD // 2):
        fake_api.say("/start@other_bot", user=person, chat_id=GROUP)
        fake_api.say("/weather", user=person, chat_id=GROUP)
    await settled(telegram, fake_api)
    assert fake_api.messages_to(GROUP) == []
    fake_api.say("/events", user=person, chat_id=GROUP)
    [answer] = await fake_api.replies(GROUP, 1)
    assert "eAlijansa" in answer.text


async def test_a_flooders_button_presses_count_too_and_get_one_short_answer(
    app: App, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    await bind_group(app, GROUP)
    flooder = user(FLOODER, language="en")
    fake_api.say("/events", user=flooder, chat_id=GROUP)
    [listing] = await fake_api.replies(GROUP, 1)
    for _ in range(BURST + 5):
        fake_api.press(listing, "/events page=2", user=flooder)
    await settled(telegram, fake_api)
    alerts = [a for a in fake_api.callback_answers if SLOW_DOWN in (a.get("text") or "")]
    assert len(alerts) == 1
    # the typed /events took one token: BURST - 1 presses answered, and the one alert
    assert len(fake_api.callback_answers) == BURST


async def direct(harness: Slack, text: str, *, user: str) -> Said:
    """A direct message to the bot, and its answer in that conversation (not whatever else
    the bot says meanwhile)."""
    channel = unique("D")
    before = len(harness.api.said)
    event = {"type": "message", "channel_type": "im", "user": user, "text": text}
    assert (await harness.event({**event, "channel": channel})).status == 200

    def answers() -> list[Said]:
        return [s for s in harness.api.said[before:] if s.channel == channel]

    found: Said = await harness.api.wait_until(lambda: bool(answers()), 5.0, lambda: answers()[0])
    return found


async def test_a_flood_of_slack_commands_leaves_a_direct_message_answered(
    app: App,
    any_slack: Slack,  # noqa: F811
) -> None:
    harness = any_slack
    said = await harness.ask("/bind", "sasa", user=ADMIN, channel="C1")
    assert "SAŠA" in said.shown
    await direct(harness, "help", user=ADMIN)  # warm up the direct-message path

    flood = [
        asyncio.ensure_future(harness.slash("/events", "", user=MEMBER, channel="C1"))
        for _ in range(FLOOD)
    ]
    await asyncio.sleep(0)  # the flood is on its way
    asked = time.monotonic()
    answer = await direct(harness, "help", user=ADMIN)
    waited = time.monotonic() - asked
    assert "/events" in answer.shown
    assert waited < WITHIN, f"the direct answer took {waited:.2f} s during the flood"

    results = await asyncio.gather(*flood)
    assert [ack.status for ack, _ in results] == [200] * FLOOD
    # the flooder's Slack speaks German: the bot answers in the coalition's Slovenian
    warned = [ack for ack, _ in results if ack.payload and SLOW_DOWN_SL in str(ack.payload)]
    assert len(warned) == 1
    assert warned[0].payload is not None
    assert warned[0].payload["response_type"] == "ephemeral"
    await asyncio.sleep(2.0)  # answers that go to response_url arrive meanwhile
    said = {key: [s for s in harness.api.said if s.channel == key] for _, key in results}
    answered = [key for key, shown in said.items() if any("eAlijansa" in s.shown for s in shown)]
    silent = [key for key, shown in said.items() if not shown]
    assert len(answered) == BURST
    assert len(silent) == FLOOD - BURST - 1
