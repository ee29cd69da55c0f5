"""Who gets a cancellation notice: the chats and people reminded of the event that are still
the coalition's audience, once each, wherever the chat lives now; and `/unsubscribe` stops
every personal reminder of that private chat. Through the Telegram adapter and the fake Bot
API, the scheduler swept on a fake clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.adapters.telegram.fake_bot_api import user
from tests.reliability.telegram_reminders import (
    ADMIN,
    COORDINATOR,
    MONDAY_0900,
    ReminderBot,
    reminder_bot,
)

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

STAYS, LEAVES = -1001, -1002
FAITHFUL, QUITTER = user(601), user(602)
DAY_BEFORE = MONDAY_0900 + timedelta(hours=1)
"""The day-before reminder of a meeting on Tuesday at 10:00 in Ljubljana."""
HOUR_BEFORE = MONDAY_0900 + timedelta(days=1)


async def meeting(bot: ReminderBot, title: str, slug: str = "rem") -> int:
    """A meeting on Tuesday at 10:00 (Ljubljana); its number."""
    event = await bot.app.services.events.create(
        slug,
        f"telegram:{COORDINATOR['id']}",
        title=title,
        starts_at=MONDAY_0900 + timedelta(days=1, hours=1),
        location="Velenje",
    )
    return event.id


async def test_a_cancellation_reaches_only_the_current_audience(database_url: str) -> None:
    async with reminder_bot(database_url) as bot:
        for group in (STAYS, LEAVES):
            assert "Koalicija opomnikov" in await bot.ask("/bind rem", sender=ADMIN, chat_id=group)
        for person in (FAITHFUL, QUITTER):
            await bot.member(person)
            assert "Koalicija opomnikov" in await bot.ask("/subscribe", sender=person)
        number = await meeting(bot, "Tajni pogovori")
        await bot.sweep_at(DAY_BEFORE)
        for chat in (STAYS, LEAVES, FAITHFUL["id"], QUITTER["id"]):
            assert bot.count(chat, "Opomnik: Tajni pogovori") == 1, chat

        # The group goes over to another coalition; the person unsubscribes.
        assert "Druga koalicija" in await bot.ask("/bind druga", sender=ADMIN, chat_id=LEAVES)
        assert "ne boste več" in await bot.ask("/unsubscribe", sender=QUITTER)
        cancelled = await bot.ask(f"/cancelevent {number}", sender=COORDINATOR, chat_id=STAYS)
        assert "Tajni pogovori" in cancelled
        await bot.sweep_at(DAY_BEFORE + timedelta(minutes=5))

        for chat in (STAYS, FAITHFUL["id"]):
            assert bot.count(chat, "Preklicano: Tajni pogovori") == 1, bot.texts(chat)
        for chat in (LEAVES, QUITTER["id"]):
            assert bot.count(chat, "Preklicano") == 0, bot.texts(chat)


async def test_unsubscribe_ends_every_subscription_of_the_private_chat(
    database_url: str,
) -> None:
    async with reminder_bot(database_url) as bot:
        person = f"telegram:{QUITTER['id']}"
        await bot.member(QUITTER)
        await bot.member(QUITTER, "druga")
        assert "Koalicija opomnikov" in await bot.ask("/subscribe", sender=QUITTER)
        # subscribed to the other coalition as well, when that was the chat's coalition
        await bot.app.services.reminders.subscribe("druga", person, person, None)
        assert "ne boste več" in await bot.ask("/unsubscribe", sender=QUITTER)
        await meeting(bot, "Prvi sestanek")
        await meeting(bot, "Drugi sestanek", "druga")
        await bot.sweep_at(DAY_BEFORE)
        assert bot.count(QUITTER["id"], "Opomnik") == 0, bot.texts(QUITTER["id"])
        assert "niste imeli" in await bot.ask("/unsubscribe", sender=QUITTER)


@pytest.mark.parametrize("reminded_after_the_move", [True, False])
async def test_a_cancellation_reaches_a_migrated_supergroup_once(
    database_url: str, reminded_after_the_move: bool
) -> None:
    old, new = -555, -100555
    async with reminder_bot(database_url) as bot:
        assert "Koalicija opomnikov" in await bot.ask("/bind rem", sender=ADMIN, chat_id=old)
        number = await meeting(bot, "Sestanek")
        await bot.sweep_at(DAY_BEFORE)
        assert bot.count(old, "Opomnik: Sestanek") == 1
        bot.api.upgrade(old, new)
        await bot.chat.settle()
        if reminded_after_the_move:
            await bot.sweep_at(HOUR_BEFORE)
            assert bot.count(new, "Opomnik: Sestanek") == 1, bot.texts(new)
        await bot.ask(f"/cancelevent {number}", sender=COORDINATOR, chat_id=new)
        await bot.sweep_at(HOUR_BEFORE + timedelta(minutes=10))
        assert bot.count(new, "Preklicano: Sestanek") == 1, bot.texts(new)
        assert bot.count(old, "Preklicano") == 0


async def test_an_english_subscriber_gets_english_reminders(database_url: str) -> None:
    english, switched = user(611, language="en"), user(612, language="sl")
    async with reminder_bot(database_url) as bot:
        for person in (english, switched):
            await bot.member(person)
        assert "coalition's reminders" in await bot.ask("/subscribe", sender=english)
        assert "Tu boste prejemali" in await bot.ask("/subscribe", sender=switched)
        # later this person's Telegram speaks English, and they use the bot privately
        assert "What I can do" in await bot.ask("/help", sender=user(612, language="en"))
        await meeting(bot, "Sestanek")
        await bot.sweep_at(DAY_BEFORE)
        for person in (english, switched):
            [reminder] = bot.texts(person["id"])[-1:]
            assert reminder.startswith("Reminder: Sestanek"), reminder
            assert "Starts tomorrow." in reminder, reminder
