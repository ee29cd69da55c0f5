"""Telegram's limits, and the rate limiter that keeps outgoing traffic within them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
"""Characters of one message's text (Telegram counts after parsing; we count the HTML)."""
CAPTION_LIMIT = 1024
"""Characters of a photo's caption (counted as for a message)."""
CALLBACK_DATA_LIMIT = 64
"""Bytes of a button's callback_data."""
COMMAND_NAME_LIMIT = 32
DESCRIPTION_LIMIT = 256
RETRY_AFTER_TRIES = 3
"""How often a request is resent after Telegram answered 429 with retry_after."""
OVERALL_BURST = 10
"""Messages sent at once before the bot paces itself at Telegram's 30 a second."""
GROUP_BURST = 18
"""Messages sent at once to one group before pacing at Telegram's 20 a minute."""
UNPACED = frozenset(
    {
        "answerCallbackQuery",
        "getChat",
        "getChatAdministrators",
        "getChatMember",
        "getFile",
        "getMe",
        "setMyCommands",
        "deleteMyCommands",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
    }
)
"""Calls that put no message into a chat: Telegram's message limits are not theirs. The
limiter paces every call that names a chat, so without this a look-up of a person in a group
(is this person a member?) would wait behind the group's messages, minutes at 20 a minute,
and use up the group's budget; and none of these waits out another call's 429."""


def paced(burst: int, messages: int, seconds: float) -> tuple[float, float]:
    """AIORateLimiter's (max_rate, time_period) for `messages` per `seconds` with a smaller
    burst: its buckets take `max_rate` at once and drain at `max_rate / time_period`."""
    return burst, seconds * burst / messages


class ResilientRateLimiter(AIORateLimiter):
    """python-telegram-bot's AIORateLimiter, which also retries network failures.

    AIORateLimiter keeps within 30 messages a second overall and 20 a minute per group, and
    waits out `RetryAfter`. Telegram takes bursts of about as many at once, but the limiter
    counts a message when it lets it go, and it reaches Telegram some time later: up to
    hundreds of ms more for some (a new connection, a busy event loop) than for others. With
    bursts as large as Telegram's, those late ones arrive over the limit and are refused with
    429; and after a 429 every message admitted during the wait goes at once, which is refused
    again. So the buckets keep Telegram's rates with smaller bursts (`OVERALL_BURST`,
    `GROUP_BURST`): a fan-out of reminders ends (30 - 10) / 30 s later than it could.

    On top of that, `TimedOut` and other `NetworkError`s (5xx answers included) are retried
    `tries` times in all with exponential backoff; `BadRequest` is never retried (sending
    the same request again gives the same answer). `throttle=False` drops the two rate
    limits and keeps the retries. Calls that send no message (`UNPACED`: a button's answer,
    a membership look-up) are never paced.
    """

    def __init__(self, *, tries: int = 4, backoff: float = 1.0, throttle: bool = True) -> None:
        if throttle:
            overall, overall_period = paced(OVERALL_BURST, FloodLimit.MESSAGES_PER_SECOND, 1)
            group, group_period = paced(GROUP_BURST, FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60)
            super().__init__(
                overall_max_rate=overall,
                overall_time_period=overall_period,
                group_max_rate=group,
                group_time_period=group_period,
                max_retries=RETRY_AFTER_TRIES,
            )
        else:
            super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=RETRY_AFTER_TRIES)
        self._tries = max(1, tries)
        self._backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        delay = self._backoff
        for attempt in range(1, self._tries + 1):
            try:
                if endpoint in UNPACED:
                    return await self._unpaced(callback, args, kwargs, rate_limit_args)
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt == self._tries:
                    raise
                log.warning(
                    "%s failed (%s); try %d of %d in %.1f s",
                    endpoint,
                    error,
                    attempt + 1,
                    self._tries,
                    delay,
                )
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    async def _unpaced(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """A call that sends no message: made at once, and after a 429 again once Telegram's
        wait is over (as the limiter does for messages, without holding up the others)."""
        tries = rate_limit_args or RETRY_AFTER_TRIES
        for attempt in range(tries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == tries:
                    raise
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.info("Telegram asked to wait %.0f s before the next call", seconds)
                await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")
