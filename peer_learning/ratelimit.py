"""Limits on how often one member may repeat a write, counted in the cache.

Fixed windows per member (or per address for visitors): cheap, shared by all workers when the
cache is Redis, and enough to stop scripted floods of registrations and mails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def limit_exceeded(request: HttpRequest, *, action: str, limit: int, period: int) -> bool:
    """Count one more `action` and tell whether it goes beyond `limit` per `period` seconds."""
    who = request.user.pk if request.user.is_authenticated else request.META.get("REMOTE_ADDR")
    window = int(time.time() // period)
    key = f"kollegium:ratelimit:{action}:{who}:{window}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between add and incr: this is its first hit.
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit


def rate_limited(action: str, *, limit: int, period: int) -> Callable[..., Any]:
    """Answer 429 to POSTs beyond `limit` per `period` seconds and member."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and limit_exceeded(
                request, action=action, limit=limit, period=period
            ):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
