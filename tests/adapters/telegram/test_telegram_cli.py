"""End to end: `coalition-bot run` as a real process, talking to the fake Bot API by polling."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.web.running import free_port

ROOT = Path(__file__).resolve().parents[3]
GROUP = -100500

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def environment() -> dict[str, str]:
    """This environment without anything that would override the config file."""
    names = ("TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in names and k != "COALITION_BOT_CONFIG"}
    return {**env, "PYTHONUNBUFFERED": "1"}


async def cli(config: Path, *args: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), *args, cwd=ROOT, env=environment()
    )
    return await asyncio.wait_for(process.wait(), 60)


def write_config(path: Path, fake_api: FakeBotApi) -> Path:
    path.write_text(
        f"""
[database]
url = "sqlite:///{path.parent / "bot.db"}"

[telegram]
token = "{fake_api.token}"
base_url = "{fake_api.base_url}"

[web]
port = {free_port()}

[[coalitions]]
slug = "sasa"
name = "Lokalna digitalna koalicija SAŠA regije"
admins = ["telegram:1001"]
chats = ["telegram:{GROUP}"]

# Keeps the reminder scheduler quiet while the test talks to the bot: no digest, and no
# goals' posts (the demo's indicators are overdue for a check-in, and a nudge to the new
# coordinator would come before the answer the test waits for).
[reminders]
event_offsets = ["1m"]
deadline_offsets = ["0d"]
digest = false

[goals]
review = false
verdict = false
nudge = false
""",
        encoding="utf-8",
    )
    return path


async def test_the_bot_runs_serves_a_coalition_survives_faults_and_stops_cleanly(
    tmp_path: Path, fake_api: FakeBotApi
) -> None:
    config = write_config(tmp_path / "bot.toml", fake_api)
    assert await cli(config, "db", "upgrade") == 0
    assert await cli(config, "demo") == 0
    log = (tmp_path / "run.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "run",
        cwd=ROOT,
        env=environment(),
        stdout=log,
        stderr=log,
    )
    try:
        await fake_api.wait_for(lambda: fake_api.polls > 0, seconds=30)
        chat = Chat(fake_api)
        admin, coordinator, member = (user(n, language="en") for n in (1001, 1002, 1003))
        stakeholder = user(1004, language="sl")

        [events] = await chat.ask("/events", sender=stakeholder, chat_id=GROUP)
        assert "eAlijansa" in events.text
        [dogodki] = await chat.ask("/dogodki", sender=stakeholder, chat_id=GROUP)
        assert "eAlijansa" in dogodki.text

        [granted] = await chat.ask("/role 1002 coordinator", sender=admin, chat_id=GROUP)
        assert "telegram:1002 ima zdaj vlogo »koordinator«" in granted.text  # the group's sl
        [added] = await chat.ask("/addevent Test | jutri ob 10h", sender=coordinator)
        assert "added" in added.text
        assert "10:00" in added.text
        [refused] = await chat.ask("/addevent Vsiljivec | jutri ob 10h", sender=member)
        assert "Only coordinators and admins" in refused.text
        # the new event is announced in the group: sent before the faults below, which are
        # for the answer to /events alone
        await fake_api.wait_for(
            lambda: any("Nov dogodek: Test" in m.text for m in fake_api.messages_to(GROUP)),
            seconds=30,
        )

        fake_api.fail_next("sendMessage", 429, retry_after=1)
        fake_api.fail_next("sendMessage", 502)
        [after_faults] = await chat.ask("/events", sender=member, chat_id=GROUP)
        assert "Test" in after_faults.text
        assert "Vsiljivec" not in after_faults.text
        to_group = [
            c for c in fake_api.calls_of("sendMessage") if c.params["chat_id"] == str(GROUP)
        ]
        assert [c.status for c in to_group][-3:] == [429, 502, 200]
        assert fake_api.messages_to(GROUP)[-1] is after_faults

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log.close()
        print((tmp_path / "run.log").read_text(encoding="utf-8", errors="replace")[-4000:])
