"""One search interface over two engines, chosen by settings.

Without ELASTICSEARCH_URL the database answers (SQLite FTS5, PostgreSQL full-text search);
with it, an Elasticsearch cluster through the official client, and the database keeps every
entry as well: it answers while the cluster is down.

Both backends get the same input (clauses from `search.query`, the viewer's audiences) and
return the same `SearchResults`, so facets, permissions and paging behave alike.
"""

from __future__ import annotations

from django.conf import settings

from search.backends.base import BackendUnavailable, Query, SearchBackend, Suggestion
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend, ElasticsearchUnavailable

__all__ = [
    "BACKEND_NAMES",
    "BackendUnavailable",
    "DatabaseBackend",
    "ElasticsearchBackend",
    "ElasticsearchUnavailable",
    "Query",
    "SearchBackend",
    "Suggestion",
    "backend_named",
    "get_backend",
]

# For benchmarks: "elasticsearch-baseline" searches the plain `german`-analysed fields.
BACKEND_NAMES = ("database", "elasticsearch", "elasticsearch-baseline")


def get_backend() -> SearchBackend:
    """The backend settings chose: Elasticsearch when ELASTICSEARCH_URL is set."""
    if settings.ELASTICSEARCH_URL:
        return ElasticsearchBackend()
    return DatabaseBackend()


def backend_named(name: str) -> SearchBackend:
    """A backend by name, whatever settings chose (Elasticsearch must still be configured to
    answer)."""
    if name == "database":
        return DatabaseBackend()
    if name in ("elasticsearch", "elasticsearch-baseline"):
        return ElasticsearchBackend(baseline=name == "elasticsearch-baseline")
    raise ValueError(f"Unknown backend {name!r}; choose one of {BACKEND_NAMES}")
