"""Telegram's limits, and the rate limiter that keeps outgoing traffic within them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
"""Characters of one message's text (Telegram counts after parsing; we count the HTML)."""
CALLBACK_DATA_LIMIT = 64
"""Bytes of a button's callback_data."""
COMMAND_NAME_LIMIT = 32
DESCRIPTION_LIMIT = 256
RETRY_AFTER_TRIES = 3
"""How often a request is resent after Telegram answered 429 with retry_after."""


class ResilientRateLimiter(AIORateLimiter):
    """python-telegram-bot's AIORateLimiter, which also retries network failures.

    AIORateLimiter keeps within about 30 messages a second overall and 20 a minute per
    group, and waits out `RetryAfter`. On top of that, `TimedOut` and other `NetworkError`s
    (5xx answers included) are retried `tries` times in all with exponential backoff;
    `BadRequest` is never retried (sending the same request again gives the same answer).
    """

    def __init__(self, *, tries: int = 4, backoff: float = 1.0) -> None:
        super().__init__(max_retries=RETRY_AFTER_TRIES)
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
