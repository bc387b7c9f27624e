"""The database backend: SQLite FTS5 or PostgreSQL full-text search over the stored entries.

The entries are this backend's index (the full-text columns follow them in the same
transaction), so it needs no writes of its own; it is the default, and it answers for
Elasticsearch while the cluster is down.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from django.db import connection
from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL

from core.health import CheckResult
from search.analysis import query_tokens
from search.backends.base import (
    COVERAGE_WEIGHT,
    HEAD_COVERAGE_WEIGHT,
    TITLE_COVERAGE_WEIGHT,
    TITLE_WEIGHT,
    Progress,
    Query,
    SearchBackend,
    Suggestion,
    VectorMatch,
)
from search.backends.facets import day_end, day_start, page_bounds, query_facets, ticked
from search.backends.vector_matrix import nearest_entry_ids
from search.highlight import highlight
from search.models import EntryTopic, SearchEntry
from search.query import (
    STRICT,
    Breadth,
    Clause,
    all_tokens,
    fts5_expression,
    fts5_string,
    required,
    settled,
    tsquery_expression,
    tsquery_lexeme,
)
from search.types import SearchHit, SearchRequest, SearchResults

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


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _met(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _candidates_sql(clauses: list[Clause], breadth: Breadth) -> tuple[str, list]:
    """Entries meeting any clause the breadth allows, with the engine's relevance, how many
    clauses each meets (`coverage`; when broadened to compound heads, also how many as typed:
    `exact_coverage`) and how many its title meets as typed, without compound heads
    (`title_coverage`): "Bürgerbeteiligung in der Kommune" above a title that holds only
    "beteiligung". Left open for further conditions on `e`."""
    entries = SearchEntry._meta.db_table
    exact = replace(breadth, heads=False)
    columns = (
        "e.id, {relevance} AS relevance, {coverage} AS coverage, {exact} AS exact_coverage, "
        "{title} AS title_coverage, e.kind, e.administration_level, e.state, e.date"
    )
    # Broadened to compound heads, the clauses met as typed are counted apart
    # (`exact_coverage`): a clause met only through a head counts half in the rank.
    counted = [breadth, exact] if breadth.heads else [breadth]
    if connection.vendor == "postgresql":
        met = _met("e.search_vector @@ to_tsquery('simple', %s)")
        title = _met("e.title_vector @@ to_tsquery('simple', %s)")
        params = [tsquery_expression([clause], step) for step in counted for clause in clauses]
        params += [tsquery_expression([clause], exact) for clause in clauses]
        params.append(tsquery_expression(clauses, breadth))
        params.append(tsquery_expression(clauses, breadth, candidates=True))
        # ts_rank, not ts_rank_cd: cover density costs four times as much per matched row
        # (a broad word matches half of 100,000 entries), and title weight A still counts.
        # It ranks by the match formula `q`; the index is asked the candidates' condition.
        relevance = "ts_rank(e.search_vector, q)"
        source = (
            f"FROM {entries} e, to_tsquery('simple', %s) q "
            "WHERE e.search_vector @@ to_tsquery('simple', %s)"
        )
    else:
        # Each clause's matches are read from the full-text index once, as a set.
        met = _met(f"e.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)")  # noqa: S608
        title = met
        params = [fts5_expression([clause], step) for step in counted for clause in clauses]
        params += [f"title_tokens : ({fts5_expression([clause], exact)})" for clause in clauses]
        params.append(fts5_expression(clauses, breadth))
        relevance = f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)"
        source = (
            f"FROM {FTS_TABLE} JOIN {entries} e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s"
        )
    clause_count = " + ".join(met for _ in clauses)
    select = columns.format(
        relevance=relevance,
        coverage=clause_count,
        exact=clause_count if breadth.heads else "0",
        title=" + ".join(title for _ in clauses),
    )
    return f"SELECT {select} {source}", params


# Facets that are columns of the search entry; topics are rows of their own.
_COLUMN_FACETS = ("kind", "administration_level", "state")


@dataclass(frozen=True)
class _Answer:
    total: int
    word_total: int  # without the entries found by meaning alone
    scored: list[tuple[int, float]]
    counts: dict[str, dict[str, int]]


class DatabaseBackend(SearchBackend):
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
                return CheckResult(ok=False, backend="database", error="unsupported database")
        return CheckResult(ok=True, backend=engine)

    # --- matching ---

    def matches_anything(self, clauses: list[Clause], audiences: frozenset[str]) -> bool:
        """Whether any entry of the audiences matches (the "Meinten Sie …?" check, which
        always asks the database: its vocabulary is the database's)."""
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
    def _visible(query: Query, *, by_audience_index: bool = True) -> tuple[str, list]:
        """The viewer's audiences and the date range, as a condition on entries `e`. Without
        `by_audience_index`, SQLite is kept from reading the entries through the audience
        index (a unary `+`): for a handful of entries picked by id, it would otherwise read
        every entry the viewer may see (25 ms at 30,000 entries)."""
        audiences = sorted(query.audiences)
        unindexed = not by_audience_index and connection.vendor == "sqlite"
        column = "+e.audience" if unindexed else "e.audience"
        condition = f"{column} IN ({_placeholders(audiences)})"
        params: list = list(audiences)
        request = query.request
        if request.date_from:
            condition += " AND e.date >= %s"
            params.append(connection.ops.adapt_datetimefield_value(day_start(request.date_from)))
        if request.date_to:
            condition += " AND e.date <= %s"
            params.append(connection.ops.adapt_datetimefield_value(day_end(request.date_to)))
        return condition, params

    def _matched_sql(self, query: Query, breadth: Breadth) -> tuple[str, list]:
        """The `WITH` clause of the answer: `matched`, every entry the query matches within the
        viewer's audiences and the date range, with its score, facet columns and whether its
        words matched (`words`). Only fixed SQL is put together; input is in the params."""
        entries = SearchEntry._meta.db_table
        visible, visible_params = self._visible(query)
        if not query.clauses:
            sql = (
                "SELECT e.id, 0.0 AS score, e.kind, e.administration_level, e.state, "  # noqa: S608
                f"e.date, 1 AS words FROM {entries} e WHERE {visible}"
            )
            return f"WITH matched AS MATERIALIZED ({sql})", visible_params
        sql, params = _candidates_sql(query.clauses, breadth)
        sql += f" AND {visible}"
        # The rank (base.COVERAGE_WEIGHT): clauses met first, then title clauses, then the
        # engine's relevance; texts meeting fewer clauses than required are left out.
        if breadth.heads:
            clauses_rank = f"(c.coverage + c.exact_coverage) * {HEAD_COVERAGE_WEIGHT}"
        else:
            clauses_rank = f"c.coverage * {COVERAGE_WEIGHT}"
        ranked = (
            f"SELECT c.id, {clauses_rank} + c.title_coverage * {TITLE_COVERAGE_WEIGHT} "  # noqa: S608
            "+ c.relevance AS score, c.kind, c.administration_level, c.state, c.date, "
            f"1 AS words FROM ({sql}) c WHERE c.coverage >= %s"
        )
        params = [*params, *visible_params, required(query.clauses, breadth)]
        if not query.also:
            return f"WITH matched AS MATERIALIZED ({ranked})", params
        # The entries found by meaning join the matches of the words with score 0 (below every
        # match of the words), unless the words matched them too. Appended rather than merged
        # (a GROUP BY over every match cost a broad query 50 ms at 100,000 entries). Audiences
        # and dates apply to them alike.
        found = sorted(query.also)
        by_id, by_id_params = self._visible(query, by_audience_index=False)
        sql = (
            f"WITH by_words AS MATERIALIZED ({ranked}), "  # noqa: S608
            "matched AS MATERIALIZED (SELECT * FROM by_words UNION ALL "
            "SELECT e.id, 0.0, e.kind, e.administration_level, e.state, e.date, 0 "
            f"FROM {entries} e WHERE e.entry_id IN ({_placeholders(found)}) AND {by_id} "
            "AND e.id NOT IN (SELECT id FROM by_words))"
        )
        return sql, [*params, *found, *by_id_params]

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
        common, params = self._matched_sql(query, breadth)
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
        if query.also:
            parts.append(
                "SELECT 'words', NULL, NULL, COUNT(*), NULL FROM matched m "  # noqa: S608
                f"WHERE {chosen} AND m.words = 1"
            )
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
        word_total: int | None = None
        ranked = []
        counts: dict[str, dict[str, int]] = {}
        for part, value, entry, number, position in rows:
            if part == "hit":
                ranked.append((position, entry, number))
            elif part == "total":
                total = int(number)
            elif part == "words":
                word_total = int(number)
            else:
                counts.setdefault(part, {})[value] = int(number)
        scored = [(entry, number) for _position, entry, number in sorted(ranked)]
        return _Answer(
            total=total,
            word_total=total if word_total is None else word_total,
            scored=scored,
            counts=counts,
        )

    def search(self, query: Query) -> SearchResults:
        request = query.request
        # A breadth with few matches is answered quickly, so each step is answered in full
        # and the last one kept.
        answers: dict[Breadth, _Answer] = {}

        def total_at(breadth: Breadth) -> int:
            answers[breadth] = self._answer(query, breadth, request.page)
            # Only the words decide whether to broaden: found by meaning, a text is no match.
            return answers[breadth].word_total

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
        """Brute force over the process's matrix of stored vectors (`vector_matrix`); every
        candidate is checked against the stored entries, so a stale matrix can only miss."""
        request = query.request
        since = day_start(request.date_from) if request.date_from else None
        until = day_end(request.date_to) if request.date_to else None
        candidates = nearest_entry_ids(
            vector,
            audiences=query.audiences,
            kinds=kinds,
            since=since,
            until=until,
            exclude_keys=exclude_keys,
            limit=limit,
            floor=floor,
        )
        # Read by the unique entry id and checked here: with the audiences in the query,
        # SQLite reads every entry the viewer may see through the audience index instead.
        stored = SearchEntry.objects.filter(
            entry_id__in=[entry_id for entry_id, _similarity in candidates]
        ).values_list("entry_id", "audience", "key", "kind", "date")
        shown = {
            entry_id
            for entry_id, audience, key, kind, date in stored
            if audience in query.audiences
            and key not in exclude_keys
            and (not kinds or kind in kinds)
            and (since is None or (date is not None and date >= since))
            and (until is None or (date is not None and date <= until))
        }
        return [
            VectorMatch(entry_id=entry_id, similarity=similarity)
            for entry_id, similarity in candidates
            if entry_id in shown
        ][:limit]

    def suggest(self, text: str, audiences: frozenset[str], limit: int) -> list[Suggestion]:
        """Newest first, undated ones (profiles) last."""
        return [
            Suggestion(label=entry.title, url=entry.url, kind=entry.kind)
            for entry in self._title_matches(text, audiences, limit)
        ]

    def _title_matches(self, text: str, audiences: frozenset[str], limit: int) -> list[SearchEntry]:
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

    # --- writing: the stored entries are the index ---

    def index(self, entry_ids: list[str]) -> None:
        """Nothing to send: the stored entries are this backend's index."""

    def delete(self, entry_ids: list[str]) -> None:
        """Nothing to forget: deleting the stored entries removed them from the index."""

    def rebuild(self, progress: Progress | None = None) -> None:
        """Nothing to copy: the rebuilt entries are the index."""

    def refresh(self) -> None:
        """Committed entries are found at once."""

    def reconnect(self) -> None:
        """The database is the connection every request has already."""

    def counts(self) -> dict[str, int]:
        return dict(
            SearchEntry.objects.order_by()
            .values_list("kind")
            .annotate(count=Count("key", distinct=True))
        )


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
