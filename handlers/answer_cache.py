"""Answers remembered while neither the content nor the minute has changed.

Most traffic is the same few questions (`/events` in every bound group) between rare
changes; a remembered answer costs no database round trip and no rendering. An entry is
good for the content generation and the minute it was made in: any change of content, here
or in another process (noticed within a second), or the next minute, and it is made anew.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime
from typing import Generic, Protocol, TypeVar

Value = TypeVar("Value")
Stamp = tuple[int, int]


class Freshness(Protocol):
    """Where the content's generation comes from (models.freshness.ContentChanges)."""

    generation: int

    async def refresh_if_due(self) -> None: ...


def stamp(freshness: Freshness, now: datetime) -> Stamp:
    """The generation and the minute an answer read now belongs to."""
    return freshness.generation, int(now.timestamp()) // 60


class AnswerCache(Generic[Value]):
    """At most `size` values, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Stamp, Value]] = OrderedDict()

    def get(self, key: Hashable, current: Stamp) -> Value | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != current:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, current: Stamp, value: Value) -> None:
        self._entries[key] = (current, value)
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
