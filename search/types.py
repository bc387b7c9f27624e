"""The values of the query API (Contract B), shared by `search.api` and the backends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.safestring import SafeString

FACET_NAMES = ("kind", "topic", "administration_level", "state")
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class SearchRequest:
    text: str
    kinds: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    administration_levels: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class SearchHit:
    kind: str
    key: str
    title: str
    url: str
    snippet: SafeString
    date: datetime | None
    score: float
    # Found by the meaning of the query alone: the text shares none of its words.
    by_meaning: bool = False


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    total: int
    page: int
    num_pages: int
    facets: dict[str, list[FacetValue]]
    suggestion: str | None
    backend: str
    degraded: bool
    # Of `total`, the entries found by meaning alone, sharing no word with the query: counted
    # by the hybrid search among the matches it read, so exact whenever fewer entries match
    # than it reads (a page when sorted by date, 50 when ranked).
    meaning_only: int = 0

    @property
    def word_matches(self) -> int:
        """How many entries the query's words found: what "Meinten Sie …?" and the content
        gaps go by, since a text found by meaning may still not be what was asked for."""
        return self.total - self.meaning_only
