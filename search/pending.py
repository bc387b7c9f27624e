"""Channel messages reach the search index through tasks, never on the commit callbacks that
deliver them to open tabs.

A busy channel posts several messages a second. Refreshing each message's entries right after
its commit took about 12 ms on the same thread that delivers the message live, and was the
largest part of the delivery tail. So a message change only enqueues work on commit, and the
order is explicit: the live event goes out with the commit, the index follows when the task
runs.

- A new message is noted in `PendingRefresh` (so the note survives a crash), and one task
  (`search_index_pending`) refreshes everything noted, `SEARCH_INDEX_DELAY` seconds after the
  first note: the messages of those moments in one batch.
- An edit, hiding or deletion is its own task, due at once: a hidden message must not stay
  findable longer than the worker takes to pick it up.

Deferred tasks need a task backend that supports `run_after` (the database backend, run by
`manage.py db_worker`). With one that cannot defer (the immediate backend of development and
tests), or with `SEARCH_INDEX_DELAY = None`, new messages are indexed like edits. What a stopped
process left noted is picked up when a server or task worker starts again
(`core.signals.process_started`), or by `search_index sync`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from search.indexing import refresh_many_quietly
from search.models import PendingRefresh

logger = logging.getLogger(__name__)

BATCH_SCHEDULED_KEY = "search:pending-batch-scheduled"
# The flag outlives the batch it stands for by this much: if that batch is lost (no worker,
# queue cleared), the next new message schedules another one after at most this long.
BATCH_FLAG_GRACE = timedelta(minutes=1)


@task()
def search_index_messages(sources: list[str]) -> None:
    """Bring these messages' entries up to date (edits, hiding, deletion)."""
    refresh_many_quietly(sources)


@task()
def search_index_pending() -> int:
    """Index every new message noted until now; returns how many."""
    cache.delete(BATCH_SCHEDULED_KEY)
    return refresh_pending()


def _batches_deferred() -> bool:
    return (
        settings.SEARCH_INDEX_DELAY is not None
        and search_index_pending.get_backend().supports_defer
    )


def message_changed(source: str, *, new: bool) -> None:
    """After a commit: have the index follow a message change. Never raises (indexing must
    not break the write that caused it)."""
    try:
        if new and _batches_deferred():
            _note(source)
            _schedule_batch()
        else:
            search_index_messages.enqueue([source])
    except Exception:
        logger.exception("Could not schedule indexing %s", source)


def _note(source: str) -> None:
    PendingRefresh.objects.bulk_create(
        [PendingRefresh(source=source, noted_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["source"],
        update_fields=["noted_at"],
    )


def _schedule_batch() -> None:
    """One batch waits at a time: it takes every note made until it runs."""
    delay = timedelta(seconds=settings.SEARCH_INDEX_DELAY or 0)
    if not cache.add(BATCH_SCHEDULED_KEY, True, timeout=(delay + BATCH_FLAG_GRACE).total_seconds()):
        return
    try:
        search_index_pending.using(run_after=timezone.now() + delay).enqueue()
    except Exception:
        cache.delete(BATCH_SCHEDULED_KEY)
        raise


def drain_left_over(**_kwargs: object) -> None:
    """At process start (`core.signals.process_started`): have a worker index what a stopped
    process left noted, without waiting for the next message. Start-up does not wait for it
    and it never raises. Without deferred batches (the immediate task backend, or
    `SEARCH_INDEX_DELAY = None`) old notes are left to `search_index sync`."""
    if not _batches_deferred():
        return
    try:
        if PendingRefresh.objects.exists():
            search_index_pending.enqueue()
    except Exception:
        logger.exception("Could not schedule indexing the messages left waiting")


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
