"""Secrets never reach a log line or a stored error: tokens and secrets are cut out of text.

A Telegram bot token travels in every Bot API URL (`…/bot123:ABC…/sendMessage`), and HTTP
client errors quote the URL; python-telegram-bot logs the URL and, at DEBUG, the parameters
of setWebhook with its secret. `Redactor` replaces the configured secrets, and anything
shaped like a token, with `[redacted]`. `install` puts it on the root logger's handlers,
so every record is cleaned, its traceback included; the scheduler cleans the error texts it
stores with the same Redactor.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from bot.config import Config

MASK = "[redacted]"
SHAPES = re.compile(
    r"(?<=/bot)[^/\s'\"]+(?=/)"  # the token in a Bot API URL: …/bot<token>/method
    r"|\b\d{5,}:[A-Za-z0-9_-]{30,}\b"  # a Telegram bot token anywhere
    r"|\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{8,}"  # Slack tokens: xoxb-, xoxp-, xapp-, …
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"  # user:password@ in a URL
)
SHORTEST_SECRET = 4
"""Configured values shorter than this are not secrets worth cutting (they would cut words)."""


def secrets_of(config: Config) -> list[str]:
    """The secrets a configuration holds: tokens, the webhook secret, the signing secret."""
    return [
        config.telegram.token,
        config.telegram.webhook_secret,
        config.slack.bot_token,
        config.slack.app_token,
        config.slack.signing_secret,
    ]


class Redactor:
    """Cuts the given secrets, and anything shaped like a token, out of text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = sorted({s for s in secrets if len(s) >= SHORTEST_SECRET}, key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(s) for s in known)) if known else None

    @classmethod
    def for_config(cls, config: Config) -> Redactor:
        return cls(secrets_of(config))

    def __call__(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(MASK, text)
        return SHAPES.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """A handler filter that cleans a record's message and traceback before it is written."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it, with nothing formatted
            return True
        cleaned = self.redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(redact: Redactor, logger: logging.Logger | None = None) -> RedactingFilter:
    """Puts one RedactingFilter on every handler of `logger` (the root logger by default).

    A filter on a logger sees only that logger's own records; one on its handlers sees
    every record that reaches them, from any logger.
    """
    target = logger or logging.getLogger()
    found = RedactingFilter(redact)
    for handler in target.handlers:
        handler.addFilter(found)
    return found
