"""Background task: replay the outbox once Elasticsearch is back (what `manage.py search_index
sync` does by hand).

A change that lands in the outbox schedules one replay a little later (`outbox_replay_schedule`);
a replay that finds Elasticsearch still down schedules the next one, each time waiting twice as
long, up to half an hour. A cache flag keeps it to one waiting replay however many writes fail
meanwhile. Deferred runs need a task backend that supports `run_after` (the database backend,
run by `manage.py db_worker`); with the immediate backend nothing is scheduled, because a retry
in the same request would only fail again, and the outbox waits for `search_index sync`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from search.backends import ElasticsearchUnavailable, outbox_replay
from search.models import OutboxItem

logger = logging.getLogger(__name__)

REPLAY_FIRST_DELAY = timedelta(seconds=30)
REPLAY_MAX_DELAY = timedelta(minutes=30)
# The flag outlives the replay it stands for by this much: if that replay is lost (no worker,
# queue cleared), the next failed write schedules another one after at most this long.
REPLAY_FLAG_GRACE = timedelta(hours=1)
REPLAY_SCHEDULED_KEY = "search:outbox-replay-scheduled"


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
    except ElasticsearchUnavailable:
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
