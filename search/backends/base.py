"""The interface every search backend implements.

The stored entries (`search.models.SearchEntry`, written by `search.indexing`) are the truth:
the database backend answers from them directly, and an Elasticsearch backend is a copy that
`index` and `delete` keep in step. Callers (`search.api`, `search.indexing`, `search.outbox`,
the management command) use these methods only, whichever backend settings chose.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from core.health import CheckResult
from search.query import Clause
from search.types import SearchRequest, SearchResults

# Title matches count four times as much as body matches, on every backend.
TITLE_WEIGHT = 4.0
# The rank of a match, the same on every backend: each clause of the query the text meets adds
# COVERAGE_WEIGHT, each clause its title meets as typed (not by a compound's head alone) adds
# TITLE_COVERAGE_WEIGHT, and the engine's relevance score, which stays far below both, orders
# texts that meet as much of the query. A text with one clause more always ranks higher:
# even MAX_CLAUSES (32) title clauses weigh less than half a clause. When a query is broadened
# to compound heads (`search.query.Breadth.heads`), a clause the text meets only through a head
# ("Landratsamt" for "Bürgeramt") adds HEAD_COVERAGE_WEIGHT, half of a clause met as typed.
COVERAGE_WEIGHT = 100_000.0
HEAD_COVERAGE_WEIGHT = COVERAGE_WEIGHT / 2
TITLE_COVERAGE_WEIGHT = 1_000.0

Progress = Callable[[int], object]


class BackendUnavailable(Exception):
    """The backend could not be reached or refused the request."""


@dataclass(frozen=True)
class Query:
    """A search request made concrete for a backend: parsed clauses and who is asking."""

    request: SearchRequest
    clauses: list[Clause]
    audiences: frozenset[str]
    facet_labels: dict[str, dict[str, str]]
    # Entries found by meaning (`search.api`'s hybrid search): they count as matches besides
    # those of the words, in the total and the facets, and rank below every match of the words
    # (score 0) until `search.fusion` orders them.
    also: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VectorMatch:
    """An entry found by meaning: its id and the cosine similarity of its best passage."""

    entry_id: str
    similarity: float


def is_word_match(score: float) -> bool:
    """Whether a hit's score is that of a match of the words rather than an entry added by
    meaning alone (`Query.also`): every match of the words meets at least one clause, if only
    through a compound's head."""
    return score >= HEAD_COVERAGE_WEIGHT


def clauses_met(score: float) -> float:
    """How many clauses of the query a match of the words meets, from its score (every
    backend ranks by COVERAGE_WEIGHT per clause met, half of it for a clause met through a
    compound's head alone; the rest stays below half a clause)."""
    return (score // HEAD_COVERAGE_WEIGHT) / 2


class Suggestion(TypedDict):
    """One line of the autocomplete list."""

    label: str
    url: str
    kind: str


class SearchBackend(ABC):
    """One search engine. Reads take the viewer's audiences, so every backend applies the same
    permissions; writes take entry ids and read the entries' current state from the database."""

    @abstractmethod
    def health(self) -> CheckResult:
        """Whether the engine can search now (for the health endpoint)."""

    @abstractmethod
    def search(self, query: Query) -> SearchResults:
        """One page of hits with the total and every facet's counts. Raises BackendUnavailable."""

    @abstractmethod
    def vector_search(
        self,
        query: Query,
        vector: np.ndarray,
        *,
        limit: int,
        floor: float,
        kinds: frozenset[str] = frozenset(),
        exclude_keys: frozenset[str] = frozenset(),
    ) -> list[VectorMatch]:
        """The entries whose best passage is most similar to `vector`, at least `floor`, best
        first: within the query's audiences and date range (and `kinds` if given), never the
        things of `exclude_keys`. The other facet filters are the caller's, so that facet counts
        can leave a facet's own choice out. Raises BackendUnavailable."""

    @abstractmethod
    def suggest(self, text: str, audiences: frozenset[str], limit: int) -> list[Suggestion]:
        """Titles the audiences may see that hold every word typed, the last one as a prefix.
        Raises BackendUnavailable."""

    @abstractmethod
    def index(self, entry_ids: list[str]) -> None:
        """Hold these stored entries as they are now; an id no longer stored is removed (the
        outbox replays ids whose entries were deleted meanwhile). Raises BackendUnavailable."""

    @abstractmethod
    def delete(self, entry_ids: list[str]) -> None:
        """Forget these entries. Raises BackendUnavailable."""

    @abstractmethod
    def rebuild(self, progress: Progress | None = None) -> None:
        """Rebuild from every stored entry (called after the entries themselves were rebuilt);
        `progress` is called with the number of entries done. Raises BackendUnavailable."""

    @abstractmethod
    def refresh(self) -> None:
        """Make every write so far visible to searches."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Things per kind the backend holds (a profile's variants count once)."""

    @abstractmethod
    def reconnect(self) -> None:
        """Try the engine on the next request even if it failed a moment ago (a replay)."""

    @property
    def fallback(self) -> SearchBackend | None:
        """Who answers while this backend cannot, or finds no title to suggest."""
        return None
