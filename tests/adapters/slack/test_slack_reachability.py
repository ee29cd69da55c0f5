"""A person whose reminders paused because their direct messages were out of reach gets them
again as soon as they write to the bot there."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from models.reminders import Subscription
from tests.adapters.slack.conftest import ADMIN
from tests.adapters.slack.fake_web_api import TEAM
from tests.adapters.slack.harness import Slack

DM = "D1"
CHAT = f"slack:{TEAM}:{DM}"


async def gets_reminders(app: App) -> bool:
    async with app.database.sessions() as session:
        found = await session.scalar(
            select(Subscription.active & Subscription.reachable).where(Subscription.chat_id == CHAT)
        )
        return bool(found)


async def test_a_direct_message_resumes_reminders_paused_when_the_chat_was_gone(
    app: App, slack: Slack
) -> None:
    said = await slack.direct("subscribe", user=ADMIN, channel=DM)
    assert said.channel == DM
    assert await gets_reminders(app), "subscribed in their direct messages"
    await app.services.reminders.deactivate_destination(CHAT)  # a reminder found it gone
    assert not await gets_reminders(app)
    answer = await slack.direct("events", user=ADMIN, channel=DM)
    assert answer.channel == DM, "answered as before"
    assert await gets_reminders(app), "writing to the bot again resumes the reminders"


async def test_a_direct_message_with_nothing_paused_changes_nothing(app: App, slack: Slack) -> None:
    await slack.direct("subscribe", user=ADMIN, channel=DM)
    await slack.direct("unsubscribe", user=ADMIN, channel=DM)
    await slack.direct("events", user=ADMIN, channel=DM)
    assert not await gets_reminders(app), "an unsubscribed person stays unsubscribed"
