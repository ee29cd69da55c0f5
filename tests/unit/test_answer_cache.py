"""Remembered answers: good for one content generation and one minute, the oldest dropped."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.answer_cache import AnswerCache, stamp


class Generation:
    def __init__(self) -> None:
        self.generation = 0

    async def refresh_if_due(self) -> None:
        return None


def test_an_answer_is_kept_for_its_generation_and_minute_only() -> None:
    freshness = Generation()
    morning = datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC)
    cache: AnswerCache[str] = AnswerCache(10)
    cache.put("events", stamp(freshness, morning), "3 upcoming events")

    later_same_minute = morning.replace(second=59)
    assert cache.get("events", stamp(freshness, later_same_minute)) == "3 upcoming events"
    assert cache.get("events", stamp(freshness, morning.replace(minute=1))) is None
    freshness.generation += 1
    assert cache.get("events", stamp(freshness, morning)) is None


def test_the_least_recently_used_answer_goes_first() -> None:
    now = stamp(Generation(), datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    cache: AnswerCache[int] = AnswerCache(2)
    cache.put("a", now, 1)
    cache.put("b", now, 2)
    assert cache.get("a", now) == 1  # "a" is now the more recent
    cache.put("c", now, 3)
    assert cache.get("b", now) is None
    assert (cache.get("a", now), cache.get("c", now), len(cache)) == (1, 3, 2)
