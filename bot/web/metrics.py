"""Prometheus figures (prometheus_client), in a registry of this process's own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from handlers.commands import COMMANDS
from handlers.types import IncomingCommand, Reply

KNOWN = frozenset(name for spec in COMMANDS for name in (spec.name, spec.alias))


def platform_of(identity: str) -> str:
    return identity.split(":", 1)[0] or "unknown"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "coalition_bot_commands",
            "Commands handled, by command and platform",
            ["command", "platform"],
            registry=self.registry,
        )
        self.command_seconds = Histogram(
            "coalition_bot_command_seconds",
            "Time to answer a command",
            ["platform"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.reminders = Counter(
            "coalition_bot_reminders",
            "Reminders finished, by outcome (sent, failed, skipped)",
            ["outcome"],
            registry=self.registry,
        )
        self.platform_errors = Counter(
            "coalition_bot_platform_errors",
            "Sends a platform refused, by platform and reason",
            ["platform", "reason"],
            registry=self.registry,
        )
        self.web_requests = Counter(
            "coalition_bot_web_requests",
            "Web requests, by route and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.web_seconds = Histogram(
            "coalition_bot_web_seconds",
            "Time to answer a web request",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1),
        )

    def command(self, command: IncomingCommand, seconds: float, _reply: Reply) -> None:
        platform = platform_of(command.user_id)
        name = command.name.lower()
        self.commands.labels(name if name in KNOWN else "other", platform).inc()
        self.command_seconds.labels(platform).observe(seconds)

    def text(self) -> bytes:
        return generate_latest(self.registry)
