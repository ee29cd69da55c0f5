"""Requests on one key handled together while the previous ones are handled."""

from __future__ import annotations

import asyncio

import pytest

from models.services.batches import Batches


class Recorder:
    """Handles a batch by doubling each request, after a pause the test controls."""

    def __init__(self) -> None:
        self.batches: list[tuple[str, list[int]]] = []
        self.proceed = asyncio.Event()
        self.proceed.set()

    async def handle(self, key: str, requests: list[int]) -> list[int]:
        self.batches.append((key, list(requests)))
        await self.proceed.wait()
        if -1 in requests:
            raise ValueError("refused")
        return [2 * request for request in requests]


async def test_a_lone_request_is_handled_at_once_and_alone() -> None:
    recorder = Recorder()
    batches = Batches(recorder.handle)
    assert await batches.submit("a", 1) == 2
    assert await batches.submit("a", 2) == 4
    assert recorder.batches == [("a", [1]), ("a", [2])]


async def test_requests_arriving_meanwhile_go_together_next_in_their_order() -> None:
    recorder = Recorder()
    recorder.proceed.clear()
    batches = Batches(recorder.handle)
    first = asyncio.ensure_future(batches.submit("a", 1))
    await asyncio.sleep(0)
    later = [asyncio.ensure_future(batches.submit("a", n)) for n in (5, 3, 4)]
    other_key = asyncio.ensure_future(batches.submit("b", 9))
    await asyncio.sleep(0)
    recorder.proceed.set()
    assert await first == 2
    assert [await f for f in later] == [10, 6, 8]
    assert await other_key == 18
    assert recorder.batches == [("a", [1]), ("b", [9]), ("a", [5, 3, 4])]


async def test_a_refused_batch_fails_its_own_requests_only() -> None:
    recorder = Recorder()
    recorder.proceed.clear()
    batches = Batches(recorder.handle)
    first = asyncio.ensure_future(batches.submit("a", 1))
    await asyncio.sleep(0)
    refused = [asyncio.ensure_future(batches.submit("a", n)) for n in (-1, 7)]
    recorder.proceed.set()
    assert await first == 2
    for future in refused:
        with pytest.raises(ValueError, match="refused"):
            await future
    assert await batches.submit("a", 3) == 6


async def test_a_request_given_up_before_its_batch_begins_is_not_handled() -> None:
    recorder = Recorder()
    recorder.proceed.clear()
    batches = Batches(recorder.handle)
    first = asyncio.ensure_future(batches.submit("a", 1))
    await asyncio.sleep(0)
    given_up = asyncio.ensure_future(batches.submit("a", 5))
    kept = asyncio.ensure_future(batches.submit("a", 6))
    await asyncio.sleep(0)
    given_up.cancel()
    recorder.proceed.set()
    assert await first == 2
    assert await kept == 12
    assert recorder.batches == [("a", [1]), ("a", [6])]
