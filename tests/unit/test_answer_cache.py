"""Remembered answers: good for one coalition revision and one minute, the oldest dropped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from handlers.answer_cache import AnswerCache, stamp


class Revisions:
    def __init__(self) -> None:
        self.version = 0
        self.context_version = 0
        self.revisions: dict[int, int] = {}

    def revision(self, coalition_id: int | None) -> int:
        return self.revisions.get(coalition_id or 0, 0)

    def context_revision(self, coalition_id: int | None) -> int:
        return self.revisions.get(-(coalition_id or 0), 0)

    def on_person_changed(self, listener: Callable[[str], None]) -> None:
        return None

    def on_answers_changed(self, listener: Callable[[str], None]) -> None:
        return None

    def on_person_seen(self, listener: Callable[[str], None]) -> None:
        return None

    async def refresh_if_due(self) -> None:
        return None


def test_an_answer_is_kept_for_its_coalitions_revision_and_minute_only() -> None:
    freshness = Revisions()
    morning = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)
    cache: AnswerCache[str] = AnswerCache(10)
    cache.put("events", stamp(freshness, 1, morning), "3 upcoming events")

    later_same_minute = morning.replace(second=59)
    assert cache.get("events", stamp(freshness, 1, later_same_minute)) == "3 upcoming events"
    assert cache.get("events", stamp(freshness, 1, morning.replace(minute=1))) is None
    freshness.revisions[2] = 5  # another coalition changed
    assert cache.get("events", stamp(freshness, 1, morning)) == "3 upcoming events"
    freshness.revisions[1] = 1
    assert cache.get("events", stamp(freshness, 1, morning)) is None


def test_the_least_recently_used_answer_goes_first() -> None:
    now = stamp(Revisions(), 1, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    cache: AnswerCache[int] = AnswerCache(2)
    cache.put("a", now, 1)
    cache.put("b", now, 2)
    assert cache.get("a", now) == 1  # "a" is now the more recent
    cache.put("c", now, 3)
    assert cache.get("b", now) is None
    assert (cache.get("a", now), cache.get("c", now), len(cache)) == (1, 3, 2)


def test_entries_about_one_person_are_forgotten_together() -> None:
    now = (0, 0)
    cache: AnswerCache[str] = AnswerCache(3)
    cache.put(("ana", "group"), now, "sl", group="ana")
    cache.put(("ana", "private"), now, "sl", group="ana")
    cache.put(("bojan", "group"), now, "en", group="bojan")
    cache.forget("ana")
    assert cache.get(("ana", "group"), now) is None
    assert cache.get(("ana", "private"), now) is None
    assert cache.get(("bojan", "group"), now) == "en"
    cache.put(("cilka", 1), now, "x", group="cilka")
    cache.put(("cilka", 2), now, "y", group="cilka")
    cache.put(("cilka", 3), now, "z", group="cilka")  # bojan's entry is dropped as oldest
    cache.forget("bojan")
    assert len(cache) == 3


def test_a_value_read_while_its_person_was_forgotten_is_not_kept() -> None:
    now = (0, 0)
    cache: AnswerCache[str] = AnswerCache(10)
    reading = cache.mark()
    cache.forget("ana")  # ana changed her language while her context was being read
    cache.put(("ana", "group"), now, "sl (as read before the change)", group="ana", since=reading)
    assert cache.get(("ana", "group"), now) is None

    reading = cache.mark()
    cache.forget("bojan")  # someone else's change
    cache.put(("ana", "group"), now, "sl", group="ana", since=reading)
    assert cache.get(("ana", "group"), now) == "sl"

    reading = cache.mark()
    cache.clear()  # a change that named no one in particular
    cache.put(("cilka", "group"), now, "en", group="cilka", since=reading)
    assert cache.get(("cilka", "group"), now) is None


def test_forgotten_people_are_remembered_within_bounds_and_never_wrongly() -> None:
    now = (0, 0)
    cache: AnswerCache[str] = AnswerCache(2)
    reading = cache.mark()
    for person in ("a", "b", "c", "d"):  # more than the cache keeps marks for
        cache.forget(person)
    cache.put(("a", "group"), now, "stale", group="a", since=reading)
    assert cache.get(("a", "group"), now) is None
    later = cache.mark()
    cache.put(("a", "group"), now, "fresh", group="a", since=later)
    assert cache.get(("a", "group"), now) == "fresh"
