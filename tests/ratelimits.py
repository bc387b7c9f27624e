"""Helpers for tests of the rate limits: many simultaneous attempts, and a cache with the
pauses of a network round trip."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class SlowCache:
    """The cache with a pause after every call, like a network round trip: threads interleave
    between calls as they do against Redis (a read-then-write counter lets too many through)."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._backend, name)

        def slow(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            time.sleep(0.001)
            return result

        return slow


def simultaneous_successes(attempt: Callable[[], bool], *, workers: int, attempts: int) -> int:
    """How many of `workers` threads × `attempts` calls of `attempt`, started together,
    succeed."""
    start = threading.Barrier(workers)

    def attempt_all() -> int:
        start.wait()
        return sum(attempt() for _ in range(attempts))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(lambda _: attempt_all(), range(workers)))
