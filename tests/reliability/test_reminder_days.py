"""A whole day's event (a date without a time) is reminded at the deadline time (09:00) on
the offset's day and worded by days, never at midnight or "in 1 hour"; through the command
that adds it, the scheduler and the Telegram adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reliability.telegram_reminders import ADMIN, COORDINATOR, reminder_bot

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

GROUP = -1001
TUESDAY_0000 = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # midnight in Ljubljana
TUESDAY_0900 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TUESDAY_2300 = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
WEDNESDAY_0900 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


async def test_a_whole_day_event_is_reminded_at_nine_by_days(database_url: str) -> None:
    async with reminder_bot(database_url) as bot:
        assert "Koalicija opomnikov" in await bot.ask("/bind rem", sender=ADMIN, chat_id=GROUP)
        added = await bot.ask(
            "/addevent Dan odprtih vrat | pojutrišnjem", sender=COORDINATOR, chat_id=GROUP
        )
        assert "Dan odprtih vrat" in added, added

        def reminders() -> list[str]:
            return [t for t in bot.texts(GROUP) if t.startswith("Opomnik: Dan odprtih vrat")]

        await bot.sweep_at(TUESDAY_0000)
        assert reminders() == [], "nothing at midnight"
        await bot.sweep_at(TUESDAY_0900)
        assert len(reminders()) == 1
        assert "Začne se jutri." in reminders()[0], reminders()[0]
        await bot.sweep_at(TUESDAY_2300)
        assert len(reminders()) == 1, "nothing at night"
        await bot.sweep_at(WEDNESDAY_0900)
        assert len(reminders()) == 2, "on the day, at nine"
        assert "Začne se danes." in reminders()[1], reminders()[1]
        assert not any("uro" in text for text in reminders())
