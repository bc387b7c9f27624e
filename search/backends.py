"""One search interface over two engines, chosen by settings.

Without ELASTICSEARCH_URL the database answers (SQLite FTS5, PostgreSQL full-text search);
with it, an Elasticsearch cluster through the official client, and the database index is kept
as well: it answers while the cluster is down.

Both engines get the same input (clauses from `search.query`, the viewer's audiences) and
return the same `SearchResults`, so facets, permissions and paging behave alike.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from elasticsearch import Elasticsearch

from hub.health import CheckResult
from search.highlight import highlight
from search.models import EntryTopic, SearchEntry
from search.query import Clause, all_tokens, fts5_expression, tsquery_expression
from search.types import FacetValue, SearchHit, SearchRequest, SearchResults

logger = logging.getLogger(__name__)

FTS_TABLE = "search_entry_fts"
# Fixed SQL: user input only ever reaches it as a bound parameter.
_SQLITE_MATCH_IDS = "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s"
_POSTGRESQL_MATCH_IDS = (
    "SELECT id FROM search_searchentry WHERE search_vector @@ to_tsquery('simple', %s)"
)
# Title matches count four times as much as body matches.
TITLE_WEIGHT = 4.0


@dataclass(frozen=True)
class Query:
    """A search request made concrete for a backend: parsed clauses and who is asking."""

    request: SearchRequest
    clauses: list[Clause]
    audiences: frozenset[str]
    facet_labels: dict[str, dict[str, str]]


def facet_values(
    counts: dict[str, int], labels: dict[str, str], selected: Iterable[str]
) -> list[FacetValue]:
    """Known values with hits, plus the selected ones (so they can be unticked), by count."""
    selected = set(selected)
    values = [
        FacetValue(value=value, label=labels[value], count=counts.get(value, 0), selected=True)
        for value in selected
        if value in labels
    ]
    values += [
        FacetValue(value=value, label=labels[value], count=count, selected=False)
        for value, count in counts.items()
        if value in labels and value not in selected and count
    ]
    return sorted(values, key=lambda facet: (-facet.count, facet.label))


def page_bounds(total: int, request: SearchRequest) -> tuple[int, int]:
    """The page actually shown (out-of-range pages fall back to the nearest one) and the page
    count."""
    num_pages = max(1, math.ceil(total / request.page_size))
    return min(max(1, request.page), num_pages), num_pages


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_end(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


class DatabaseSearchBackend:
    name = "database"

    @property
    def engine(self) -> str:
        return connection.vendor

    def health(self) -> CheckResult:
        """Prove the database can do full-text search, not merely that it answers."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("CREATE VIRTUAL TABLE temp.kollegium_healthz USING fts5(body)")
                cursor.execute("DROP TABLE temp.kollegium_healthz")
                engine = "sqlite-fts5"
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT to_tsvector('german', 'Bürgerbeteiligung')")
                engine = "postgresql-fts"
            else:
                return CheckResult(ok=False, backend=self.name, error="unsupported database")
        return CheckResult(ok=True, backend=engine)

    # --- matching ---

    def _match_ids(self, clauses: list[Clause], *, require_all: bool) -> RawSQL:
        if connection.vendor == "postgresql":
            return RawSQL(  # noqa: S611
                _POSTGRESQL_MATCH_IDS, [tsquery_expression(clauses, require_all=require_all)]
            )
        return RawSQL(  # noqa: S611
            _SQLITE_MATCH_IDS, [fts5_expression(clauses, require_all=require_all)]
        )

    def _ranked_sql(
        self, clauses: list[Clause], *, require_all: bool, filtered: QuerySet, sort: str
    ) -> tuple[str, list]:
        """SQL for (id, score) of matching rows within `filtered`, best (or newest) first.
        Only the ORM's own SQL and constants are put together; user input is in the params."""
        filter_sql, filter_params = filtered.values("id").query.sql_with_params()
        order = "e.date DESC NULLS LAST, score DESC, e.id" if sort == "date" else "score DESC, e.id"
        if connection.vendor == "postgresql":
            sql = (
                "SELECT e.id, ts_rank_cd(e.search_vector, q) AS score "  # noqa: S608
                "FROM search_searchentry e, to_tsquery('simple', %s) q "
                f"WHERE e.search_vector @@ q AND e.id IN ({filter_sql}) ORDER BY {order}"
            )
            return sql, [tsquery_expression(clauses, require_all=require_all), *filter_params]
        sql = (
            f"SELECT e.id, -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS score "  # noqa: S608
            f"FROM {FTS_TABLE} JOIN search_searchentry e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND e.id IN ({filter_sql}) ORDER BY {order}"
        )
        return sql, [fts5_expression(clauses, require_all=require_all), *filter_params]

    # --- filtering ---

    @staticmethod
    def _filters(query: Query, *, leave_out: str = "") -> Q:
        request = query.request
        condition = Q(audience__in=query.audiences)
        if request.kinds and leave_out != "kind":
            condition &= Q(kind__in=request.kinds)
        if request.topics and leave_out != "topic":
            condition &= Q(
                id__in=EntryTopic.objects.filter(slug__in=request.topics).values("entry_id")
            )
        if request.administration_levels and leave_out != "administration_level":
            condition &= Q(administration_level__in=request.administration_levels)
        if request.states and leave_out != "state":
            condition &= Q(state__in=request.states)
        if request.date_from:
            condition &= Q(date__gte=_day_start(request.date_from))
        if request.date_to:
            condition &= Q(date__lte=_day_end(request.date_to))
        return condition

    def _base(self, query: Query, require_all: bool, *, leave_out: str = "") -> QuerySet:
        entries = SearchEntry.objects.filter(self._filters(query, leave_out=leave_out))
        if query.clauses:
            entries = entries.filter(id__in=self._match_ids(query.clauses, require_all=require_all))
        return entries

    def _facets(self, query: Query, require_all: bool) -> dict[str, list[FacetValue]]:
        request = query.request
        selected = {
            "kind": request.kinds,
            "topic": request.topics,
            "administration_level": request.administration_levels,
            "state": request.states,
        }
        facets = {}
        for name, column in (
            ("kind", "kind"),
            ("administration_level", "administration_level"),
            ("state", "state"),
        ):
            rows = (
                self._base(query, require_all, leave_out=name)
                .order_by()
                .values_list(column)
                .annotate(count=Count("id"))
            )
            facets[name] = facet_values(dict(rows), query.facet_labels[name], selected[name])
        topic_rows = (
            EntryTopic.objects.filter(
                entry_id__in=self._base(query, require_all, leave_out="topic").values("id")
            )
            .order_by()
            .values_list("slug")
            .annotate(count=Count("id"))
        )
        facets["topic"] = facet_values(
            dict(topic_rows), query.facet_labels["topic"], selected["topic"]
        )
        return facets

    # --- answering ---

    def matches_anything(self, clauses: list[Clause], audiences: frozenset[str]) -> bool:
        return (
            SearchEntry.objects.filter(audience__in=audiences)
            .filter(id__in=self._match_ids(clauses, require_all=True))
            .exists()
        )

    def search(self, query: Query) -> SearchResults:
        request = query.request
        require_all = True
        total = self._base(query, require_all).count()
        if not total and len(query.clauses) > 1:
            # Nothing has every word: show what has some of them rather than nothing.
            require_all = False
            total = self._base(query, require_all).count()
        page, num_pages = page_bounds(total, request)
        offset = (page - 1) * request.page_size
        if query.clauses:
            sql, params = self._ranked_sql(
                query.clauses,
                require_all=require_all,
                filtered=SearchEntry.objects.filter(self._filters(query)),
                sort=request.sort,
            )
            with connection.cursor() as cursor:
                cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, request.page_size, offset])
                scored = cursor.fetchall()
        else:
            scored = [
                (pk, 0.0)
                for pk in self._base(query, require_all)
                .order_by("-date", "-id")
                .values_list("id", flat=True)[offset : offset + request.page_size]
            ]
        entries = SearchEntry.objects.in_bulk([pk for pk, _score in scored])
        tokens = all_tokens(query.clauses)
        hits = [
            SearchHit(
                kind=entries[pk].kind,
                key=entries[pk].key,
                title=entries[pk].title,
                url=entries[pk].url,
                snippet=highlight(entries[pk].text or entries[pk].title, tokens),
                date=entries[pk].date,
                score=float(score or 0.0),
            )
            for pk, score in scored
            if pk in entries
        ]
        return SearchResults(
            hits=hits,
            total=total,
            page=page,
            num_pages=num_pages,
            facets=self._facets(query, require_all),
            suggestion=None,
            backend=connection.vendor,
            degraded=False,
        )

    def title_suggestions(
        self, prefix_clauses: list[Clause], audiences: frozenset[str], limit: int
    ) -> list[SearchEntry]:
        """Entries whose title starts words with what was typed (the last word a prefix)."""
        if not prefix_clauses:
            return []
        *complete, last = [
            alt.tokens for clause in prefix_clauses for alt in clause.alternatives[:1]
        ]
        tokens = [token for group in complete for token in group]
        if connection.vendor == "postgresql":
            lexemes = [f"'{t.replace(chr(39), chr(39) * 2)}':A" for t in tokens]
            lexemes += [f"'{t.replace(chr(39), chr(39) * 2)}':*A" for t in last]
            condition = RawSQL(
                "SELECT id FROM search_searchentry WHERE search_vector @@ to_tsquery('simple', %s)",
                [" & ".join(lexemes)],
            )
        else:
            terms = ['"' + t.replace('"', '""') + '"' for t in tokens]
            terms += ['"' + t.replace('"', '""') + '"*' for t in last]
            condition = RawSQL(  # noqa: S611
                _SQLITE_MATCH_IDS, ["title_tokens : (" + " AND ".join(terms) + ")"]
            )
        return list(
            SearchEntry.objects.filter(audience__in=audiences, id__in=condition)
            .order_by("-date", "id")
            .only("title", "url", "kind")[:limit]
        )


class ElasticsearchSearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, timeout: int) -> None:
        self.client = Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False)

    def health(self) -> CheckResult:
        status = self.client.cluster.health()["status"]
        if status == "red":
            return CheckResult(ok=False, backend=self.name, error="cluster status red")
        return CheckResult(ok=True, backend=self.name)


@cache
def _elasticsearch_backend(url: str, timeout: int) -> ElasticsearchSearchBackend:
    return ElasticsearchSearchBackend(url, timeout)


def get_search_backend() -> DatabaseSearchBackend | ElasticsearchSearchBackend:
    if settings.ELASTICSEARCH_URL:
        return _elasticsearch_backend(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
    return DatabaseSearchBackend()


def elasticsearch_sync_entries(entry_ids: list[str]) -> None:
    """Send the current state of these entries to Elasticsearch, if it is configured."""
    if not settings.ELASTICSEARCH_URL or not entry_ids:
        return


def elasticsearch_rebuild() -> None:
    if not settings.ELASTICSEARCH_URL:
        return


class ElasticsearchUnavailable(Exception):
    """The cluster could not be reached or refused the request."""


def elasticsearch_search(query: Query, *, baseline: bool = False) -> SearchResults:
    raise ElasticsearchUnavailable("not configured")


def elasticsearch_title_suggestions(text: str, audiences: frozenset[str], limit: int) -> list[dict]:
    raise ElasticsearchUnavailable("not configured")


def elasticsearch_create_index() -> None:
    return


def elasticsearch_delete_indexes() -> None:
    return


def elasticsearch_refresh() -> None:
    return
