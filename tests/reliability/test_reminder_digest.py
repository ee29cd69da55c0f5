"""The weekly digest: in sections (events, deadlines), in each chat's and person's language,
to bound chats and to subscribers, a chat bound with an area (`/bind SLUG AREA`) getting only
that area's part, and `/status` naming the chat's filter. Through the Telegram adapter and
the fake Bot API, the scheduler swept on a fake clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.entities import EventKind
from tests.adapters.telegram.fake_bot_api import user
from tests.reliability.telegram_reminders import ADMIN, COORDINATOR, ReminderBot, reminder_bot

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

EVERYTHING, CITY = -1001, -1002
ENGLISH = user(611, language="en")
AREAS = {"pametno-mesto": "Pametno mesto", "ucenje": "Zgodnje učenje"}
DIGEST_DUE = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Ljubljana
COORDINATOR_ID = f"telegram:{COORDINATOR['id']}"


async def the_week(bot: ReminderBot) -> None:
    """Two meetings (one of each area), a deadline event and an activity due, next week."""
    events = bot.app.services.events
    await events.create(
        "rem",
        COORDINATOR_ID,
        title="Sestanek o mestu",
        starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        location="Velenje",
        area="pametno-mesto",
    )
    await events.create(
        "rem",
        COORDINATOR_ID,
        title="Delavnica za vrtce",
        starts_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        area="ucenje",
    )
    await events.create(
        "rem",
        COORDINATOR_ID,
        title="Oddaja prijav",
        starts_at=datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
        area="pametno-mesto",
        kind=EventKind.DEADLINE,
    )
    await bot.app.services.activities.create(
        "rem", COORDINATOR_ID, title="Letno poročilo", due_on=date(2026, 12, 4)
    )


def digest(bot: ReminderBot, chat: int, title: str) -> str:
    [text] = [t for t in bot.texts(chat) if t.startswith(title)]
    return text


async def test_the_weekly_digest_in_sections_to_chats_by_area_and_to_subscribers(
    database_url: str,
) -> None:
    async with reminder_bot(database_url, digest="mon 08:00", areas=AREAS) as bot:
        await bot.ask("/bind rem", sender=ADMIN, chat_id=EVERYTHING)
        bound = await bot.ask("/povezi rem Pametno mesto", sender=ADMIN, chat_id=CITY)
        assert "Opomniki tukaj: samo Pametno mesto." in bound, bound
        refused = await bot.ask("/bind rem nicesar", sender=ADMIN, chat_id=CITY)
        assert "Področja »nicesar« ni" in refused, refused
        status = await bot.ask("/status", sender=ADMIN, chat_id=CITY)
        assert "Opomniki tukaj: samo Pametno mesto." in status, "a refused /bind changes nothing"
        status = await bot.ask("/status", sender=ADMIN, chat_id=EVERYTHING)
        assert "Opomniki tukaj: vsa področja." in status, status
        await bot.member(ENGLISH)
        assert "coalition's reminders" in await bot.ask("/subscribe", sender=ENGLISH)
        await the_week(bot)
        await bot.app.services.reminders.ensure_digests()  # as the scheduler does at start
        await bot.sweep_at(DIGEST_DUE)

        everything = digest(bot, EVERYTHING, "Ta teden — Koalicija opomnikov")
        events, deadlines = everything.split("Roki (2)")
        for part in ("Dogodki (2)", "Sestanek o mestu · Velenje", "Delavnica za vrtce"):
            assert part in events, everything
        for part in ("Oddaja prijav", "Letno poročilo"):
            assert part in deadlines, everything
        assert deadlines.index("Oddaja prijav") < deadlines.index("Letno poročilo")

        city = digest(bot, CITY, "Ta teden — Koalicija opomnikov")
        for part in ("Dogodki (1)", "Sestanek o mestu", "Roki (1)", "Oddaja prijav"):
            assert part in city, city
        for part in ("Delavnica", "Letno poročilo"):
            assert part not in city, city

        english = digest(bot, ENGLISH["id"], "This week — Koalicija opomnikov")
        for part in ("Events (2)", "Deadlines (2)", "Letno poročilo"):
            assert part in english, english


async def test_a_subscriber_without_a_bound_chat_gets_the_digest(database_url: str) -> None:
    async with reminder_bot(database_url, digest="mon 08:00", areas=AREAS) as bot:
        await bot.member(ENGLISH)
        assert "coalition's reminders" in await bot.ask("/subscribe", sender=ENGLISH)
        await the_week(bot)
        await bot.app.services.reminders.ensure_digests()
        await bot.sweep_at(DIGEST_DUE)
        english = digest(bot, ENGLISH["id"], "This week — Koalicija opomnikov")
        assert "Sestanek o mestu" in english, english
