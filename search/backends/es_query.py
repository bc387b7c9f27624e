"""Elasticsearch request bodies for a query: the database's match formula on analysed tokens,
the `german` baseline for the relevance comparison, facet aggregations and post filters."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from search.backends.base import (
    COVERAGE_WEIGHT,
    HEAD_COVERAGE_WEIGHT,
    TITLE_COVERAGE_WEIGHT,
    TITLE_WEIGHT,
    Query,
)
from search.backends.facets import day_end, day_start
from search.query import (
    BROADEN_BELOW,
    AllOf,
    Breadth,
    Formula,
    Phrase,
    clause_formula,
    formula,
    required,
)
from search.types import SearchRequest


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


FACET_FIELDS = {
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


def _baseline_parts(query: Query, breadth: Breadth) -> tuple[dict, list[dict]]:
    """Elasticsearch's plain `german` analyzer on the user's words, for the relevance
    baseline; it asks for as many clauses as the Kollegium query."""
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
    minimum = required(query.clauses, breadth)
    return {"bool": {"should": clauses, "minimum_should_match": minimum}}, boosts


def _match_parts(
    query: Query, breadth: Breadth, *, baseline: bool, mistyped: frozenset[str]
) -> tuple[dict, list[dict]]:
    """What a document must meet to match, and what only ranks the matches. The rank of
    base.COVERAGE_WEIGHT: each clause met adds a constant, each clause the title meets as
    typed a smaller one, and the relevance of the whole query orders the texts that meet as
    much of it. The `mistyped` tokens (`search.vocabulary.mistypable_tokens`) are matched
    with typo tolerance."""
    if baseline:
        return _baseline_parts(query, breadth)
    exact = replace(breadth, heads=False)
    # Broadened to compound heads, a clause met as typed adds the other half of its weight
    # (`exact_coverage`), so that one met only through a head counts half.
    weight = HEAD_COVERAGE_WEIGHT if breadth.heads else COVERAGE_WEIGHT
    coverage = [
        {
            "constant_score": {
                "filter": _formula_query(clause_formula(clause, breadth), "content", mistyped),
                "boost": weight,
            }
        }
        for clause in query.clauses
    ]
    exact_coverage = [
        {
            "constant_score": {
                "filter": _formula_query(clause_formula(clause, exact), "content", mistyped),
                "boost": HEAD_COVERAGE_WEIGHT,
            }
        }
        for clause in query.clauses
        if breadth.heads
    ]
    title_coverage = [
        {
            "constant_score": {
                "filter": _formula_query(clause_formula(clause, exact), "title", frozenset()),
                "boost": TITLE_COVERAGE_WEIGHT,
            }
        }
        for clause in query.clauses
    ]
    boosts = [
        {"match": {"title": {"query": alternative.text, "boost": TITLE_WEIGHT}}}
        for clause in query.clauses
        for alternative in clause.alternatives
    ]
    relevance = _typed_relevance(query, breadth)
    minimum = required(query.clauses, breadth)
    matching = {"bool": {"should": coverage, "minimum_should_match": minimum}}
    return matching, [*exact_coverage, *title_coverage, relevance, *boosts]


def _typed_relevance(query: Query, breadth: Breadth) -> dict:
    """The relevance of the whole query, on the tokens as typed rather than their fuzzy forms:
    a typed word's fuzzy expansion (up to 50 terms) evaluated here and by the highlighter as
    well as for its clause made the query at 100,000 items 7× as slow as a plain
    `multi_match` (p95 78 ms; 29 ms without both). A mistyped word still counts for its clause;
    its match is not marked in the snippet."""
    return _formula_query(formula(query.clauses, breadth), "content", frozenset())


def _match_query(
    query: Query, breadth: Breadth, *, baseline: bool, mistyped: frozenset[str]
) -> dict:
    matching, ranking = _match_parts(query, breadth, baseline=baseline, mistyped=mistyped)
    return {"bool": {"must": [matching], "should": ranking}}


def _base_filters(query: Query) -> list[dict]:
    request = query.request
    filters: list[dict] = [{"terms": {"audience": sorted(query.audiences)}}]
    date_range = {}
    if request.date_from:
        date_range["gte"] = day_start(request.date_from).isoformat()
    if request.date_to:
        date_range["lte"] = day_end(request.date_to).isoformat()
    if date_range:
        filters.append({"range": {"date": date_range}})
    return filters


def _with_meaning(words: dict, also: frozenset[str]) -> dict:
    """The entries found by meaning (`Query.also`) match besides the words, with score 0."""
    if not also:
        return words
    found = {"constant_score": {"filter": {"terms": {"entry_id": sorted(also)}}, "boost": 0}}
    return {"bool": {"should": [words, found], "minimum_should_match": 1}}


def search_body(
    query: Query, breadth: Breadth, *, baseline: bool, page: int, mistyped: frozenset[str]
) -> dict:
    request = query.request
    facet_filters = _facet_filters(request)
    if query.clauses:
        words = _match_query(query, breadth, baseline=baseline, mistyped=mistyped)
        must = [_with_meaning(words, query.also)]
    else:
        must = [{"match_all": {}}]
    aggregations = {}
    for name, field in FACET_FIELDS.items():
        others = [condition for other, condition in facet_filters.items() if other != name]
        aggregations[name] = {
            "filter": {"bool": {"filter": others}},
            "aggs": {"values": {"terms": {"field": field, "size": 100}}},
        }
    if request.sort == "date" or not query.clauses:
        sort = [{"date": {"order": "desc", "missing": "_last"}}, "_score", {"entry_id": "asc"}]
    else:
        sort = ["_score", {"entry_id": "asc"}]
    highlight: dict[str, Any] = {
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
    }
    if query.clauses and not baseline:
        highlight["highlight_query"] = _typed_relevance(query, breadth)
    return {
        "query": {"bool": {"must": must, "filter": _base_filters(query)}},
        # The passages' vectors are for `knn` alone: returned, 384 numbers each as JSON, they
        # made every hit of the hybrid's deep word search cost more than its ranking.
        "_source": {"excludes": ["passages"]},
        "post_filter": {"bool": {"filter": list(facet_filters.values())}},
        "aggs": aggregations,
        "sort": sort,
        "from": (page - 1) * request.page_size,
        "size": request.page_size,
        "track_total_hits": True,
        "highlight": highlight,
    }


def count_body(query: Query, breadth: Breadth, *, baseline: bool, mistyped: frozenset[str]) -> dict:
    """Whether a breadth has enough matches: counted up to BROADEN_BELOW, unscored, with
    every filter the search applies. Only what decides a match is sent: the ranking clauses
    would cost their fuzzy term expansions for nothing."""
    matching, _ranking = _match_parts(query, breadth, baseline=baseline, mistyped=mistyped)
    filters = [*_base_filters(query), *_facet_filters(query.request).values()]
    return {
        "query": {"bool": {"filter": [matching, *filters]}},
        "size": 0,
        "track_total_hits": BROADEN_BELOW,
    }


# Candidates each shard compares exactly per hit wanted: the HNSW graph is approximate.
KNN_CANDIDATES_PER_HIT = 10


def knn_body(
    query: Query,
    vector: list[float],
    *,
    limit: int,
    kinds: frozenset[str],
    exclude_keys: frozenset[str],
) -> dict:
    """The entries whose best passage is nearest to `vector`, within the query's audiences and
    date range (and `kinds`), without `exclude_keys`: the other facet filters are applied by
    the caller, as for the database backends."""
    filters = _base_filters(query)
    if kinds:
        filters.append({"terms": {"kind": sorted(kinds)}})
    if exclude_keys:
        filters.append({"bool": {"must_not": [{"terms": {"key": sorted(exclude_keys)}}]}})
    return {
        "knn": {
            "field": "passages.vector",
            "query_vector": vector,
            "k": limit,
            "num_candidates": max(100, limit * KNN_CANDIDATES_PER_HIT),
            "filter": filters,
        },
        "size": limit,
        "_source": ["entry_id"],
    }
