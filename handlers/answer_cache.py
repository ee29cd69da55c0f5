"""Answers remembered while neither their coalition's content nor the minute has changed.

Most traffic is the same few questions (`/events` in every bound group) between rare
changes; a remembered answer costs no database round trip and no rendering. An entry is
good for its coalition's content revision and the minute it was made in: a change of that
coalition's content, here or in another process (noticed within a second), or the next
minute, and it is made anew. Changes in other coalitions, and people's own choices such as
their language, leave it alone: a person's change makes only what is remembered about that
person (their chat contexts) go.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from models.freshness import EVERYONE

__all__ = ["EVERYONE", "AnswerCache", "Freshness", "Stamp", "context_stamp", "stamp"]

Value = TypeVar("Value")
Stamp = tuple[int, int]


class Freshness(Protocol):
    """Where the coalitions' content revisions come from (models.freshness.ContentChanges)."""

    version: int
    """Grows whenever any change becomes known: what was read meanwhile may be older."""

    context_version: int
    """Grows whenever a change of what chat contexts read (bindings, roles, a coalition's
    settings) becomes known, in any coalition."""

    def revision(self, coalition_id: int | None) -> int: ...

    def context_revision(self, coalition_id: int | None) -> int:
        """The revision of what the coalition's chat contexts read (bindings, roles)."""

    def on_person_changed(self, listener: Callable[[str], None]) -> None:
        """`listener(identity)` after a person's own settings or roles changed (EVERYONE
        when a change named no one in particular)."""

    def on_answers_changed(self, listener: Callable[[str], None]) -> None:
        """`listener(identity)` after a person's own answer to an event was stored."""

    def on_person_seen(self, listener: Callable[[str], None]) -> None:
        """`listener(identity)` after where a person was found (a chat) was stored."""

    async def refresh_if_due(self) -> None: ...


def context_stamp(freshness: Freshness, coalition_id: int | None, now: datetime) -> Stamp:
    """What a remembered chat context belongs to: the revision of its coalition's bindings,
    roles and settings (not its events or contacts) and the minute."""
    return freshness.context_revision(coalition_id), int(now.timestamp()) // 60


def stamp(freshness: Freshness, coalition_id: int | None, now: datetime) -> Stamp:
    """The coalition's revision and the minute an answer read now belongs to."""
    return freshness.revision(coalition_id), int(now.timestamp()) // 60


class AnswerCache(Generic[Value]):
    """At most `size` values, the least recently used dropped first; entries put with a
    `group` (say, the person they are about) can be forgotten together.

    A value read from the database while its group was forgotten may predate the change
    that made it go: `mark()` before the read and `put(..., since=mark)` keeps it only if
    its group was not forgotten in between."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Stamp, Value, Hashable]] = OrderedDict()
        self._groups: dict[Hashable, set[Hashable]] = {}
        self._forgets = 0
        self._forgotten_at: dict[Hashable, int] = {}
        self._cleared_at = 0

    def get(self, key: Hashable, current: Stamp) -> Value | None:
        return self.get_checked(key, lambda _value: current)

    def get_checked(self, key: Hashable, current: Callable[[Value], Stamp]) -> Value | None:
        """The value if it is still good for `current(value)`, the stamp it ought to have."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != current(entry[1]):
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def mark(self) -> int:
        """The moment, in forgettings, to pass to `put` for a value about to be read."""
        return self._forgets

    def put(
        self,
        key: Hashable,
        current: Stamp,
        value: Value,
        *,
        group: Hashable = None,
        since: int | None = None,
    ) -> None:
        if since is not None and (
            self._cleared_at > since or self._forgotten_at.get(group, -1) > since
        ):
            return  # read while its group was forgotten: it may be older than the change
        self._drop(key)
        self._entries[key] = (current, value, group)
        if group is not None:
            self._groups.setdefault(group, set()).add(key)
        if len(self._entries) > self.size:
            self._drop(next(iter(self._entries)))

    def forget(self, group: Hashable) -> None:
        """Drops every entry put with this group."""
        self._forgets += 1
        self._forgotten_at[group] = self._forgets
        if len(self._forgotten_at) > self.size:  # bounded: older marks count as a clearing
            self._forgotten_at.clear()
            self._cleared_at = self._forgets
        for key in self._groups.pop(group, set()):
            self._entries.pop(key, None)

    def clear(self) -> None:
        self._forgets += 1
        self._cleared_at = self._forgets
        self._forgotten_at.clear()
        self._entries.clear()
        self._groups.clear()

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None and entry[2] is not None:
            keys = self._groups.get(entry[2])
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._groups[entry[2]]

    def __len__(self) -> int:
        return len(self._entries)
