"""New channel messages enter the search index shortly after they are posted, in batches, by a
background thread of the process.

A busy channel posts several messages a second. Refreshing each message's entries right after
its commit took about 12 ms on the same thread and interpreter lock that deliver the message to
every open tab, and was the largest part of the delivery tail. Instead the commit notes the
source in `PendingRefresh` (so the note survives a crash) and wakes a thread that, after
`SEARCH_INDEX_DELAY` seconds, refreshes everything noted in one batch. What a stopped or
crashed process left noted is picked up when a server or task worker starts again
(`hub.signals.process_started`), or by `search_index sync`.

Only new messages wait. Edits, moderation and deletion change the index at once: a hidden
message must not stay findable for a moment longer.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from search.indexing import refresh_many_quietly
from search.models import PendingRefresh

logger = logging.getLogger(__name__)

_wake = threading.Event()
_start_lock = threading.Lock()
_worker: threading.Thread | None = None


def note(source: str) -> None:
    """After a commit: have the next batch refresh `source`. Never raises (indexing must not
    break the write that caused it)."""
    try:
        PendingRefresh.objects.bulk_create(
            [PendingRefresh(source=source, noted_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["source"],
            update_fields=["noted_at"],
        )
    except Exception:
        logger.exception("Could not note %s for indexing", source)
        return
    _wake_worker()


def drain_left_over(**_kwargs: object) -> None:
    """At process start (`hub.signals.process_started`): have the batch thread index what a
    stopped process left noted, without waiting for the next message. Start-up does not wait
    for it and it never raises. Off with `SEARCH_INDEX_DELAY = None` (test settings): such a
    process runs no batches and leaves old notes to `search_index sync`."""
    if settings.SEARCH_INDEX_DELAY is None:
        return
    try:
        _wake_worker()
    except Exception:
        logger.exception("Could not start indexing the messages left waiting")


def _wake_worker() -> None:
    global _worker
    with _start_lock:
        if _worker is None or not _worker.is_alive():
            # A daemon: the notes are in the database, so nothing is lost if the process ends
            # before the batch ran.
            _worker = threading.Thread(target=_work, name="search-pending", daemon=True)
            _worker.start()
    _wake.set()


def _work() -> None:
    while True:
        _wake.wait()
        # Waiting first gathers the messages of the next moments into this batch.
        time.sleep(settings.SEARCH_INDEX_DELAY or 0)
        _wake.clear()
        try:
            refresh_pending()
        except Exception:
            logger.exception("Background indexing failed; the notes wait for the next batch")
        finally:
            # Idle between batches: hold no connection (PostgreSQL counts them).
            connection.close()


def refresh_pending(*, batch_size: int = 500) -> int:
    """Refresh every source noted until now; returns how many. A source noted again while its
    batch runs keeps its note for the next batch, which then sees that change too."""
    refreshed = 0
    started = timezone.now()
    while True:
        sources = list(
            PendingRefresh.objects.filter(noted_at__lte=started)
            .order_by("noted_at", "id")
            .values_list("source", flat=True)[:batch_size]
        )
        if not sources:
            return refreshed
        refresh_many_quietly(sources, batch_size=batch_size)
        PendingRefresh.objects.filter(source__in=sources, noted_at__lte=started).delete()
        refreshed += len(sources)
