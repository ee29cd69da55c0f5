"""Who sends a Slack request that asks the bot something, and where: for the command limit."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.parse import Where


def asker(body: dict[str, Any]) -> Where | None:
    """The person and conversation of a slash command, a mention, a direct message or a
    button; None for every other request (modals, the App Home, Slack's own events)."""
    if body.get("command"):
        return Where(
            str(body.get("team_id", "")),
            str(body.get("user_id", "")),
            str(body.get("channel_id", "")),
            str(body.get("channel_name", "")),
        )
    event = body.get("event")
    if isinstance(event, dict) and event.get("user") and not event.get("bot_id"):
        team = str(body.get("team_id") or event.get("team") or event.get("user_team") or "")
        channel = str(event.get("channel", ""))
        if event.get("type") == "app_mention":
            return Where(team, str(event["user"]), channel)
        if event.get("type") == "message" and event.get("channel_type") == "im":
            return (
                None
                if event.get("subtype")
                else Where(team, str(event["user"]), channel, private=True)
            )
        return None
    if body.get("type") == "block_actions" and (body.get("container") or {}).get("type") != "view":
        user = body.get("user") or {}
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id", ""))
        return Where(team, str(user.get("id", "")), channel)
    return None
