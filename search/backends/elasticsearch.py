"""The Elasticsearch backend: a copy of the stored entries in an index behind an alias
(`search.documents`), searched with the same match formula as the database.

Every request goes through `_guarded`: a failure becomes ElasticsearchUnavailable, and after a
connection failure the cluster is left alone for a while so pages stay fast. Writes that fail
are the caller's to keep (`search.outbox`).
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import mark_safe
from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch.helpers import BulkIndexError

from core.health import CheckResult
from search.backends.base import (
    BackendUnavailable,
    Progress,
    Query,
    SearchBackend,
    Suggestion,
    VectorMatch,
)
from search.backends.database import DatabaseBackend
from search.backends.es_query import FACET_FIELDS, count_body, knn_body, search_body
from search.backends.facets import page_bounds, query_facets
from search.documents import alias_name, new_index
from search.highlight import highlight
from search.models import EntryVector, SearchEntry
from search.query import STRICT, Breadth, all_tokens, reachable, settled
from search.types import SearchHit, SearchResults
from search.vocabulary import mistypable_tokens

# After a failed request the cluster is left alone this long, so pages stay fast.
ELASTICSEARCH_RETRY_SECONDS = 30
_DOWN_CACHE_KEY = "search:elasticsearch-down"
BULK_CHUNK = 1000
BULK_REQUESTS_IN_FLIGHT = 2

T = TypeVar("T")


class ElasticsearchUnavailable(BackendUnavailable):
    """The cluster could not be reached or refused the request."""


@functools.cache
def _client(url: str, timeout: int) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False)


def _passages(entry_ids: list[str]) -> dict[str, list[dict[str, list[float]]]]:
    """The stored vectors of these entries, as the `passages` of their documents."""
    passages: dict[str, list[dict[str, list[float]]]] = {}
    for entry_id, vector in (
        EntryVector.objects.filter(entry_id__in=entry_ids)
        .order_by("entry_id", "passage")
        .values_list("entry_id", "vector")
    ):
        row = np.frombuffer(bytes(vector), dtype=np.float32)
        passages.setdefault(entry_id, []).append({"vector": row.tolist()})
    return passages


def _document(entry: SearchEntry, passages: list[dict[str, list[float]]]) -> dict[str, Any]:
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
            "passages": passages,
        },
    }


def _deletion(entry_id: str) -> dict[str, Any]:
    return {"_op_type": "delete", "_index": alias_name(), "_id": entry_id}


def _actions(entry_ids: list[str]) -> list[dict[str, Any]]:
    present = {
        entry.entry_id: entry for entry in SearchEntry.objects.filter(entry_id__in=entry_ids)
    }
    passages = _passages(list(present))
    return [
        _document(present[entry_id], passages.get(entry_id, []))
        if entry_id in present
        else _deletion(entry_id)
        for entry_id in entry_ids
    ]


def _send(client: Elasticsearch, actions: list[dict[str, Any]]) -> None:
    _ensure_alias(client)
    _ok, errors = helpers.bulk(client, actions, chunk_size=BULK_CHUNK, raise_on_error=False)
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


def _bulk_request(client: Elasticsearch, actions: list[dict[str, Any]]) -> int:
    _ok, errors = helpers.bulk(client, actions, chunk_size=len(actions), raise_on_error=False)
    assert isinstance(errors, list)  # a count only with stats_only
    if errors:
        raise BulkIndexError(f"{len(errors)} documents failed", errors)
    return len(actions)


def _bulk_load(client: Elasticsearch, index_name: str, progress: Progress | None) -> None:
    """Send every stored entry to `index_name`. Elasticsearch analyses one bulk request on
    one write thread, so two requests stay in flight while this thread reads the next chunk
    (the database connection stays on this thread)."""
    entries = SearchEntry.objects.order_by("id").iterator(chunk_size=BULK_CHUNK)
    in_flight: deque[Future[int]] = deque()
    with ThreadPoolExecutor(max_workers=BULK_REQUESTS_IN_FLIGHT) as pool:
        while chunk := list(islice(entries, BULK_CHUNK)):
            passages = _passages([entry.entry_id for entry in chunk])
            actions = [
                {**_document(entry, passages.get(entry.entry_id, [])), "_index": index_name}
                for entry in chunk
            ]
            in_flight.append(pool.submit(_bulk_request, client, actions))
            if len(in_flight) >= BULK_REQUESTS_IN_FLIGHT:
                sent = in_flight.popleft().result()
                if progress:
                    progress(sent)
        while in_flight:
            sent = in_flight.popleft().result()
            if progress:
                progress(sent)


def _swap_in_new_index(client: Elasticsearch, progress: Progress | None) -> None:
    index = new_index()
    # Nobody searches the new index before the alias moves, so refreshing it while it fills
    # would only cost segment merges.
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


def _hit(hit: dict, tokens: frozenset[str]) -> SearchHit:
    source = hit["_source"]
    fragments: list[str] = next(iter(hit.get("highlight", {}).values()), [])
    snippet = (
        mark_safe(fragments[0])  # noqa: S308 - Elasticsearch escaped it (encoder html)
        if fragments
        else highlight(source.get("text") or source["title"], tokens)
    )
    return SearchHit(
        kind=source["kind"],
        key=source["key"],
        title=source["title"],
        url=source["url"],
        snippet=snippet,
        date=datetime.fromisoformat(source["date"]) if source.get("date") else None,
        score=float(hit.get("_score") or 0.0),
    )


class ElasticsearchBackend(SearchBackend):
    """The cluster at ELASTICSEARCH_URL (read when a request is made). `baseline` searches
    the plain `german`-analysed fields instead, for the relevance comparison."""

    def __init__(self, *, baseline: bool = False) -> None:
        self.baseline = baseline

    def _guarded(self, call: Callable[[Elasticsearch], T]) -> T:
        """Run a request against the cluster; turn every transport or API failure into
        ElasticsearchUnavailable and remember an outage for a short while."""
        if not settings.ELASTICSEARCH_URL:
            raise ElasticsearchUnavailable("ELASTICSEARCH_URL is not set")
        if cache.get(_DOWN_CACHE_KEY):
            raise ElasticsearchUnavailable("recently unreachable")
        try:
            return call(_client(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT))
        except TransportError as error:
            # Unreachable or timed out: spare the next requests the wait.
            cache.set(_DOWN_CACHE_KEY, True, ELASTICSEARCH_RETRY_SECONDS)
            raise ElasticsearchUnavailable(str(error)) from error
        except (ApiError, BulkIndexError) as error:
            raise ElasticsearchUnavailable(str(error)) from error

    def health(self) -> CheckResult:
        client = _client(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
        if client.cluster.health()["status"] == "red":
            return CheckResult(ok=False, backend="elasticsearch", error="cluster status red")
        return CheckResult(ok=True, backend="elasticsearch")

    @property
    def fallback(self) -> SearchBackend:
        """The database keeps every entry as well."""
        return DatabaseBackend()

    def reconnect(self) -> None:
        cache.delete(_DOWN_CACHE_KEY)

    # --- reading ---

    def search(self, query: Query) -> SearchResults:
        request = query.request

        mistyped = frozenset() if self.baseline else mistypable_tokens(query.clauses)

        def run(breadth: Breadth, page: int) -> dict[str, Any]:
            body = search_body(query, breadth, baseline=self.baseline, page=page, mistyped=mistyped)
            return self._guarded(lambda client: client.search(index=alias_name(), body=body).body)

        # The baseline's analyzer knows no compound heads to fall back on.
        start = Breadth(heads=True) if self.baseline else STRICT
        steps = reachable(query.clauses, start)
        if len(steps) == 1:
            breadth = start
        else:
            # Every step a query may take costs a whole search (aggregations, highlights) even
            # when little matches. So the steps are only counted first, all in one request,
            # and the one search runs at the breadth they settle on. (Searching the first step
            # beside the counts needed a second search for half of the queries that had steps:
            # the slowest ones.) Only the words decide whether to broaden, so the entries found
            # by meaning are not counted, nor is the broadest step: nothing is broader.
            counted = steps[:-1]
            counts = [
                count_body(query, step, baseline=self.baseline, mistyped=mistyped)
                for step in counted
            ]
            responses = self._guarded(lambda client: _multi_search(client, counts))
            totals = {
                step: answer["hits"]["total"]["value"]
                for step, answer in zip(counted, responses, strict=True)
            }
            breadth = settled(query.clauses, start, lambda step: totals.get(step, 0))
        response = run(breadth, request.page)
        total = response["hits"]["total"]["value"]
        page, num_pages = page_bounds(total, request)
        if page != request.page:
            response = run(breadth, page)
        tokens = all_tokens(query.clauses)
        facets = query_facets(
            query,
            {
                name: {
                    bucket["key"]: bucket["doc_count"]
                    for bucket in response["aggregations"][name]["values"]["buckets"]
                }
                for name in FACET_FIELDS
            },
        )
        return SearchResults(
            hits=[_hit(hit, tokens) for hit in response["hits"]["hits"]],
            total=total,
            page=page,
            num_pages=num_pages,
            facets=facets,
            suggestion=None,
            backend="elasticsearch",
            degraded=False,
        )

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
        """A `knn` search over the passages, filtered like the word search."""
        body = knn_body(query, vector.tolist(), limit=limit, kinds=kinds, exclude_keys=exclude_keys)
        response = self._guarded(lambda client: client.search(index=alias_name(), body=body).body)
        matches = [
            # Elasticsearch scores cosine similarity as (1 + cosine) / 2.
            VectorMatch(entry_id=hit["_source"]["entry_id"], similarity=2 * hit["_score"] - 1)
            for hit in response["hits"]["hits"]
        ]
        return [match for match in matches if match.similarity >= floor]

    def suggest(self, text: str, audiences: frozenset[str], limit: int) -> list[Suggestion]:
        def run(client: Elasticsearch) -> Any:
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
                source=["title", "url", "kind"],  # type: ignore[arg-type]
            )

        response = self._guarded(run)
        return [
            Suggestion(
                label=hit["_source"]["title"],
                url=hit["_source"]["url"],
                kind=hit["_source"]["kind"],
            )
            for hit in response["hits"]["hits"]
        ]

    def counts(self) -> dict[str, int]:
        def count(client: Elasticsearch) -> dict[str, int]:
            response = client.search(
                index=alias_name(),
                size=0,
                aggs={
                    "kinds": {
                        "terms": {"field": "kind", "size": 20},
                        "aggs": {
                            "things": {
                                "cardinality": {"field": "key", "precision_threshold": 40000}
                            }
                        },
                    }
                },
            )
            return {
                bucket["key"]: bucket["things"]["value"]
                for bucket in response["aggregations"]["kinds"]["buckets"]
            }

        return self._guarded(count)

    # --- writing ---

    def index(self, entry_ids: list[str]) -> None:
        if entry_ids:
            self._guarded(lambda client: _send(client, _actions(entry_ids)))

    def delete(self, entry_ids: list[str]) -> None:
        if entry_ids:
            self._guarded(lambda client: _send(client, [_deletion(pk) for pk in entry_ids]))

    def rebuild(self, progress: Progress | None = None) -> None:
        """Fill a new index, then swap the alias to it atomically and drop the old indexes.
        Entries written meanwhile are the caller's to send again after the swap."""
        self.reconnect()
        self._guarded(lambda client: _swap_in_new_index(client, progress))

    def refresh(self) -> None:
        self._guarded(lambda client: client.indices.refresh(index=alias_name()))

    def create_index(self) -> None:
        """An empty index behind the alias unless it exists (first start, tests)."""
        self._guarded(_ensure_alias)

    def drop_indexes(self) -> None:
        """Remove every index of this prefix (tests clean up their own)."""
        self._guarded(
            lambda client: client.indices.delete(index=f"{alias_name()}-*", ignore_unavailable=True)
        )
