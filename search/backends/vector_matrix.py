"""Nearest passages for the database backends: brute force with numpy over every stored
vector, held in memory per process.

Why brute force: one matrix product over 100,000 entries' passages takes milliseconds and
needs nothing installed in the database (pgvector needs a server extension, sqlite-vec also
scans every blob and would read them from disk on each query). The matrix is loaded again
when `search.vectors` announces new vectors (a generation in the shared cache). Audiences and
dates in the matrix only pre-select: the database backend checks every candidate against the
stored entries, which are the truth, before it is shown.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.core.cache import cache

from search.embedding import DIMENSIONS
from search.models import EntryVector, SearchEntry

GENERATION_KEY = "search:vectors-generation"
# Candidate passages read per wanted entry: an entry has up to three passages, and a few
# candidates are dropped by the check against the stored entries.
CANDIDATES_PER_ENTRY = 4


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
_lock = threading.Lock()


def announce_change() -> None:
    """Stored vectors or entries changed: every process loads its matrix again."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return str(generation)


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
    global _loaded
    generation = _generation()
    loaded = _loaded
    if loaded is not None and loaded.generation == generation:
        return loaded
    with _lock:
        if _loaded is None or _loaded.generation != generation:
            _loaded = _load(generation)
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
