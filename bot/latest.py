"""The latest of several edits of one message: made one at a time, the ones in between
dropped (a burst of button presses edits the pressed message a few times, not at every
press)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


class LatestOnly:
    """Runs, per key, the latest work handed in: at once when nothing runs for that key,
    else after the running one and `interval` seconds, replacing what waited before."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._waiting: dict[Hashable, Work] = {}
        self._running: dict[Hashable, asyncio.Task[None]] = {}

    def submit(self, key: Hashable, work: Work) -> None:
        self._waiting[key] = work
        if key not in self._running:
            task = asyncio.get_running_loop().create_task(self._run(key))
            self._running[key] = task
            task.add_done_callback(lambda _task: self._running.pop(key, None))

    async def _run(self, key: Hashable) -> None:
        while key in self._waiting:
            work = self._waiting.pop(key)
            try:
                await work()
            except Exception:
                log.exception("an edit of %s failed", key)
            if key in self._waiting:
                await asyncio.sleep(self.interval)

    async def settle(self) -> None:
        """Waits until nothing waits or runs."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def stop(self, grace: float = 5.0) -> None:
        """Lets what runs finish for up to `grace` seconds, then cancels the rest."""
        tasks = list(self._running.values())
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
