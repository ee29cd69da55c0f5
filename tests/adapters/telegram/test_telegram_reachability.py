"""A group the bot could not reach becomes active again as soon as Telegram says it can."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import user
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


ADMIN_RIGHTS = [
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
]


async def test_made_an_admin_the_group_is_active_again(app: App, chat: Chat) -> None:
    await bind_group(app, GROUP)
    await app.services.directory.set_chat_active(f"telegram:{GROUP}", False)
    administrator = {"status": "administrator", **dict.fromkeys(ADMIN_RIGHTS, False)}
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
