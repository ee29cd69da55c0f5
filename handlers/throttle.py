"""How many commands one person may send in one chat: a token bucket in front of the dispatcher.

Each (person, chat) has a bucket of `burst` tokens that refills at `per_minute` tokens a
minute. A command takes one token. The first command that finds the bucket empty gets one
short "slow down" answer (`Verdict.WARN`); the ones after it get nothing at all
(`Verdict.DROP`) until a token has come back. Nothing is queued: a dropped command is gone,
so a flood costs the bot one look-up per command and never delays anyone else's answers.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from handlers.i18n import Translator
from handlers.types import Reply

KEYS_KEPT = 50_000
"""Buckets remembered at most; the longest unused is forgotten first (it would be full)."""


class Verdict(StrEnum):
    PASS = "pass"
    """Handle the command."""
    WARN = "warn"
    """Over the limit for the first time: answer "slow down", not the command."""
    DROP = "drop"
    """Over the limit again: answer nothing."""


@dataclass
class Bucket:
    tokens: float
    at: float
    warned: bool = False


class InboundLimiter:
    """Token buckets per (person, chat); `burst` 0 lets everything pass."""

    def __init__(
        self,
        *,
        burst: int,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        keys_kept: int = KEYS_KEPT,
    ) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self.keys_kept = keys_kept
        self._buckets: OrderedDict[tuple[str, str], Bucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.burst > 0 and self.rate > 0

    def check(self, user_id: str, chat_id: str) -> Verdict:
        """Takes a token for one command of `user_id` in `chat_id`, if there is one."""
        if not self.enabled:
            return Verdict.PASS
        now = self.clock()
        key = (user_id, chat_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(float(self.burst), now)
            while len(self._buckets) > self.keys_kept:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.PASS
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN


def slow_down(t: Translator) -> Reply:
    """The one answer a person gets when they send commands faster than the limit."""
    return Reply(
        lines=(
            t.gettext(
                "Too many commands at once. Please wait a few seconds; "
                "until then I will not answer."
            ),
        ),
        is_error=True,
        personal=True,
        locale=t.locale,
    )
