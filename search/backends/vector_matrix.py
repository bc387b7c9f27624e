"""Nearest passages for the database backends: brute force with numpy over every stored
vector, held in memory per process.

Why brute force: one matrix product over 100,000 entries' passages takes milliseconds and
needs nothing installed in the database (pgvector needs a server extension, sqlite-vec also
scans every blob and would read them from disk on each query). The matrix is loaded again when
the stored rows changed: the process that wrote them at once (`announce_change`), every other
process (a web server while `search_index vectors` or a task worker embeds) within a second, by a
stamp of the tables it reads (the newest vector id, the newest entry write). The
stamp lives in the database, not the cache: without Redis each process has a cache of its own.
Audiences and dates in the matrix only pre-select: the database backend checks every candidate
against the stored entries, which are the truth, before it is shown.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import Max

from search.embedding import DIMENSIONS
from search.models import EntryVector, SearchEntry

# How long a process trusts its matrix before it compares the tables' stamp again.
RECHECK_SECONDS = 1.0
# Candidate passages read per wanted entry: an entry has up to MAX_PASSAGES (4) passages, and
# a few candidates are dropped by the check against the stored entries.
CANDIDATES_PER_ENTRY = 5


@dataclass(frozen=True)
class _Matrix:
    generation: str
    entry_ids: list[str]
    keys: list[str]
    kinds: np.ndarray
    audiences: np.ndarray
    dates: np.ndarray  # POSIX seconds, NaN for undated entries
    vectors: np.ndarray  # float32, one L2-normalised row per passage
    audience_codes: dict[str, int]
    kind_codes: dict[str, int]


_loaded: _Matrix | None = None
_checked_at = 0.0
_lock = threading.Lock()


def announce_change() -> None:
    """Stored vectors or entries changed: this process loads its matrix again on its next
    search; other processes notice the new stamp within RECHECK_SECONDS."""
    global _loaded
    _loaded = None


def _stamp() -> str:
    """Changes whenever rows are added to what the matrix is made of: changed vectors are
    deleted and inserted anew (`search.vectors`), so they get new ids, and every stored entry
    gets a new `indexed_at`. Two index lookups (a row count read every vector, 25 ms at
    100,000 entries on SQLite). Deletions alone leave the stamp: the matrix keeps the gone
    rows, and the check of every candidate against the stored entries drops them."""
    newest_vector = EntryVector.objects.aggregate(newest=Max("pk"))["newest"]
    newest_entry = SearchEntry.objects.aggregate(newest=Max("indexed_at"))["newest"]
    return f"{newest_vector}:{newest_entry}"


def _codes(values: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    codes: dict[str, int] = {}
    array = np.fromiter((codes.setdefault(value, len(codes)) for value in values), dtype=np.int32)
    return array, codes


def _load(generation: str) -> _Matrix:
    entries = {
        entry_id: (key, kind, audience, date.timestamp() if date else np.nan)
        for entry_id, key, kind, audience, date in SearchEntry.objects.values_list(
            "entry_id", "key", "kind", "audience", "date"
        ).iterator(chunk_size=5000)
    }
    entry_ids: list[str] = []
    blobs: list[bytes] = []
    for entry_id, vector in (
        EntryVector.objects.order_by("entry_id", "passage")
        .values_list("entry_id", "vector")
        .iterator(chunk_size=5000)
    ):
        if entry_id in entries:
            entry_ids.append(entry_id)
            blobs.append(vector)
    vectors = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, DIMENSIONS)
    columns = [entries[entry_id] for entry_id in entry_ids]
    kinds, kind_codes = _codes([column[1] for column in columns])
    audiences, audience_codes = _codes([column[2] for column in columns])
    return _Matrix(
        generation=generation,
        entry_ids=entry_ids,
        keys=[column[0] for column in columns],
        kinds=kinds,
        audiences=audiences,
        dates=np.array([column[3] for column in columns], dtype=np.float64),
        vectors=vectors,
        audience_codes=audience_codes,
        kind_codes=kind_codes,
    )


def _matrix() -> _Matrix:
    global _loaded, _checked_at
    loaded = _loaded
    now = time.monotonic()
    if loaded is not None and now - _checked_at < RECHECK_SECONDS:
        return loaded
    stamp = _stamp()
    _checked_at = now
    if loaded is not None and loaded.generation == stamp:
        return loaded
    with _lock:
        if _loaded is None or _loaded.generation != stamp:
            _loaded = _load(stamp)
        return _loaded


def _among(codes: dict[str, int], column: np.ndarray, values: frozenset[str]) -> np.ndarray:
    return np.isin(column, [codes[value] for value in values if value in codes])


def nearest_entry_ids(
    vector: np.ndarray,
    *,
    audiences: frozenset[str],
    kinds: frozenset[str],
    since: datetime | None,
    until: datetime | None,
    exclude_keys: frozenset[str],
    limit: int,
    floor: float,
) -> list[tuple[str, float]]:
    """Entry ids whose best passage is most similar to `vector` (at least `floor`), best
    first, with that similarity: candidates, to be checked against the stored entries."""
    matrix = _matrix()
    if not matrix.entry_ids or limit < 1:
        return []
    scores = matrix.vectors @ vector.astype(np.float32)
    allowed = _among(matrix.audience_codes, matrix.audiences, audiences) & (scores >= floor)
    if kinds:
        allowed &= _among(matrix.kind_codes, matrix.kinds, kinds)
    if since is not None:
        allowed &= matrix.dates >= since.timestamp()
    if until is not None:
        allowed &= matrix.dates <= until.timestamp()
    rows = np.flatnonzero(allowed)
    wanted = min(len(rows), (limit + len(exclude_keys)) * CANDIDATES_PER_ENTRY)
    if not wanted:
        return []
    best = rows[np.argpartition(-scores[rows], wanted - 1)[:wanted]]
    best = best[np.argsort(-scores[best], kind="stable")]
    found: dict[str, float] = {}
    for row in best:
        entry_id = matrix.entry_ids[row]
        if entry_id not in found and matrix.keys[row] not in exclude_keys:
            found[entry_id] = float(scores[row])
            if len(found) >= limit * 2:
                break
    return list(found.items())
