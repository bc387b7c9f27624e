"""Rate limits for writes, counted in Django's cache (shared by all workers with Redis)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.client_address import client_network


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


def retry_after(*, period: int) -> int:
    """Seconds until the current window of `rate_limit_exceeded` ends and attempts count afresh."""
    return max(1, math.ceil(period - time.time() % period))


def rate_limit_key(request: HttpRequest) -> str:
    """Whom a request is counted for: the member, or for visitors their client address
    (its /64 network for IPv6)."""
    if request.user.is_authenticated:
        return f"member:{request.user.pk}"
    return f"client:{client_network(request)}"


def rate_limited(scope: str, *, limit: int, period: int) -> Callable[..., Any]:
    """View decorator: answer 429 to POSTs beyond `limit` per `period` seconds, counted per
    member (per address for visitors)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and rate_limit_exceeded(
                scope=scope, key=rate_limit_key(request), limit=limit, period=period
            ):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
