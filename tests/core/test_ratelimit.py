"""The one rate limiter: a counter per window in the cache, which concurrent attempts cannot
push past its limit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from core import ratelimit
from core.ratelimit import rate_limit_exceeded, retry_after
from tests.ratelimits import SlowCache, simultaneous_successes

# Long enough that no test run crosses into the next window.
PERIOD = 3600


def concurrent_allowed(*, scope: str, limit: int, workers: int, attempts: int) -> int:
    """How many of `workers` × `attempts` simultaneous attempts the limiter lets through."""
    return simultaneous_successes(
        lambda: not rate_limit_exceeded(scope=scope, key="member:1", limit=limit, period=PERIOD),
        workers=workers,
        attempts=attempts,
    )


def test_attempts_beyond_the_limit_are_refused_and_keys_count_apart() -> None:
    results = [
        rate_limit_exceeded(scope="test", key="member:1", limit=3, period=PERIOD) for _ in range(5)
    ]

    assert results == [False, False, False, True, True]
    assert not rate_limit_exceeded(scope="test", key="member:2", limit=3, period=PERIOD)
    assert not rate_limit_exceeded(scope="other", key="member:1", limit=3, period=PERIOD)


def test_a_new_window_counts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_000 * 60.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    for _ in range(2):
        rate_limit_exceeded(scope="test", key="member:1", limit=2, period=60)
    assert rate_limit_exceeded(scope="test", key="member:1", limit=2, period=60)
    assert retry_after(period=60) == 60

    now += 59
    assert retry_after(period=60) == 1
    now += 1

    assert not rate_limit_exceeded(scope="test", key="member:1", limit=2, period=60)


def test_concurrent_attempts_cannot_exceed_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "cache", SlowCache(cache))

    assert concurrent_allowed(scope="test-threads", limit=20, workers=16, attempts=5) == 20
