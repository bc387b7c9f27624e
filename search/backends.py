"""One search interface over two engines, chosen by settings.

Without ELASTICSEARCH_URL the database answers (SQLite FTS5, PostgreSQL full-text search);
with it, an Elasticsearch cluster through the official client, and the database index is kept
as well: it answers while the cluster is down.

Both engines get the same input (clauses from `search.query`, the viewer's audiences) and
return the same `SearchResults`, so facets, permissions and paging behave alike.
"""

from __future__ import annotations

import functools
import logging
import math
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import mark_safe
from elastic_transport import ObjectApiResponse
from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch.helpers import BulkIndexError

from hub.health import CheckResult
from search.analysis import query_tokens
from search.documents import alias_name, new_index
from search.highlight import highlight
from search.models import EntryTopic, OutboxItem, SearchEntry
from search.query import (
    BROADEN_BELOW,
    STRICT,
    AllOf,
    Breadth,
    Clause,
    Formula,
    Phrase,
    all_tokens,
    formula,
    fts5_expression,
    fts5_string,
    reachable,
    settled,
    tsquery_expression,
    tsquery_lexeme,
    typed_tokens,
)
from search.types import FacetValue, SearchHit, SearchRequest, SearchResults

logger = logging.getLogger(__name__)

# Told how many more items are done; whatever it returns is ignored (tqdm's `update` fits).
Progress = Callable[[int], object]

FTS_TABLE = "search_entry_fts"
# Fixed SQL: user input only ever reaches it as a bound parameter.
# Whether anything matches: the full-text index is read first and the first match within the
# audiences ends the search; filtering the entries by audience first would probe every one.
_SQLITE_ANY_MATCH = (
    "SELECT 1 FROM search_entry_fts CROSS JOIN search_searchentry e "
    "ON e.id = search_entry_fts.rowid WHERE search_entry_fts MATCH %s "
    "AND e.audience IN ({audiences}) LIMIT 1"
)
_POSTGRESQL_ANY_MATCH = (
    "SELECT 1 FROM search_searchentry e WHERE e.search_vector @@ to_tsquery('simple', %s) "
    "AND e.audience IN ({audiences}) LIMIT 1"
)
_POSTGRESQL_TITLE_MATCH = "title_vector @@ to_tsquery('simple', %s)"
# PostgreSQL autocomplete sorts a title prefix's matches itself up to this many.
SORTED_TITLE_MATCHES = 500
# CROSS JOIN keeps the full-text index first and its matches go through a top-N sort; asked
# to sort by date, SQLite would otherwise walk the date index over every entry.
_SQLITE_TITLE_SUGGESTIONS = (
    "SELECT e.id FROM search_entry_fts CROSS JOIN search_searchentry e "
    "ON e.id = search_entry_fts.rowid WHERE search_entry_fts MATCH %s "
    "AND e.audience IN ({audiences}) ORDER BY e.date IS NULL, e.date DESC, e.id LIMIT %s"
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


def ticked(request: SearchRequest) -> dict[str, frozenset[str]]:
    """The values the request chose, per facet."""
    return {
        "kind": request.kinds,
        "topic": request.topics,
        "administration_level": request.administration_levels,
        "state": request.states,
    }


def query_facets(query: Query, counts: dict[str, dict[str, int]]) -> dict[str, list[FacetValue]]:
    """Every facet of the answer from its value counts, with the request's choices ticked."""
    return {
        name: facet_values(counts.get(name, {}), query.facet_labels[name], chosen)
        for name, chosen in ticked(query.request).items()
    }


def page_bounds(total: int, request: SearchRequest) -> tuple[int, int]:
    """The page actually shown (out-of-range pages fall back to the nearest one) and the page
    count."""
    num_pages = max(1, math.ceil(total / request.page_size))
    return min(max(1, request.page), num_pages), num_pages


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


# Facets that are columns of the search entry; topics are rows of their own.
_COLUMN_FACETS = ("kind", "administration_level", "state")


@dataclass(frozen=True)
class _Answer:
    total: int
    scored: list[tuple[int, float]]
    counts: dict[str, dict[str, int]]


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

    def matches_anything(self, clauses: list[Clause], audiences: frozenset[str]) -> bool:
        chosen = sorted(audiences)
        if connection.vendor == "postgresql":
            sql, expression = _POSTGRESQL_ANY_MATCH, tsquery_expression(clauses)
        else:
            sql, expression = _SQLITE_ANY_MATCH, fts5_expression(clauses)
        with connection.cursor() as cursor:
            cursor.execute(sql.format(audiences=_placeholders(chosen)), [expression, *chosen])
            return cursor.fetchone() is not None

    # --- answering ---

    @staticmethod
    def _matched_sql(query: Query, breadth: Breadth) -> tuple[str, list]:
        """Every entry the query matches within the viewer's audiences and the date range, with
        its score and facet columns. Only fixed SQL is put together; input is in the params."""
        entries = SearchEntry._meta.db_table
        columns = "e.id, {score} AS score, e.kind, e.administration_level, e.state, e.date"
        params: list = []
        if not query.clauses:
            sql = f"SELECT {columns.format(score='0.0')} FROM {entries} e WHERE 1 = 1"  # noqa: S608
        elif connection.vendor == "postgresql":
            # ts_rank, not ts_rank_cd: cover density costs four times as much per matched row
            # (a broad word matches half of 100,000 entries), and title weight A still counts.
            score = "ts_rank(e.search_vector, q)"
            sql = (
                f"SELECT {columns.format(score=score)} "  # noqa: S608
                f"FROM {entries} e, to_tsquery('simple', %s) q WHERE e.search_vector @@ q"
            )
            params.append(tsquery_expression(query.clauses, breadth))
        else:
            score = f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)"
            sql = (
                f"SELECT {columns.format(score=score)} "  # noqa: S608
                f"FROM {FTS_TABLE} JOIN {entries} e ON e.id = {FTS_TABLE}.rowid "
                f"WHERE {FTS_TABLE} MATCH %s"
            )
            params.append(fts5_expression(query.clauses, breadth))
        audiences = sorted(query.audiences)
        sql += f" AND e.audience IN ({_placeholders(audiences)})"
        params += audiences
        request = query.request
        if request.date_from:
            sql += " AND e.date >= %s"
            params.append(connection.ops.adapt_datetimefield_value(_day_start(request.date_from)))
        if request.date_to:
            sql += " AND e.date <= %s"
            params.append(connection.ops.adapt_datetimefield_value(_day_end(request.date_to)))
        return sql, params

    @staticmethod
    def _chosen(request: SearchRequest, *, leave_out: str = "") -> tuple[str, list]:
        """The facet values ticked, as a condition on matched rows `m` (topics through the
        `chosen_topic` rows of `_answer`); a facet's own counts leave its own choice out, so its
        other values stay selectable."""
        conditions = ["1 = 1"]
        params: list = []
        chosen_values = ticked(request)
        for name in _COLUMN_FACETS:
            values = chosen_values[name]
            if values and name != leave_out:
                chosen = sorted(values)
                conditions.append(f"m.{name} IN ({_placeholders(chosen)})")
                params += chosen
        if request.topics and leave_out != "topic":
            conditions.append("m.id IN (SELECT entry_id FROM chosen_topic)")
        return " AND ".join(conditions), params

    def _answer(self, query: Query, breadth: Breadth, page: int) -> _Answer:
        """Hits of one page, the total and every facet's counts in one statement: the text is
        matched and scored once, and the rows are shared by all parts of the answer."""
        request = query.request
        matched, params = self._matched_sql(query, breadth)
        common = f"WITH matched AS MATERIALIZED ({matched})"
        if request.topics:
            # The entries of the ticked topics, read once: as a subquery in every part,
            # PostgreSQL looks up each matched row's topics again per part (it estimates far
            # too few rows in `matched` to choose a hash join).
            topics = sorted(request.topics)
            common += (
                ", chosen_topic AS MATERIALIZED (SELECT entry_id FROM "  # noqa: S608
                f"{EntryTopic._meta.db_table} WHERE slug IN ({_placeholders(topics)}))"
            )
            params += topics
        if not query.clauses:
            order = "m.date DESC NULLS LAST, m.id DESC"
        elif request.sort == "date":
            order = "m.date DESC NULLS LAST, m.score DESC, m.id"
        else:
            order = "m.score DESC, m.id"
        chosen, chosen_params = self._chosen(request)
        parts = [
            # The page is cut first, so that numbering its rows sorts twenty, not every match.
            "SELECT * FROM (SELECT 'hit' AS part, CAST(NULL AS TEXT) AS value, m.id AS entry, "  # noqa: S608
            f"CAST(m.score AS DOUBLE PRECISION) AS number, ROW_NUMBER() OVER (ORDER BY {order}) "
            f"AS position FROM (SELECT * FROM matched m WHERE {chosen} ORDER BY {order} "
            "LIMIT %s OFFSET %s) m) hits",
            f"SELECT 'total', NULL, NULL, COUNT(*), NULL FROM matched m WHERE {chosen}",  # noqa: S608
        ]
        params += [*chosen_params, request.page_size, (page - 1) * request.page_size]
        params += chosen_params
        for name in _COLUMN_FACETS:
            condition, condition_params = self._chosen(request, leave_out=name)
            parts.append(
                f"SELECT '{name}', m.{name}, NULL, COUNT(*), NULL FROM matched m "  # noqa: S608
                f"WHERE {condition} GROUP BY m.{name}"
            )
            params += condition_params
        condition, condition_params = self._chosen(request, leave_out="topic")
        parts.append(
            f"SELECT 'topic', t.slug, NULL, COUNT(*), NULL FROM matched m "  # noqa: S608
            f"JOIN {EntryTopic._meta.db_table} t ON t.entry_id = m.id "
            f"WHERE {condition} GROUP BY t.slug"
        )
        params += condition_params
        sql = f"{common} " + " UNION ALL ".join(parts)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total = 0
        ranked = []
        counts: dict[str, dict[str, int]] = {}
        for part, value, entry, number, position in rows:
            if part == "hit":
                ranked.append((position, entry, number))
            elif part == "total":
                total = int(number)
            else:
                counts.setdefault(part, {})[value] = int(number)
        scored = [(entry, number) for _position, entry, number in sorted(ranked)]
        return _Answer(total=total, scored=scored, counts=counts)

    def search(self, query: Query) -> SearchResults:
        request = query.request
        # A breadth with few matches is answered quickly, so each step is answered in full
        # and the last one kept.
        answers: dict[Breadth, _Answer] = {}

        def total_at(breadth: Breadth) -> int:
            answers[breadth] = self._answer(query, breadth, request.page)
            return answers[breadth].total

        breadth = settled(query.clauses, STRICT, total_at)
        answer = answers[breadth]
        page, num_pages = page_bounds(answer.total, request)
        if page != request.page:
            answer = self._answer(query, breadth, page)
        entries = SearchEntry.objects.in_bulk([pk for pk, _score in answer.scored])
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
            for pk, score in answer.scored
            if pk in entries
        ]
        return SearchResults(
            hits=hits,
            total=answer.total,
            page=page,
            num_pages=num_pages,
            facets=query_facets(query, answer.counts),
            suggestion=None,
            backend=connection.vendor,
            degraded=False,
        )

    def title_suggestions(
        self, text: str, audiences: frozenset[str], limit: int
    ) -> list[SearchEntry]:
        """Entries whose title has every word typed, the last one as a prefix; newest first,
        undated ones (profiles) last."""
        words = [tokens[0] for tokens in (query_tokens(word) for word in text.split()) if tokens]
        if not words:
            return []
        *complete, last = words
        if connection.vendor == "postgresql":
            lexemes = [tsquery_lexeme(token) for token in complete]
            lexemes.append(f"{tsquery_lexeme(last)}:*")
            condition = RawSQL(  # noqa: S611
                _POSTGRESQL_TITLE_MATCH, [" & ".join(lexemes)], output_field=BooleanField()
            )
            found = SearchEntry.objects.filter(condition, audience__in=audiences)
            entries = _first_title_matches(found, dated=True, limit=limit)
            if len(entries) < limit:
                entries += _first_title_matches(found, dated=False, limit=limit - len(entries))
            return entries
        terms = [fts5_string(token) for token in complete]
        terms.append(fts5_string(last) + "*")
        visible = sorted(audiences)
        with connection.cursor() as cursor:
            cursor.execute(
                _SQLITE_TITLE_SUGGESTIONS.format(audiences=_placeholders(visible)),
                ["title_tokens : (" + " AND ".join(terms) + ")", *visible, limit],
            )
            first = [pk for (pk,) in cursor.fetchall()]
        return _entries_in_order(first)


def _entries_in_order(pks: list[int]) -> list[SearchEntry]:
    entries = SearchEntry.objects.only("title", "url", "kind").in_bulk(pks)
    return [entries[pk] for pk in pks if pk in entries]


def _first_title_matches(
    found: QuerySet[SearchEntry], *, dated: bool, limit: int
) -> list[SearchEntry]:
    """PostgreSQL: the first title matches, newest first (`dated`) or undated in id order. A
    rare prefix is read from the title index and its few hits sorted here; a common one
    (thousands of titles) is found sooner by walking the entries in order, testing each title,
    than by reading and sorting every match."""
    matching = found.filter(date__isnull=not dated)
    hits = list(matching.values_list("id", "date")[: SORTED_TITLE_MATCHES + 1])
    if len(hits) > SORTED_TITLE_MATCHES:
        order = ("-date", "id") if dated else ("id",)
        return list(matching.order_by(*order).only("title", "url", "kind")[:limit])
    hits.sort(key=lambda hit: (-hit[1].timestamp() if dated and hit[1] else 0.0, hit[0]))
    return _entries_in_order([pk for pk, _date in hits[:limit]])


class ElasticsearchSearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, timeout: int) -> None:
        self.client = Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False)

    def health(self) -> CheckResult:
        status = self.client.cluster.health()["status"]
        if status == "red":
            return CheckResult(ok=False, backend=self.name, error="cluster status red")
        return CheckResult(ok=True, backend=self.name)


@functools.cache
def _elasticsearch_backend(url: str, timeout: int) -> ElasticsearchSearchBackend:
    return ElasticsearchSearchBackend(url, timeout)


def get_search_backend() -> DatabaseSearchBackend | ElasticsearchSearchBackend:
    if settings.ELASTICSEARCH_URL:
        return _elasticsearch_backend(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
    return DatabaseSearchBackend()


# --- Elasticsearch: writing, with the outbox for when the cluster cannot be reached --------

# After a failed request the cluster is left alone this long, so pages stay fast.
ELASTICSEARCH_RETRY_SECONDS = 30
_DOWN_CACHE_KEY = "search:elasticsearch-down"
BULK_CHUNK = 1000
BULK_REQUESTS_IN_FLIGHT = 2


class ElasticsearchUnavailable(Exception):
    """The cluster could not be reached or refused the request."""


def _client() -> Elasticsearch:
    backend = get_search_backend()
    if not isinstance(backend, ElasticsearchSearchBackend):
        raise ElasticsearchUnavailable("ELASTICSEARCH_URL is not set")
    return backend.client


def _guarded(call):
    """Run a request against the cluster; turn every transport or API failure into
    ElasticsearchUnavailable and remember the outage for a short while."""
    if cache.get(_DOWN_CACHE_KEY):
        raise ElasticsearchUnavailable("recently unreachable")
    try:
        return call(_client())
    except TransportError as error:
        # Unreachable or timed out: spare the next requests the wait.
        cache.set(_DOWN_CACHE_KEY, True, ELASTICSEARCH_RETRY_SECONDS)
        raise ElasticsearchUnavailable(str(error)) from error
    except (ApiError, BulkIndexError) as error:
        raise ElasticsearchUnavailable(str(error)) from error


def _document(entry: SearchEntry) -> dict:
    return {
        "_index": alias_name(),
        "_id": entry.entry_id,
        "_source": {
            "entry_id": entry.entry_id,
            "key": entry.key,
            "kind": entry.kind,
            "audience": entry.audience,
            "title": entry.title,
            "text": entry.text,
            "url": entry.url,
            "topics": entry.topics,
            "administration_level": entry.administration_level,
            "state": entry.state,
            "date": entry.date.isoformat() if entry.date else None,
        },
    }


def _actions(entry_ids: list[str]) -> list[dict]:
    present = {
        entry.entry_id: entry for entry in SearchEntry.objects.filter(entry_id__in=entry_ids)
    }
    actions = []
    for entry_id in entry_ids:
        if entry_id in present:
            actions.append(_document(present[entry_id]))
        else:
            actions.append({"_op_type": "delete", "_index": alias_name(), "_id": entry_id})
    return actions


def _send(client: Elasticsearch, entry_ids: list[str]) -> None:
    _ensure_alias(client)
    _ok, errors = helpers.bulk(
        client, _actions(entry_ids), chunk_size=BULK_CHUNK, raise_on_error=False
    )
    assert isinstance(errors, list)  # a count only with stats_only
    # Deleting what the index never had is fine; anything else is a failure to retry.
    failures = [
        error
        for error in errors
        if not ("delete" in error and error["delete"].get("status") == 404)
    ]
    if failures:
        raise BulkIndexError(f"{len(failures)} documents failed", failures)


def _ensure_alias(client: Elasticsearch) -> None:
    if not client.indices.exists_alias(name=alias_name()):
        _create_index(client)


def _create_index(client: Elasticsearch) -> str:
    index = new_index()
    index.create(using=client)
    client.indices.update_aliases(actions=[{"add": {"index": index._name, "alias": alias_name()}}])
    return index._name


def _to_outbox(entry_ids: list[str], error: str) -> None:
    # Imported here: search.tasks builds on this module.
    from search.tasks import outbox_replay_schedule

    existing = set(
        OutboxItem.objects.filter(entry_id__in=entry_ids).values_list("entry_id", flat=True)
    )
    OutboxItem.objects.bulk_create(
        [
            OutboxItem(entry_id=entry_id, last_error=error[:1000])
            for entry_id in entry_ids
            if entry_id not in existing
        ],
        ignore_conflicts=True,
    )
    outbox_replay_schedule()


def elasticsearch_sync_entries(entry_ids: list[str]) -> None:
    """Send the current state of these entries to Elasticsearch, if it is configured; when it
    cannot be reached they wait in the outbox for `outbox_replay`."""
    if not settings.ELASTICSEARCH_URL or not entry_ids:
        return
    try:
        _guarded(lambda client: _send(client, entry_ids))
    except ElasticsearchUnavailable as error:
        logger.warning("Elasticsearch unavailable, %d changes to the outbox", len(entry_ids))
        _to_outbox(entry_ids, str(error))


def outbox_replay(*, batch_size: int = 500, progress: Progress | None = None) -> int:
    """Send every waiting change; returns how many were sent. Raises ElasticsearchUnavailable
    when the cluster is still down (what is left stays in the outbox)."""
    cache.delete(_DOWN_CACHE_KEY)
    sent = 0
    while True:
        batch = list(OutboxItem.objects.order_by("id")[:batch_size])
        if not batch:
            return sent
        entry_ids = [item.entry_id for item in batch]
        try:
            _guarded(lambda client, entry_ids=entry_ids: _send(client, entry_ids))
        except ElasticsearchUnavailable as error:
            OutboxItem.objects.filter(pk__in=[item.pk for item in batch]).update(
                attempts=F("attempts") + 1, last_error=str(error)[:1000]
            )
            raise
        OutboxItem.objects.filter(pk__in=[item.pk for item in batch]).delete()
        sent += len(batch)
        if progress:
            progress(len(batch))


def _bulk_request(client: Elasticsearch, actions: list[dict]) -> int:
    _ok, errors = helpers.bulk(client, actions, chunk_size=len(actions), raise_on_error=False)
    assert isinstance(errors, list)  # a count only with stats_only
    if errors:
        raise BulkIndexError(f"{len(errors)} documents failed", errors)
    return len(actions)


def _bulk_load(client: Elasticsearch, index_name: str, progress: Progress | None = None) -> None:
    """Send every database entry to `index_name`. Elasticsearch analyses one bulk request on
    one write thread, so two requests stay in flight while this thread reads the next chunk
    (the database connection stays on this thread)."""
    entries = SearchEntry.objects.order_by("id").iterator(chunk_size=BULK_CHUNK)
    in_flight: deque[Future[int]] = deque()
    with ThreadPoolExecutor(max_workers=BULK_REQUESTS_IN_FLIGHT) as pool:
        while chunk := list(islice(entries, BULK_CHUNK)):
            actions = [{**_document(entry), "_index": index_name} for entry in chunk]
            in_flight.append(pool.submit(_bulk_request, client, actions))
            if len(in_flight) >= BULK_REQUESTS_IN_FLIGHT:
                sent = in_flight.popleft().result()
                if progress:
                    progress(sent)
        while in_flight:
            sent = in_flight.popleft().result()
            if progress:
                progress(sent)


def elasticsearch_rebuild(progress: Progress | None = None) -> str | None:
    """Fill a new index from the database index, then swap the alias to it atomically and
    drop the old indexes. Changes written meanwhile are sent again after the swap."""
    if not settings.ELASTICSEARCH_URL:
        return None
    started = timezone.now()

    def rebuild(client: Elasticsearch) -> str:
        index = new_index()
        # Nobody searches the new index before the alias moves, so refreshing it while it
        # fills would only cost segment merges.
        index.settings(refresh_interval="-1")
        index.create(using=client)
        name = index._name
        _bulk_load(client, name, progress)
        client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=name)
        old = list(client.indices.get_alias(name=alias_name(), ignore_unavailable=True))
        client.indices.update_aliases(
            actions=[
                *({"remove": {"index": old_name, "alias": alias_name()}} for old_name in old),
                {"add": {"index": name, "alias": alias_name()}},
            ]
        )
        for old_name in old:
            client.indices.delete(index=old_name, ignore_unavailable=True)
        return name

    cache.delete(_DOWN_CACHE_KEY)
    name = _guarded(rebuild)
    changed = list(
        SearchEntry.objects.filter(indexed_at__gte=started).values_list("entry_id", flat=True)
    )
    elasticsearch_sync_entries(changed)
    return name


def elasticsearch_create_index() -> None:
    """Create an empty index behind the alias unless it exists (first start, tests)."""
    _guarded(_ensure_alias)


def elasticsearch_delete_indexes() -> None:
    """Remove every index of this prefix (tests clean up their own)."""

    def delete(client: Elasticsearch) -> None:
        client.indices.delete(index=f"{alias_name()}-*", ignore_unavailable=True)

    _guarded(delete)


def elasticsearch_refresh() -> None:
    if settings.ELASTICSEARCH_URL:
        _guarded(lambda client: client.indices.refresh(index=alias_name()))


def elasticsearch_counts() -> dict[str, int]:
    """Things per kind in the index behind the alias (a profile's variants count once)."""

    def count(client: Elasticsearch) -> dict[str, int]:
        response = client.search(
            index=alias_name(),
            size=0,
            aggs={
                "kinds": {
                    "terms": {"field": "kind", "size": 20},
                    "aggs": {
                        "things": {"cardinality": {"field": "key", "precision_threshold": 40000}}
                    },
                }
            },
        )
        return {
            bucket["key"]: bucket["things"]["value"]
            for bucket in response["aggregations"]["kinds"]["buckets"]
        }

    return _guarded(count)


# --- Elasticsearch: answering ---------------------------------------------------------------


def _facet_filters(request: SearchRequest) -> dict[str, dict]:
    filters = {}
    if request.kinds:
        filters["kind"] = {"terms": {"kind": sorted(request.kinds)}}
    if request.topics:
        filters["topic"] = {"terms": {"topics": sorted(request.topics)}}
    if request.administration_levels:
        filters["administration_level"] = {
            "terms": {"administration_level": sorted(request.administration_levels)}
        }
    if request.states:
        filters["state"] = {"terms": {"state": sorted(request.states)}}
    return filters


_FACET_FIELDS = {
    "kind": "kind",
    "topic": "topics",
    "administration_level": "administration_level",
    "state": "state",
}


def _formula_query(item: Formula, field: str, typed: frozenset[str]) -> dict:
    """The database's match formula as an Elasticsearch query on analysed tokens: the same
    documents match on every backend. Only the words as typed (`typed`) may be mistyped
    (fuzziness); a compound part was found in the word-part list, so it is spelt right, and
    expanding three-letter parts such as "amt" to every near word costs time for noise."""
    if isinstance(item, str):
        if item not in typed:
            return {"term": {field: item}}
        return {
            "match": {
                field: {
                    "query": item,
                    "analyzer": "keyword",
                    "fuzziness": "AUTO",
                    "prefix_length": 1,
                }
            }
        }
    if isinstance(item, Phrase):
        return {"match_phrase": {field: item.text}}
    parts = [_formula_query(part, field, typed) for part in item.parts]
    if isinstance(item, AllOf):
        return {"bool": {"must": parts}}
    return {"bool": {"should": parts, "minimum_should_match": 1}}


def _baseline_query(query: Query, breadth: Breadth) -> dict:
    """Elasticsearch's plain `german` analyzer on the user's words, for the relevance
    baseline."""
    clauses: list[dict[str, Any]] = []
    for clause in query.clauses:
        text = clause.alternatives[0].text
        if clause.alternatives[0].phrase:
            clauses.append({"match_phrase": {"content.baseline": text}})
        else:
            clauses.append(
                {
                    "match": {
                        "content.baseline": {
                            "query": text,
                            "operator": "and",
                            "fuzziness": "AUTO",
                            "prefix_length": 1,
                        }
                    }
                }
            )
    boosts = [
        {"match": {"title.baseline": {"query": clause.text, "boost": TITLE_WEIGHT}}}
        for clause in query.clauses
    ]
    if breadth.every_clause:
        return {"bool": {"must": clauses, "should": boosts}}
    return {"bool": {"should": clauses + boosts, "minimum_should_match": 1}}


def _match_query(query: Query, breadth: Breadth, *, baseline: bool) -> dict:
    if baseline:
        return _baseline_query(query, breadth)
    boosts = [
        {"match": {"title": {"query": alternative.text, "boost": TITLE_WEIGHT}}}
        for clause in query.clauses
        for alternative in clause.alternatives
    ]
    typed = typed_tokens(query.clauses)
    matching = _formula_query(formula(query.clauses, breadth), "content", typed)
    return {"bool": {"must": [matching], "should": boosts}}


def _base_filters(query: Query) -> list[dict]:
    request = query.request
    filters: list[dict] = [{"terms": {"audience": sorted(query.audiences)}}]
    date_range = {}
    if request.date_from:
        date_range["gte"] = _day_start(request.date_from).isoformat()
    if request.date_to:
        date_range["lte"] = _day_end(request.date_to).isoformat()
    if date_range:
        filters.append({"range": {"date": date_range}})
    return filters


def _search_body(query: Query, breadth: Breadth, *, baseline: bool, page: int) -> dict:
    request = query.request
    facet_filters = _facet_filters(request)
    if query.clauses:
        must = [_match_query(query, breadth, baseline=baseline)]
    else:
        must = [{"match_all": {}}]
    aggregations = {}
    for name, field in _FACET_FIELDS.items():
        others = [condition for other, condition in facet_filters.items() if other != name]
        aggregations[name] = {
            "filter": {"bool": {"filter": others}},
            "aggs": {"values": {"terms": {"field": field, "size": 100}}},
        }
    if request.sort == "date" or not query.clauses:
        sort = [{"date": {"order": "desc", "missing": "_last"}}, "_score", {"entry_id": "asc"}]
    else:
        sort = ["_score", {"entry_id": "asc"}]
    return {
        "query": {"bool": {"must": must, "filter": _base_filters(query)}},
        "post_filter": {"bool": {"filter": list(facet_filters.values())}},
        "aggs": aggregations,
        "sort": sort,
        "from": (page - 1) * request.page_size,
        "size": request.page_size,
        "track_total_hits": True,
        "highlight": {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "require_field_match": False,
            "fields": {
                ("text.baseline" if baseline else "text"): {
                    "fragment_size": 240,
                    "number_of_fragments": 1,
                }
            },
        },
    }


def _count_body(query: Query, breadth: Breadth, *, baseline: bool) -> dict:
    """Whether a breadth has enough matches: counted up to BROADEN_BELOW, unscored, with
    every filter the search applies."""
    filters = [*_base_filters(query), *_facet_filters(query.request).values()]
    return {
        "query": {"bool": {"filter": [_match_query(query, breadth, baseline=baseline), *filters]}},
        "size": 0,
        "track_total_hits": BROADEN_BELOW,
    }


def _multi_search(client: Elasticsearch, bodies: list[dict]) -> list[dict]:
    """Several searches in one request; the cluster runs them side by side."""
    searches: list[dict] = []
    for body in bodies:
        searches += [{}, body]
    responses = client.msearch(index=alias_name(), searches=searches)["responses"]
    for response in responses:
        if "error" in response:
            raise ElasticsearchUnavailable(str(response["error"]))
    return responses


def elasticsearch_search(query: Query, *, baseline: bool = False) -> SearchResults:
    request = query.request

    def run(breadth: Breadth, page: int) -> dict:
        body = _search_body(query, breadth, baseline=baseline, page=page)
        return _guarded(lambda client: client.search(index=alias_name(), body=body))

    # The baseline's analyzer knows no compound heads to fall back on.
    start = Breadth(heads=True) if baseline else STRICT
    steps = reachable(query.clauses, start)
    if len(steps) == 1:
        response = run(start, request.page)
        breadth = start
    else:
        # Every step a query may take costs a whole search (aggregations, highlights) even
        # when little matches. So the broader steps are only counted, in the same request
        # as the first search, and at most one more search is needed.
        first = _search_body(query, start, baseline=baseline, page=request.page)
        counts = [_count_body(query, step, baseline=baseline) for step in steps[1:]]
        responses = _guarded(lambda client: _multi_search(client, [first, *counts]))
        totals = {
            step: answer["hits"]["total"]["value"]
            for step, answer in zip(steps, responses, strict=True)
        }
        breadth = settled(query.clauses, start, totals.__getitem__)
        response = responses[0] if breadth == start else run(breadth, request.page)
    total = response["hits"]["total"]["value"]
    page, num_pages = page_bounds(total, request)
    if page != request.page:
        response = run(breadth, page)
    tokens = all_tokens(query.clauses)
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        fragments: list[str] = next(iter(hit.get("highlight", {}).values()), [])
        snippet = (
            mark_safe(fragments[0])  # noqa: S308 - Elasticsearch escaped it (encoder html)
            if fragments
            else highlight(source.get("text") or source["title"], tokens)
        )
        hits.append(
            SearchHit(
                kind=source["kind"],
                key=source["key"],
                title=source["title"],
                url=source["url"],
                snippet=snippet,
                date=datetime.fromisoformat(source["date"]) if source.get("date") else None,
                score=float(hit.get("_score") or 0.0),
            )
        )
    facets = query_facets(
        query,
        {
            name: {
                bucket["key"]: bucket["doc_count"]
                for bucket in response["aggregations"][name]["values"]["buckets"]
            }
            for name in _FACET_FIELDS
        },
    )
    return SearchResults(
        hits=hits,
        total=total,
        page=page,
        num_pages=num_pages,
        facets=facets,
        suggestion=None,
        backend="elasticsearch",
        degraded=False,
    )


def elasticsearch_title_suggestions(text: str, audiences: frozenset[str], limit: int) -> list[dict]:
    def run(client: Elasticsearch) -> ObjectApiResponse[Any]:
        return client.search(
            index=alias_name(),
            query={
                "bool": {
                    "must": [
                        # Every word typed, the last one as a prefix, in the title.
                        {"match_bool_prefix": {"title": {"query": text, "operator": "and"}}}
                    ],
                    "filter": [{"terms": {"audience": sorted(audiences)}}],
                }
            },
            size=limit,
            # Elasticsearch takes a list of fields here; the client's type leaves lists out.
            source=["title", "url", "kind"],  # type: ignore[arg-type]
        )

    response = _guarded(run)
    return [
        {
            "label": hit["_source"]["title"],
            "url": hit["_source"]["url"],
            "kind": hit["_source"]["kind"],
        }
        for hit in response["hits"]["hits"]
    ]
