"""`coalition-bot run` stopped with SIGTERM: one INFO line, no ERROR, no traceback, exit 0."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.reliability.reminder_platforms import ROOT, BotProcess, bot_config, wait_until

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


class SlowToConfirmBotApi(FakeBotApi):
    """Answers the last getUpdates of a stopping bot (the one without long polling, which
    confirms the updates handled) later than the bot waits for it."""

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if not float(params.get("timeout") or 0):
            await asyncio.sleep(6)
        return await super()._api_getUpdates(params)


@pytest.fixture(params=["prompt", "slow to confirm"])
async def bot_api(request: pytest.FixtureRequest) -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi() if request.param == "prompt" else SlowToConfirmBotApi()
    await server.start()
    yield server
    await server.close()


async def test_sigterm_stops_with_one_info_line_and_no_error(
    bot_api: FakeBotApi, tmp_path: Path
) -> None:
    config = bot_config(
        tmp_path / "bot.toml", database_url=f"sqlite:///{tmp_path}/bot.db", api=bot_api
    )
    upgrade = [sys.executable, "-m", "bot", "--config", str(config), "db", "upgrade"]
    await asyncio.to_thread(subprocess.run, upgrade, cwd=ROOT, check=True, capture_output=True)
    bot = BotProcess(config, tmp_path / "run.log")
    try:
        await wait_until(bot.worker, 30, "the bot started", (bot,))
        await bot_api.wait_for(lambda: bot_api.polls > 0, 10)
        await asyncio.sleep(0.5)  # the long poll is open
        code = await bot.stop(seconds=30)
    finally:
        await bot.stop()
    output = bot.output()
    assert code == 0, output[-3000:]
    assert "ERROR" not in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    _, stopping, after = output.partition("INFO bot.runner: SIGTERM received: stopping")
    assert stopping, output[-3000:]
    said = [line for line in after.splitlines()[1:] if " INFO " in line]
    assert said == [], "one INFO line for the stop"
