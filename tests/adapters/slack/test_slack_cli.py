"""The real `coalition-bot` process: `run` with Slack in HTTP mode, and `slack-manifest`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.adapters.slack import build_manifest
from bot.config import Config, SlackConfig
from handlers.commands import COMMANDS
from tests.adapters.slack.fake_web_api import BOT_TOKEN, FakeSlackWebApi
from tests.adapters.slack.harness import SIGNING_SECRET, HttpTransport, slash_payload

ROOT = Path(__file__).resolve().parents[3]
EVERY_NAME = {
    f"/{name}" for spec in COMMANDS if spec.slack_slash for name in (spec.name, spec.alias)
}
"""Every slash command; the few left out (Slack takes 50) are reached by a mention."""
SCOPES = {
    "app_mentions:read",
    "channels:read",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:read",
    "im:history",
    "users:read",
}


def clean_environment() -> dict[str, str]:
    """This machine's environment without tokens or a database that could leak into the bot."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "TELEGRAM_", "COALITION_BOT_", "DATABASE_URL"))
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def cli(config: Path, *args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        *args,
        cwd=ROOT,
        env=clean_environment(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()


def read(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")


async def wait_for_port(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"the bot exited early:\n{read(log)}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"the bot never listened on {port}:\n{read(log)}")


async def test_run_answers_signed_slash_commands_and_stops_on_sigterm(
    tmp_path: Path, api: FakeSlackWebApi
) -> None:
    port = free_port()
    config = tmp_path / "bot.toml"
    config.write_text(
        f"""
[database]
url = "sqlite:///{tmp_path / "bot.db"}"

[slack]
bot_token = "{BOT_TOKEN}"
signing_secret = "{SIGNING_SECRET}"
mode = "http"
port = {port}
api_url = "{api.url}"

[web]
port = {free_port()}

[[coalitions]]
slug = "sasa"
name = "Lokalna digitalna koalicija SAŠA regije"
admins = ["slack:T1:U1"]
chats = ["slack:T1:C1"]
""",
        encoding="utf-8",
    )
    await cli(config, "db", "upgrade")
    await cli(config, "demo")
    log = tmp_path / "bot.log"
    with log.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            "run",
            cwd=ROOT,
            env=clean_environment(),
            stdout=log_file,
            stderr=log_file,
        )
    try:
        await wait_for_port(port, process, log)
        bot = HttpTransport(f"http://127.0.0.1:{port}/slack/events")
        asked = slash_payload(
            "/events", "", user="U1", channel="C1", response_url=api.response_url("events")
        )
        answer = await bot.deliver("slash_commands", asked)
        assert answer.status == 200, read(log)
        if answer.payload and "blocks" in answer.payload:
            await api.answered_in_ack("events", answer.payload)
        said = await api.wait_until(
            lambda: any(s.channel == "events" for s in api.said),
            10.0,
            lambda: next(s for s in api.said if s.channel == "events"),
        )
        assert not api.rejected, api.rejected
        assert said.body["response_type"] == "in_channel"
        assert said.blocks[0]["type"] == "header"
        # the channel speaks its coalition's language, whatever U1's Slack speaks
        assert "prihajajočih dogodkov" in said.blocks[0]["text"]["text"]
        assert "eAlijansa" in said.readable
        assert {b["type"] for b in said.blocks} <= {"header", "section", "context", "actions"}

        forged = HttpTransport(bot.url, secret="guessed-secret")
        tried = slash_payload(
            "/bind", "sasa", user="U1", channel="C7", response_url=api.response_url("forged")
        )
        refused = await forged.deliver("slash_commands", tried)
        assert refused.status == 401
        await asyncio.sleep(0.2)
        assert not [s for s in api.said if s.channel == "forged"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0, read(log)
    assert "Traceback" not in read(log)


def manifest_of(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args, "slack-manifest"],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    manifest: dict[str, Any] = json.loads(result.stdout)
    return manifest


def test_slack_manifest_lists_every_command_in_both_languages() -> None:
    manifest = manifest_of()
    commands = manifest["features"]["slash_commands"]
    assert {c["command"] for c in commands} == EVERY_NAME
    assert len(commands) == len(EVERY_NAME) <= 50
    by_name = {c["command"]: c for c in commands}
    assert by_name["/events"]["description"] == "list upcoming events [area] [week|month]"
    assert by_name["/dogodki"]["description"].startswith("prikaže prihajajoče dogodke")
    assert all("url" not in c for c in commands), "Socket Mode needs no URL"
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
        "channel_left",
        "group_left",
        "member_left_channel",
        "member_joined_channel",
        "channel_archive",
        "group_archive",
        "channel_unarchive",
        "group_unarchive",
    }
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_http_mode_manifest_points_every_url_at_the_events_path() -> None:
    manifest = build_manifest(
        Config(slack=SlackConfig(mode="http", path="/slack/events")), "https://bot.example.si"
    )
    url = "https://bot.example.si/slack/events"
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {url}
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["socket_mode_enabled"] is False
