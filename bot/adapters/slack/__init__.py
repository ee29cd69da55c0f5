"""Slack adapter: the only package that imports slack_bolt and slack_sdk."""

from bot.adapters.slack.adapter import SlackAdapter, SlackSetupError
from bot.adapters.slack.manifest import build_manifest, print_manifest
from bot.delivery import DeliveryFailed

__all__ = ["DeliveryFailed", "SlackAdapter", "SlackSetupError", "build_manifest", "print_manifest"]
