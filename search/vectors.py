"""Keeping the stored vectors (`EntryVector`) in step with the entries, in background tasks.

`search.indexing` stores entries and, after the commit, enqueues `search_vectors_update` with
the entry ids it wrote: the page is searchable by its words at once, and by its meaning once
the task ran. The task embeds only passages whose text changed (`text_hash`), in batches, and
drops the vectors of passages and entries that are gone. A failed embedding leaves the entry
without vectors, still found by its words; every later run of the task also embeds a batch of
entries that lack vectors, and `manage.py search_index vectors` embeds all of them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar

import numpy as np
from django.conf import settings
from django.db import transaction
from django_tasks import task

from core.tasks import enqueue_on_commit
from search.backends import BackendUnavailable, get_backend
from search.backends.base import Progress
from search.backends.vector_matrix import announce_change
from search.embedding import embed_passages, passage_texts, text_hash
from search.models import EntryVector, SearchEntry
from search.outbox import outbox_put

logger = logging.getLogger(__name__)

# Entries embedded and stored together: a failure loses at most this batch's work.
ENTRY_BATCH = 32
# Entries without vectors that each run of the task picks up besides its own (the retry of
# earlier failures).
RETRIES_PER_RUN = 32

# Passage texts to their vectors, one row each, as `embed_passages` returns them.
Embedder = Callable[[list[str]], np.ndarray]


_forced: ContextVar[bool | None] = ContextVar("search_vectors_forced", default=None)


def vectors_enabled() -> bool:
    """Whether entries are embedded and searches use meaning: SEARCH_VECTORS, unless a
    benchmark forced it (`vectors_forced`)."""
    forced = _forced.get()
    return bool(settings.SEARCH_VECTORS) if forced is None else forced


@contextlib.contextmanager
def vectors_forced(enabled: bool | None) -> Iterator[None]:
    """Search with (True) or without (False) meaning in this block; None changes nothing."""
    token = _forced.set(enabled if enabled is not None else _forced.get())
    try:
        yield
    finally:
        _forced.reset(token)


def schedule_vectors(entry_ids: list[str]) -> None:
    """After the commit, have a task embed these entries (those of a store just made)."""
    if entry_ids and vectors_enabled():
        enqueue_on_commit(search_vectors_update, entry_ids)


@task()
def search_vectors_update(entry_ids: list[str]) -> int:
    """Embed what changed of these entries and a batch of entries lacking vectors; returns
    the number of passages embedded. Raises after an embedding failure (the task is recorded
    as failed; the entries stay without vectors until a later run picks them up)."""
    retries = missing_entry_ids(RETRIES_PER_RUN)
    return update_vectors([*entry_ids, *retries])


def missing_entry_ids(limit: int | None = None) -> list[str]:
    """Entries without a vector for their first passage, oldest first."""
    missing = (
        SearchEntry.objects.exclude(
            entry_id__in=EntryVector.objects.filter(passage=0).values("entry_id")
        )
        .order_by("id")
        .values_list("entry_id", flat=True)
    )
    return list(missing[:limit] if limit is not None else missing)


def update_vectors(
    entry_ids: Iterable[str], progress: Progress | None = None, embed: Embedder | None = None
) -> int:
    """Bring the vectors of these entries up to date; returns the passages embedded.

    Vectors of gone entries and of changed passages are deleted first, so an entry whose
    embedding fails is left without vectors (and is retried) rather than with a stale one.
    `embed` stands in for the model (`embed_passages`): the relevance benchmark reuses the
    vectors its earlier engines embedded."""
    embed = embed or embed_passages
    entry_ids = list(dict.fromkeys(entry_ids))
    embedded = 0
    for start in range(0, len(entry_ids), ENTRY_BATCH):
        batch = entry_ids[start : start + ENTRY_BATCH]
        embedded += _update_batch(batch, embed)
        if progress:
            progress(len(batch))
    return embedded


def _update_batch(entry_ids: list[str], embed: Embedder) -> int:
    wanted: dict[tuple[str, int], tuple[str, str]] = {}
    for entry in SearchEntry.objects.filter(entry_id__in=entry_ids).only(
        "entry_id", "kind", "title", "text"
    ):
        for number, text in enumerate(passage_texts(entry)):
            wanted[(entry.entry_id, number)] = (text_hash(text), text)
    stored = {
        (entry_id, passage): (pk, digest)
        for pk, entry_id, passage, digest in EntryVector.objects.filter(
            entry_id__in=entry_ids
        ).values_list("pk", "entry_id", "passage", "text_hash")
    }
    outdated = {
        place: pk
        for place, (pk, digest) in stored.items()
        if place not in wanted or wanted[place][0] != digest
    }
    if outdated:
        EntryVector.objects.filter(pk__in=outdated.values()).delete()
    todo = [
        (place, digest, text)
        for place, (digest, text) in wanted.items()
        if place not in stored or stored[place][1] != digest
    ]
    if todo:
        vectors = embed([text for _place, _digest, text in todo])
        with transaction.atomic():
            EntryVector.objects.bulk_create(
                [
                    EntryVector(
                        entry_id=entry_id, passage=passage, text_hash=digest, vector=row.tobytes()
                    )
                    for ((entry_id, passage), digest, _text), row in zip(todo, vectors, strict=True)
                ],
                update_conflicts=True,
                unique_fields=["entry_id", "passage"],
                update_fields=["text_hash", "vector"],
            )
    # The entries themselves were rewritten too (audiences, dates): the matrices reload.
    announce_change()
    changed = {entry_id for (entry_id, _passage), _digest, _text in todo}
    changed |= {entry_id for entry_id, _passage in outdated}
    if changed:
        _push(sorted(changed))
    return len(todo)


def _push(entry_ids: list[str]) -> None:
    """Elasticsearch holds the vectors in its documents: send the entries again."""
    try:
        get_backend().index(entry_ids)
    except BackendUnavailable as error:
        outbox_put(entry_ids, str(error))


def drop_orphaned_vectors() -> int:
    """Delete the vectors of entries that no longer exist (after a rebuild, which replaces
    every entry without looking at the old ones); returns how many."""
    deleted, _by_model = EntryVector.objects.exclude(
        entry_id__in=SearchEntry.objects.values("entry_id")
    ).delete()
    if deleted:
        announce_change()
    return deleted


def fill_missing(progress: Progress | None = None) -> int:
    """Embed every entry that lacks vectors (`manage.py search_index vectors`)."""
    return update_vectors(missing_entry_ids(), progress=progress)
