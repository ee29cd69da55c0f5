"""A group the bot could not reach becomes active again as soon as Telegram says it can."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from models.reminders import Subscription
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import ADMIN_RIGHTS, user
from tests.adapters.telegram.helpers import bind_group, binding_active

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

GROUP = -100710
ADMIN = user(5010, language="sl")


async def test_re_added_within_a_minute_of_the_greeting_the_group_is_active_again(
    app: App, chat: Chat
) -> None:
    await bind_group(app, GROUP)
    chat.api.bot_added(GROUP, by=ADMIN)
    [greeting] = await chat.api.replies(GROUP)
    chat.api.bot_removed(GROUP, by=ADMIN)
    await chat.settle()
    assert await binding_active(app, GROUP) is False
    chat.api.bot_added(GROUP, by=ADMIN)  # seconds later: not greeted twice, but back
    await chat.settle()
    assert await binding_active(app, GROUP) is True
    assert chat.api.messages_to(GROUP) == [greeting], "one greeting a minute"


async def test_made_an_admin_the_group_is_active_again(app: App, chat: Chat) -> None:
    await bind_group(app, GROUP)
    await app.services.directory.set_chat_active(f"telegram:{GROUP}", False)
    powerless = dict.fromkeys([*ADMIN_RIGHTS, "is_anonymous"], False)
    administrator = {"status": "administrator", **powerless}
    chat.api._my_status(GROUP, ADMIN, "Koalicija", {"status": "member"}, administrator)
    await chat.settle()
    assert await binding_active(app, GROUP) is True
    assert chat.api.messages_to(GROUP) == [], "no greeting: the bot had not left"


async def test_a_command_from_a_group_marked_inactive_makes_it_active_again(
    app: App, chat: Chat
) -> None:
    await bind_group(app, GROUP)
    await app.services.directory.set_chat_active(f"telegram:{GROUP}", False)
    [answer] = await chat.ask("/dogodki", sender=user(5011), chat_id=GROUP)
    assert answer.text
    assert await binding_active(app, GROUP) is True


async def subscription_gets_reminders(app: App, chat_id: int) -> bool:
    async with app.database.sessions() as session:
        found = await session.scalar(
            select(Subscription.active & Subscription.reachable).where(
                Subscription.chat_id == f"telegram:{chat_id}"
            )
        )
        return bool(found)


async def test_a_subscriber_who_blocks_the_bot_is_paused_and_resumes_on_unblocking(
    app: App, chat: Chat
) -> None:
    person = user(5020, language="sl")
    await app.services.reminders.subscribe("sasa", "telegram:5020", "telegram:5020", None)
    assert await subscription_gets_reminders(app, 5020)
    chat.api._my_status(
        5020, person, "", {"status": "member"}, {"status": "kicked", "until_date": 0}
    )
    await chat.settle()
    assert not await subscription_gets_reminders(app, 5020), "blocked: reminders pause"
    chat.api._my_status(
        5020, person, "", {"status": "kicked", "until_date": 0}, {"status": "member"}
    )
    await chat.settle()
    assert await subscription_gets_reminders(app, 5020), "unblocked: they resume"
    assert chat.api.messages_to(5020) == [], "no greeting in a private chat"
