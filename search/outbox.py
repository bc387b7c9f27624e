"""Changes Elasticsearch missed, kept until it is back, and their replay.

A write the cluster refuses (down, timed out) leaves its entry ids here (`outbox_put`) and
schedules one replay a little later; a replay that finds the cluster still down schedules the
next one, each time waiting twice as long, up to half an hour. A cache flag keeps it to one
waiting replay however many writes fail meanwhile. Deferred runs need a task backend that
supports `run_after` (the database backend, run by `manage.py db_worker`); with the immediate
backend nothing is scheduled, because a retry in the same request would only fail again, and
the outbox waits for `manage.py search_index sync`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django_tasks import task

from search.backends import BackendUnavailable, get_backend
from search.backends.base import Progress
from search.models import OutboxItem

logger = logging.getLogger(__name__)

REPLAY_FIRST_DELAY = timedelta(seconds=30)
REPLAY_MAX_DELAY = timedelta(minutes=30)
# The flag outlives the replay it stands for by this much: if that replay is lost (no worker,
# queue cleared), the next failed write schedules another one after at most this long.
REPLAY_FLAG_GRACE = timedelta(hours=1)
REPLAY_SCHEDULED_KEY = "search:outbox-replay-scheduled"


def outbox_put(entry_ids: list[str], error: str) -> None:
    """Keep these entry ids for the replay and have one scheduled."""
    existing = set(
        OutboxItem.objects.filter(entry_id__in=entry_ids).values_list("entry_id", flat=True)
    )
    OutboxItem.objects.bulk_create(
        [
            OutboxItem(entry_id=entry_id, last_error=error[:1000])
            for entry_id in entry_ids
            if entry_id not in existing
        ],
        ignore_conflicts=True,
    )
    outbox_replay_schedule()


def outbox_replay(*, batch_size: int = 500, progress: Progress | None = None) -> int:
    """Send every waiting change; returns how many were sent. Raises BackendUnavailable when
    the cluster is still down (what is left stays in the outbox)."""
    backend = get_backend()
    backend.reconnect()
    sent = 0
    while True:
        batch = list(OutboxItem.objects.order_by("id")[:batch_size])
        if not batch:
            return sent
        try:
            backend.index([item.entry_id for item in batch])
        except BackendUnavailable as error:
            OutboxItem.objects.filter(pk__in=[item.pk for item in batch]).update(
                attempts=F("attempts") + 1, last_error=str(error)[:1000]
            )
            raise
        OutboxItem.objects.filter(pk__in=[item.pk for item in batch]).delete()
        sent += len(batch)
        if progress:
            progress(len(batch))


@task()
def search_outbox_sync() -> int:
    """Send the outbox to Elasticsearch; returns how many changes were sent. While the cluster
    is still down, the next replay is scheduled and this run fails with the reason."""
    cache.delete(REPLAY_SCHEDULED_KEY)
    if not settings.ELASTICSEARCH_URL:
        # Elasticsearch was switched off meanwhile: nothing to retry for.
        return 0
    try:
        return outbox_replay()
    except BackendUnavailable:
        outbox_replay_schedule()
        raise


def replay_delay() -> timedelta:
    """Twice as long after every failed replay of the oldest waiting change, capped."""
    attempts = OutboxItem.objects.aggregate(attempts=Max("attempts"))["attempts"] or 0
    return min(REPLAY_FIRST_DELAY * 2 ** min(attempts, 16), REPLAY_MAX_DELAY)


def outbox_replay_schedule() -> None:
    """Have a worker replay the outbox after `replay_delay()`, unless a replay already waits.
    Runs on commit: the flag is only set when the task is really enqueued."""
    transaction.on_commit(_enqueue_replay)


def _enqueue_replay() -> None:
    if not search_outbox_sync.get_backend().supports_defer:
        logger.info("The task backend cannot defer tasks; run `search_index sync` to replay")
        return
    delay = replay_delay()
    flag_seconds = (delay + REPLAY_FLAG_GRACE).total_seconds()
    if not cache.add(REPLAY_SCHEDULED_KEY, True, timeout=flag_seconds):
        return
    try:
        search_outbox_sync.using(run_after=timezone.now() + delay).enqueue()
    except Exception:
        # Like indexing, scheduling must never break the write that caused it.
        cache.delete(REPLAY_SCHEDULED_KEY)
        logger.exception("Could not schedule the outbox replay")
