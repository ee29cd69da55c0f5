"""The per-person command limit: a token bucket per (person, chat), and its configuration."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, ThrottleConfig, parse_config
from handlers.throttle import InboundLimiter, Verdict


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_warning_then_silence_until_a_token_is_back() -> None:
    clock = Ticks()
    limiter = InboundLimiter(burst=3, per_minute=6, clock=clock)  # a token every 10 s
    verdicts = [limiter.check("telegram:1", "telegram:-5") for _ in range(6)]
    assert verdicts == [Verdict.PASS] * 3 + [Verdict.WARN] + [Verdict.DROP] * 2
    clock.now += 9.9
    assert limiter.check("telegram:1", "telegram:-5") is Verdict.DROP
    clock.now += 0.2  # one token back after 10 s (the drops took none)
    assert limiter.check("telegram:1", "telegram:-5") is Verdict.PASS
    assert limiter.check("telegram:1", "telegram:-5") is Verdict.WARN  # warned again, once


def test_people_and_chats_have_their_own_buckets() -> None:
    limiter = InboundLimiter(burst=1, per_minute=1, clock=Ticks())
    assert limiter.check("telegram:1", "telegram:-5") is Verdict.PASS
    assert limiter.check("telegram:1", "telegram:-5") is Verdict.WARN
    assert limiter.check("telegram:2", "telegram:-5") is Verdict.PASS
    assert limiter.check("telegram:1", "telegram:1") is Verdict.PASS


def test_burst_zero_lets_everything_pass_and_few_buckets_are_kept() -> None:
    off = InboundLimiter(burst=0, per_minute=20)
    assert {off.check("telegram:1", "telegram:1") for _ in range(100)} == {Verdict.PASS}
    limiter = InboundLimiter(burst=1, per_minute=1, clock=Ticks(), keys_kept=10)
    for n in range(100):
        limiter.check(f"telegram:{n}", "telegram:-5")
    assert len(limiter._buckets) == 10


def test_the_limit_is_configured_in_its_own_section_with_defaults() -> None:
    assert parse_config({}).throttle == ThrottleConfig(burst=8, per_minute=20)
    chosen = parse_config({"throttle": {"burst": 3, "per_minute": 30}}).throttle
    assert chosen == ThrottleConfig(burst=3, per_minute=30)
    assert parse_config({"throttle": {"burst": 0}}).throttle.burst == 0
    for bad in ({"burst": -1}, {"per_minute": 0}, {"burst": "8"}, {"rate": 5}):
        with pytest.raises(ConfigError, match="throttle"):
            parse_config({"throttle": bad})
