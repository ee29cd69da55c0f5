"""Two `coalition-bot run` processes started at the same moment on one PostgreSQL both serve.

Both plan at start what has no reminders yet (every coalition's next weekly digest, the
reminders of events written without them); neither may die of the other doing the same.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import delete, func, select

from bot.app import App
from models.reminders import Reminder, ReminderKind
from models.services.directory import CoalitionSpec
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.conftest import FakeClock, make_app
from tests.reliability.reminder_platforms import (  # noqa: F401 (fixtures)
    ADMIN,
    BotProcess,
    SlowBotApi,
    SlowNetwork,
    bot_api,
    bot_config,
    wait_until,
)

ROUNDS = 10
COALITIONS = 8
SECRET = "hook-secret"
DB_LATENCY = 0.01
"""Each round trip to the database is this slow, so the two start-ups overlap for longer."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_config(path: Path, *, database_url: str, api: FakeBotApi, port: int) -> Path:
    """Telegram in webhook mode on `port`, with the weekly digest on (the default)."""
    webhook = (
        'mode = "webhook"',
        f'webhook_url = "https://bot.example.org/hook/{port}"',
        'listen = "127.0.0.1"',
        f"port = {port}",
        f'webhook_secret = "{SECRET}"',
    )
    return bot_config(path, database_url=database_url, api=api, digest=True, telegram=webhook)


async def post_update(port: int, update: dict[str, Any]) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/hook/{port}", json=update, headers=headers) as r,
    ):
        return r.status


@pytest.fixture
async def planner(postgres_url: str) -> AsyncIterator[App]:
    app = await make_app(postgres_url, FakeClock(datetime.now(UTC)), demo=False)
    yield app
    await app.close()


async def forget_every_reminder(app: App) -> None:
    """As after an import: events without reminders, coalitions without a digest."""
    async with app.database.sessions.begin() as session:
        await session.execute(delete(Reminder))


async def digests(app: App) -> int:
    async with app.database.sessions() as session:
        return (
            await session.scalar(
                select(func.count(Reminder.id)).where(Reminder.kind == ReminderKind.DIGEST)
            )
            or 0
        )


async def test_two_processes_started_together_both_serve_every_time(
    planner: App,
    bot_api: SlowBotApi,  # noqa: F811
    postgres_url: str,
    tmp_path: Path,
) -> None:
    for c in range(COALITIONS):
        await planner.services.directory.apply_config(
            [CoalitionSpec(slug=f"k{c}", name=f"Koalicija {c}", admins=(ADMIN,))]
        )
        for e in range(3):
            await planner.services.events.create(
                f"k{c}",
                ADMIN,
                title=f"Sestanek {c}-{e}",
                starts_at=datetime.now(UTC) + timedelta(days=3 + e),
                location="Celje",
            )
    network = SlowNetwork.to_database(postgres_url, latency=DB_LATENCY)
    await network.start()
    remote = network.database_url(postgres_url)
    try:
        for round_ in range(ROUNDS):
            await forget_every_reminder(planner)
            ports = (free_port(), free_port())
            bots = tuple(
                BotProcess(
                    webhook_config(
                        tmp_path / f"bot{round_}-{n}.toml", database_url=remote, api=bot_api, port=p
                    ),
                    tmp_path / f"bot{round_}-{n}.log",
                )
                for n, p in enumerate(ports)
            )
            try:
                await wait_until(
                    lambda bots=bots: all(bot.worker() for bot in bots), 60, "both started", bots
                )
                for n, port in enumerate(ports):
                    person = 9000 + 10 * round_ + n
                    sender = user(person, language="en")
                    update = bot_api.numbered(
                        {"message": bot_api.message("/help", chat_id=person, user=sender)}
                    )
                    assert await post_update(port, update) == 200, f"round {round_}: bot {n}"
                    await bot_api.replies(person, seconds=20)
                await asyncio.sleep(1)  # a late failure of start-up planning shows now
                for bot in bots:
                    bot.check_alive()
                    served = bot.output()
                    assert "Traceback" not in served, f"round {round_}:\n{served[-3000:]}"
                    assert "start-up planning" not in served, f"round {round_}:\n{served[-3000:]}"
            finally:
                codes = [await bot.stop() for bot in bots]
            assert codes == [0, 0], f"round {round_}: {codes}"
            assert await digests(planner) == COALITIONS, "one next digest a coalition"
    finally:
        await network.stop()
