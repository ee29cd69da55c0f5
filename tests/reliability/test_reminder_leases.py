"""A reminder's lease runs on the database's clock: a process on a host whose clock runs ahead
does not take over a claim another process still holds, so nobody gets the reminder twice;
once the lease has really run out, the claim is taken over and the reminder sent once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.conftest import FakeClock, make_app
from tests.reliability.telegram_reminders import ADMIN, COORDINATOR, MONDAY_0900, reminder_bot

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

GROUP = -1001
DAY_BEFORE = MONDAY_0900 + timedelta(hours=1)
LEASE = timedelta(seconds=2)


async def test_a_host_whose_clock_runs_ahead_takes_over_no_live_claim(
    database_url: str,
) -> None:
    async with reminder_bot(database_url) as bot:
        assert "Koalicija opomnikov" in await bot.ask("/bind rem", sender=ADMIN, chat_id=GROUP)
        await bot.app.services.events.create(
            "rem",
            f"telegram:{COORDINATOR['id']}",
            title="Sestanek",
            starts_at=MONDAY_0900 + timedelta(days=1, hours=1),
        )
        # Another process, its host's clock right, claims the reminder as it falls due and
        # is busy sending it.
        other = await make_app(
            database_url, FakeClock(DAY_BEFORE), demo=False, config=bot.app.config
        )
        try:
            claimed = await other.services.reminders.claim_due("other", LEASE)
        finally:
            await other.close()
        assert len(claimed) == 1

        # This host's clock runs ten minutes ahead: by its clock the lease ran out long ago.
        await bot.sweep_at(DAY_BEFORE + timedelta(minutes=10))
        assert bot.count(GROUP, "Opomnik: Sestanek") == 0, "a live claim is not taken over"

        await asyncio.sleep(LEASE.total_seconds() + 0.5)  # the other process died meanwhile
        await bot.sweep_at(DAY_BEFORE + timedelta(minutes=10))
        await bot.sweep_at(DAY_BEFORE + timedelta(minutes=11))
        assert bot.count(GROUP, "Opomnik: Sestanek") == 1, bot.texts(GROUP)
