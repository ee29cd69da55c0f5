"""A greeting in a direct message, binding a channel the bot is not in, and the bot leaving and
rejoining channels (its reminders stop and resume with it)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import App
from models.entities import ChatBinding
from tests.adapters.slack.conftest import ADMIN, COORDINATOR
from tests.adapters.slack.fake_web_api import BOT_USER
from tests.adapters.slack.harness import Slack


async def active(app: App, chat_id: str) -> bool | None:
    async with app.database.sessions() as session:
        found: bool | None = await session.scalar(
            select(ChatBinding.active).where(ChatBinding.chat_id == chat_id)
        )
        return found


async def test_a_greeting_in_a_direct_message_is_answered_with_the_help(slack: Slack) -> None:
    said = await slack.direct("Živjo!", user=COORDINATOR, channel="D2")
    assert ":warning:" not in said.shown, said.readable
    assert "Kaj lahko storim za vas" in said.readable
    assert "/dogodki" in said.readable
    assert "ne poznam" not in said.readable


@pytest.mark.parametrize(("channel", "private"), [("G7", True), ("C8", False)])
async def test_bind_in_a_channel_without_the_bot_says_how_to_invite_it(
    slack: Slack, app: App, channel: str, private: bool
) -> None:
    if private:
        slack.api.missing_channels.add(channel)  # a private channel hides itself from outsiders
    else:
        slack.api.outsider_channels.add(channel)
    said = await slack.ask("/povezi", "sasa", user=ADMIN, channel=channel)
    assert said.private
    assert "/invite @coalition-bot" in said.readable
    assert "/povezi" in said.readable
    assert await active(app, f"slack:T1:{channel}") is None, "nothing was bound"


async def test_the_bot_removed_from_a_channel_stops_its_reminders_and_resumes_when_invited(
    bound: Slack, app: App
) -> None:
    chat = "slack:T1:C1"
    assert await active(app, chat) is True
    await bound.event({"type": "member_left_channel", "user": BOT_USER, "channel": "C1"})
    assert await wait_for(app, chat, False)
    await bound.event({"type": "member_joined_channel", "user": BOT_USER, "channel": "C1"})
    assert await wait_for(app, chat, True)


async def test_someone_else_leaving_changes_nothing(bound: Slack, app: App) -> None:
    await bound.event({"type": "member_left_channel", "user": ADMIN, "channel": "C1"})
    await bound.event({"type": "channel_left", "channel": "C5"})
    assert not await wait_for(app, "slack:T1:C1", False, within=0.3)


@pytest.mark.parametrize(
    ("gone", "back"), [("channel_left", None), ("channel_archive", "channel_unarchive")]
)
async def test_channel_left_and_archived_deactivate_and_unarchived_reactivates(
    bound: Slack, app: App, gone: str, back: str | None
) -> None:
    chat = "slack:T1:C1"
    await bound.event({"type": gone, "channel": "C1", "actor_id": ADMIN})
    assert await wait_for(app, chat, False)
    if back is not None:
        await bound.event({"type": back, "channel": "C1", "actor_id": ADMIN})
        assert await wait_for(app, chat, True)


async def wait_for(app: App, chat_id: str, wanted: bool, within: float = 3.0) -> bool:
    """Whether the binding became `wanted` within `within` seconds (events are handled after
    their acknowledgement)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if await active(app, chat_id) is wanted:
            return True
        await asyncio.sleep(0.05)
    return False
