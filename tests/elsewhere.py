"""Work done as a second server process would do it, for tests about what other requests see."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection

Result = TypeVar("Result")


def on_another_connection(work: Callable[[], Result]) -> Result:
    """Run `work` in another thread, so on its own database connection: it sees only what has
    been committed, like a second server process (the connection is closed afterwards)."""

    def call() -> Result:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()
