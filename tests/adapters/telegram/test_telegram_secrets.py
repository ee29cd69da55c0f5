"""Secrets stay out of the log and out of stored errors, whatever fails.

`coalition-bot run` as a real process, logging at DEBUG, in Telegram webhook mode (so the
webhook secret is used) and with Slack configured (bot token, app token, signing secret).
A reminder falls due after the fake Bot API has gone away (its port closed: the pooled
connection breaks, new ones are refused). Neither the process's output nor the errors stored
with the reminder and its deliveries may contain the Telegram token, the webhook secret or
a Slack secret.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.config import Config, RemindersConfig, SlackConfig, TelegramConfig
from bot.redaction import MASK, Redactor, install, secrets_of
from models.reminders import Delivery, Reminder
from tests.adapters.slack.fake_web_api import APP_TOKEN, BOT_TOKEN, FakeSlackWebApi
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.conftest import FakeClock, make_app
from tests.reliability.reminder_platforms import BotProcess, seed, wait_until

TOKEN = "7123456789:AAH9xKq-Zp3_real_looking_token_4Fj2Lw"
WEBHOOK_SECRET = "hook-Secret_3f9a1c7e"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
SECRETS = (TOKEN, TOKEN.split(":", 1)[1], WEBHOOK_SECRET, BOT_TOKEN, APP_TOKEN, SIGNING_SECRET)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(
    path: Path, database_url: str, telegram: FakeBotApi, slack: FakeSlackWebApi
) -> Path:
    path.write_text(
        f"""
[database]
url = "{database_url}"

[bot]
log_level = "DEBUG"

[telegram]
token = "{TOKEN}"
base_url = "{telegram.base_url}"
mode = "webhook"
webhook_url = "https://bot.example.org/telegram/hook"
webhook_secret = "{WEBHOOK_SECRET}"
listen = "127.0.0.1"
port = {free_port()}

[slack]
bot_token = "{BOT_TOKEN}"
app_token = "{APP_TOKEN}"
signing_secret = "{SIGNING_SECRET}"
mode = "http"
listen = "127.0.0.1"
port = {free_port()}
api_url = "{slack.url}"

[reminders]
digest = false
lease = "5s"
sweep = "1s"
""",
        encoding="utf-8",
    )
    return path


async def stored_errors(app: App) -> list[str]:
    async with app.database.sessions() as session:
        reminders = await session.scalars(select(Reminder.last_error))
        deliveries = await session.scalars(select(Delivery.error))
        return [e for e in (*reminders, *deliveries) if e]


async def test_no_secret_reaches_the_log_or_a_stored_error_when_the_bot_api_is_gone(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=10))
    config = Config(reminders=RemindersConfig(digest=None))
    planner = await make_app(database_url, clock, demo=False, config=config)
    telegram, slack = FakeBotApi(token=TOKEN), FakeSlackWebApi()
    await telegram.start()
    await slack.start()
    due = datetime.now(UTC) + timedelta(seconds=6)
    await seed(planner, coalitions=1, chats=2, events=1, due=due)
    path = write_config(tmp_path / "bot.toml", database_url, telegram, slack)
    bot = BotProcess(path, tmp_path / "run.log")
    try:
        await wait_until(lambda: bot.worker() is not None, 30, "the bot started", [bot])
        assert telegram.webhook is not None  # the secret went to setWebhook
        await telegram.close()  # the Bot API goes away; its port is closed

        async def failed() -> bool:
            return len(await stored_errors(planner)) >= 2

        deadline = time.monotonic() + 40
        while not await failed():
            assert time.monotonic() < deadline, bot.output()[-3000:]
            await asyncio.sleep(0.5)
    finally:
        code = await bot.stop()
        await slack.stop()
        errors = await stored_errors(planner)
        await planner.close()
    output = bot.output()
    assert code == 0, output[-3000:]
    assert "sendMessage" in output  # the failure is in the log, and so is the place of the token
    leaked = [secret for secret in SECRETS if secret in output]
    assert leaked == [], [line for line in output.splitlines() if any(s in line for s in leaked)]
    assert MASK in output
    assert errors
    assert [e for e in errors if any(secret in e for secret in SECRETS)] == [], errors


def test_the_filter_cleans_messages_arguments_and_tracebacks_of_every_logger() -> None:
    config = Config(
        telegram=TelegramConfig(token=TOKEN, webhook_secret=WEBHOOK_SECRET),
        slack=SlackConfig(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET),
    )
    assert set(secrets_of(config)) >= {TOKEN, WEBHOOK_SECRET, BOT_TOKEN, APP_TOKEN, SIGNING_SECRET}
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    root = logging.Logger("root-under-test")
    handler = Keep()
    root.addHandler(handler)
    install(Redactor.for_config(config), root)
    child = logging.Logger("telegram.ext.ExtBot")
    child.parent = root
    child.warning("calling http://127.0.0.1:1/bot%s/getMe", TOKEN)
    child.debug("setWebhook %s", {"secret_token": WEBHOOK_SECRET})
    child.error("tokens %s %s and secret %s", BOT_TOKEN, APP_TOKEN, SIGNING_SECRET)
    other = "xoxb-1111-2222-otherToken"  # not configured, but shaped like a token
    try:
        raise ConnectionError(f"Cannot write to http://h/bot{TOKEN}/sendMessage with {other}")
    except ConnectionError:
        child.exception("send failed")
    text = "\n".join(records)
    assert "send failed" in text
    assert "ConnectionError" in text
    assert [secret for secret in (*SECRETS, other) if secret in text] == []
    assert text.count(MASK) >= 6
