"""Why a send to a chat failed: one meaning for every platform's refusals."""

from __future__ import annotations

from enum import StrEnum


class SendFailure(StrEnum):
    """Why a send to a chat failed, the same on every platform: each adapter maps its
    platform's errors to one of these, and the scheduler acts on it."""

    GONE = "gone"
    """The chat is gone or the bot is out of it (deleted, archived, the bot removed or
    blocked): the chat is marked inactive until the bot is back, and nothing is retried."""
    NOT_ALLOWED = "not_allowed"
    """The bot is in the chat but may not post there now (rights, a read-only channel, a
    workspace rule): tried again later; the chat stays active."""
    SETUP = "setup"
    """The platform refuses the bot itself (token invalid or revoked, a scope missing), or no
    adapter runs for the platform: only an operator can help, so it is not tried again."""
    CONTENT = "content"
    """The platform refuses this message (too long, malformed): not tried again."""
    UNAVAILABLE = "unavailable"
    """Passing trouble (rate limits, server errors, the network): tried again later."""

    @property
    def deactivates(self) -> bool:
        """Whether the chat stops getting reminders (until it is reachable again)."""
        return self is SendFailure.GONE

    @property
    def retryable(self) -> bool:
        """Whether trying again later can help."""
        return self in (SendFailure.NOT_ALLOWED, SendFailure.UNAVAILABLE)
