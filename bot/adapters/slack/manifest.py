"""The Slack app manifest for this configuration: an operator pastes it to create the app."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from bot.adapters.slack.membership import EVENTS as MEMBERSHIP_EVENTS
from bot.config import Config
from bot.i18n import load_translators
from handlers.commands import COMMANDS

APP_NAME = "Coalition bot"
BOT_NAME = "coalition-bot"
PUBLIC_URL_PLACEHOLDER = "https://bot.example.org"
SCOPES = (
    "app_mentions:read",  # @bot events in channels
    "channels:read",  # conversations.members (who may see a coalition in a DM), /bind, joined/left
    "chat:write",  # answers, page updates, reminders
    "commands",  # the slash commands
    "files:read",  # a spreadsheet shared in a direct message (files.info, its download)
    "files:write",  # the /report chart (files_upload_v2)
    "groups:read",  # the same for private channels
    "im:history",  # direct messages to the bot (message.im)
    "users:read",  # users.info: the person's Slack language
)
BOT_EVENTS = ("app_home_opened", "app_mention", "message.im", *MEMBERSHIP_EVENTS)
"""What the bot hears: the App Home, mentions, direct messages, and its own joining, leaving
and the archiving of channels (a binding is inactive while the bot is out of its channel)."""
MAX_DESCRIPTION = 100
MAX_USAGE_HINT = 100
MAX_SLASH_COMMANDS = 50  # Slack's limit per app


def _usage_hint(example: str) -> str:
    """`/events week` -> `week`: what follows the command in the catalogue's example."""
    return example.partition(" ")[2][:MAX_USAGE_HINT]


def build_manifest(config: Config, public_url: str = PUBLIC_URL_PLACEHOLDER) -> dict[str, Any]:
    """Every command in English and Slovenian, the scopes and events the adapter uses."""
    http = config.slack.mode == "http"
    request_url = f"{public_url.rstrip('/')}{config.slack.path}"
    translators = load_translators()
    commands: list[dict[str, Any]] = []
    for spec in (spec for spec in COMMANDS if spec.slack_slash):
        for name, locale in ((spec.name, "en"), (spec.alias, "sl")):
            t = translators[locale]
            command: dict[str, Any] = {
                "command": f"/{name}",
                "description": t.gettext(spec.summary)[:MAX_DESCRIPTION],
                "should_escape": True,
            }
            hint = _usage_hint(t.gettext(spec.example))
            if hint:
                command["usage_hint"] = hint
            if http:
                command["url"] = request_url
            commands.append(command)
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if http:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": APP_NAME,
            "description": "Events, deadlines and contacts of the coalition (sl/en).",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": BOT_NAME, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": not http,
            "token_rotation_enabled": False,
        },
    }


def print_manifest(config: Config, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Prints the manifest as JSON; in HTTP mode says which address to put in its URLs."""
    manifest = build_manifest(config, config.slack.public_url or PUBLIC_URL_PLACEHOLDER)
    count = len(manifest["features"]["slash_commands"])
    if count > MAX_SLASH_COMMANDS:
        (err or sys.stderr).write(
            f"Slack accepts at most {MAX_SLASH_COMMANDS} slash commands; this has {count}.\n"
        )
        return 1
    (out or sys.stdout).write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    if config.slack.mode == "http" and not config.slack.public_url:
        (err or sys.stderr).write(
            f"HTTP mode: replace {PUBLIC_URL_PLACEHOLDER} with this bot's public https address "
            f"(requests go to {config.slack.path} on port {config.slack.port}).\n"
        )
    return 0
