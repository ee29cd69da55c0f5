"""Requests on one key gathered while the previous ones are handled, then handled together.

A hundred people pressing Going on one announcement all need that event's row lock. One
transaction each hands the lock from one to the next a hundred times, and each hand-over
waits for its coroutine's turn on a busy event loop. Here the first request on a key is
handled at once; those that arrive meanwhile wait for it to end and then go in one call
(one transaction, one lock) in the order they came. A lone request waits for nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Request = TypeVar("Request")
Result = TypeVar("Result")


class Batches(Generic[Key, Request, Result]):
    """`submit` hands back the result of its request; `handle` takes a key and the requests
    gathered on it and returns their results in the same order, or raises for them all."""

    def __init__(self, handle: Callable[[Key, list[Request]], Awaitable[Sequence[Result]]]) -> None:
        self._handle = handle
        self._gathering: dict[Key, list[tuple[Request, asyncio.Future[Result]]]] = {}
        self._draining: dict[Key, asyncio.Task[None]] = {}

    async def submit(self, key: Key, request: Request) -> Result:
        """The request's result, once its batch is handled. A caller cancelled before its
        batch begins leaves it without that request."""
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[Result] = loop.create_future()
        draining = self._draining.get(key)
        if draining is not None and not draining.done() and draining.get_loop() is loop:
            self._gathering[key].append((request, answered))  # joins the next batch
        else:
            self._gathering[key] = [(request, answered)]
            self._draining[key] = loop.create_task(self._drain(key))
        return await answered

    async def _drain(self, key: Key) -> None:
        while True:
            gathered = [(r, f) for r, f in self._gathering.get(key, ()) if not f.done()]
            if not gathered:
                if self._draining.get(key) is asyncio.current_task():
                    del self._gathering[key], self._draining[key]
                return
            self._gathering[key] = []
            try:
                results = await self._handle(key, [request for request, _ in gathered])
            except Exception as error:
                for _, answered in gathered:
                    if not answered.done():
                        answered.set_exception(error)
                continue
            except BaseException:  # cancelled: the process is stopping
                waiting = list(gathered)
                if self._draining.get(key) is asyncio.current_task():
                    waiting += self._gathering.pop(key, [])
                    del self._draining[key]
                for _, answered in waiting:
                    answered.cancel()
                raise
            for (_, answered), result in zip(gathered, results, strict=True):
                if not answered.done():
                    answered.set_result(result)
