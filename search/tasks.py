"""Background task: replay the outbox once Elasticsearch is back (same as
`manage.py search_index sync`)."""

from __future__ import annotations

from django_tasks import task

from search.backends import outbox_replay


@task()
def search_outbox_sync() -> int:
    return outbox_replay()
