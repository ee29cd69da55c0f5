"""Work that goes on after Slack has its acknowledgement.

Bolt runs listeners before it responds (`process_before_response`): an answer ready at once
goes out in the acknowledgement itself, with no polling for it. So a listener must return
as soon as Slack has what it needs, and anything slower (posting, answering through
response_url, opening a modal) goes on here: each piece is a task kept until it ends, and
the adapter waits for them, briefly, when it stops.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[..., Coroutine[Any, Any, None]]


class Background:
    """Tasks started by listeners, kept until they end."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack: work after an acknowledgement failed", exc_info=task.exception())

    def after_ack(self, listener: Listener) -> Listener:
        """The listener, returning to Bolt once it has acknowledged (or at once, for events,
        which Bolt acknowledges itself) while its work goes on in the background."""

        @functools.wraps(listener)
        async def acknowledged(**kwargs: Any) -> None:
            real_ack = kwargs.get("ack")
            if real_ack is None:
                self.start(listener(**kwargs))
                return
            acked = asyncio.Event()

            async def ack(*args: Any, **options: Any) -> Any:
                try:
                    return await real_ack(*args, **options)
                finally:
                    acked.set()

            work = self.start(listener(**{**kwargs, "ack": ack}))
            waiting = asyncio.ensure_future(acked.wait())
            try:
                await asyncio.wait({work, waiting}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiting.cancel()

        return acknowledged

    async def finish(self, seconds: float) -> None:
        """Waits up to `seconds` for the work in hand, then cancels what is left."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)

    def __len__(self) -> int:
        return len(self._tasks)
