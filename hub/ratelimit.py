"""Rate limits for writes, counted in Django's cache (shared by all workers with Redis)."""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_exceeded(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt; True once more than `limit` attempts fall into the current window
    of `period` seconds. Refused attempts count too, so hammering does not pay off."""
    window = int(time.time() // period)
    cache_key = f"kollegium:rate:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window expired between add and incr.
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count > limit
