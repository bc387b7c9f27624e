"""The query API (Contract B): what the search page, the autocomplete endpoint, seeders and
benchmarks call. Permissions are applied here, once, for every backend."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from rapidfuzz import process
from rapidfuzz.distance import OSA

from discussions.selectors import is_open_to_members, readable_channels
from hub.models import Topic
from members.models import AdministrationLevel, FederalState
from members.selectors import is_network_member
from search.analysis import word_token
from search.backends import (
    BackendUnavailable,
    DatabaseBackend,
    Query,
    SearchBackend,
    Suggestion,
    backend_named,
    get_backend,
)
from search.backends.base import VectorMatch, clauses_met, is_word_match
from search.backends.facets import page_bounds, ticked
from search.embedding import embed_query, first_sentences
from search.fusion import reciprocal_rank_fusion
from search.models import Audience, EntryVector, Kind, SearchEntry, Term
from search.query import MAX_QUERY_LENGTH, Clause, full_form, parse
from search.types import FacetValue, SearchHit, SearchRequest, SearchResults
from search.vectors import vectors_enabled, vectors_forced
from search.vocabulary import known_tokens, vocabulary_word

__all__ = [
    "FacetValue",
    "SearchHit",
    "SearchRequest",
    "SearchResults",
    "autocomplete",
    "nearest",
    "search",
    "search_with_backend",
    "viewer_audiences",
]

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
# Shorter words are too often abbreviations to guess at.
MIN_SUGGESTED_LENGTH = 4
# From this length a typo may have changed two letters.
LONG_WORD_LENGTH = 10
# Each candidate costs one query; further ones are rarely what was meant.
MAX_CHECKED_CANDIDATES = 5
# The hybrid search fuses the first WORD_DEPTH matches of the words with the first
# VECTOR_DEPTH entries found by meaning whose similarity reaches SIMILARITY_FLOOR (below it a
# text has nothing to do with the query: a nonsense query finds nothing by meaning).
WORD_DEPTH = 50
VECTOR_DEPTH = 20
SIMILARITY_FLOOR = 0.80
# The first ADDED_DEPTH of those join the matches although they share no word with the query;
# the others may only move a match of the words up. The model's cosines are compressed: on the
# demo library the page a paraphrase means scores 0.81 to 0.84, the best page for an unrelated
# question ("Hochzeit planen") 0.80 to 0.85, so no similarity separates the two; the rank does
# better. A higher floor for added entries (0.83) lost half of the paraphrased pages (judged
# paraphrases, nDCG@10 of the hybrid: 0.45 with that floor, 0.53 with the rank).
ADDED_DEPTH = 10
# A match of the words counts in the fusion with the share of the query's clauses it meets,
# cubed: a question in other words shares a few common words ("Stadt", "Leute") with many
# texts, and those partial matches must not outrank what it means (the 37 judged paraphrases:
# nDCG@10 of the hybrid 0.33 with the plain share, 0.53 cubed; the other categories unchanged).
COVERAGE_EXPONENT = 3


def viewer_audiences(viewer: Any) -> frozenset[str]:
    """The audiences whose entries the viewer may see, by the rules of the pages: members read
    open channels and the private channels they belong to (`readable_channels`) and see
    members-only profile fields; visitors and pending accounts see public content only."""
    if not is_network_member(viewer):
        return frozenset({Audience.PUBLIC, Audience.OUTSIDERS})
    channels = readable_channels(viewer=viewer).only("pk", "visibility")
    return frozenset(
        {
            Audience.PUBLIC,
            Audience.MEMBERS,
            *(
                Audience.channel(channel.pk)
                for channel in channels
                if not is_open_to_members(channel)
            ),
        }
    )


def facet_labels() -> dict[str, dict[str, str]]:
    return {
        "kind": {value: str(label) for value, label in Kind.choices},
        "topic": dict(Topic.objects.values_list("slug", "name")),
        "administration_level": {value: str(label) for value, label in AdministrationLevel.choices},
        "state": {value: str(label) for value, label in FederalState.choices},
    }


def _clean(request: SearchRequest, labels: dict[str, dict[str, str]]) -> SearchRequest:
    """Unknown facet values, sorts and page sizes are dropped rather than failing."""
    return SearchRequest(
        text=request.text,
        kinds=frozenset(request.kinds) & labels["kind"].keys(),
        topics=frozenset(request.topics) & labels["topic"].keys(),
        administration_levels=frozenset(request.administration_levels)
        & labels["administration_level"].keys(),
        states=frozenset(request.states) & labels["state"].keys(),
        date_from=request.date_from,
        date_to=request.date_to,
        sort=request.sort if request.sort in ("relevance", "date") else "relevance",
        page=max(1, request.page),
        page_size=min(max(1, request.page_size), MAX_PAGE_SIZE),
    )


def _query(request: SearchRequest, viewer: Any) -> Query:
    labels = facet_labels()
    return Query(
        request=_clean(request, labels),
        clauses=parse(request.text),
        audiences=viewer_audiences(viewer),
        facet_labels=labels,
    )


def _typo_edits(word: str) -> int:
    """How many letters a typo may have changed in a word (transposed letters count once).
    A real word that is missing from the index vocabulary is often two edits from one that
    is there ("beachten", "brauchten"); only long words are allowed two."""
    return 2 if len(word) >= LONG_WORD_LENGTH else 1


def _close_words(word: str) -> list[str]:
    """The vocabulary words a typo of `word` may stand for, closest and then most common first."""
    edits = _typo_edits(word)
    # Typos rarely hit the first letter; that keeps the candidates few.
    candidates = dict(
        Term.objects.annotate(length=Length("word"))
        .filter(
            word__startswith=word[0],
            length__gte=len(word) - edits,
            length__lte=len(word) + edits,
        )
        .values_list("word", "document_frequency")
    )
    close = process.extract(
        word, list(candidates), scorer=OSA.distance, score_cutoff=edits, limit=None
    )
    ranked = sorted(close, key=lambda match: (match[1], -candidates[match[0]]))
    return [candidate for candidate, _distance, _index in ranked]


def _replacement(
    clause: Clause, typed: str, database: DatabaseBackend, audiences: frozenset[str]
) -> str | None:
    """The closest vocabulary word for an unknown word that finds something the viewer may
    read (the vocabulary counts words of every audience, private channels too), unless it is
    only another inflection of the typed word: the search already looked for that."""
    typed_token = clause.alternatives[0].words[0].token if clause.alternatives[0].words else None
    for candidate in _close_words(typed.lower())[:MAX_CHECKED_CANDIDATES]:
        candidate_clauses = parse(candidate)
        if not candidate_clauses:
            continue
        candidate_clause = full_form(candidate_clauses[0])
        if candidate_clause.alternatives[0].words[0].token == typed_token:
            return None
        if database.matches_anything([candidate_clause], audiences):
            return candidate
    return None


def _unknown_words(words: set[str]) -> set[str]:
    """The lower-case words whose token no word of the index has: the only candidates for a
    typo ("stellenanzeige" is known where the texts say "Stellenanzeigen"). One vocabulary
    lookup spares most of them the full-text query."""
    tokens = {word: word_token(word) for word in words}
    known = known_tokens(tokens.values())
    return {word for word, token in tokens.items() if token not in known}


def _spelt_like(word: str, typed: str) -> str:
    """The vocabulary's lower-case word written the way the user wrote theirs."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[0].isupper():
        return word[0].upper() + word[1:]
    return word


def suggestion_for(text: str, clauses: list[Clause], audiences: frozenset[str]) -> str | None:
    """ "Meinten Sie …?": the query as typed, with each unknown word that matches nothing the
    viewer may see replaced by the closest word of the index that finds something they may
    read. Words of the vocabulary are never replaced; `_answer` asks only when the query found
    fewer than `SEARCH_SUGGESTION_MAX_HITS` entries."""
    typed_words = [
        (clause, word)
        for clause in clauses
        if (word := vocabulary_word(clause.text)) and len(word) >= MIN_SUGGESTED_LENGTH
    ]
    unknown = _unknown_words({word.lower() for _clause, word in typed_words})
    if not unknown:
        return None
    database = DatabaseBackend()
    text = text[:MAX_QUERY_LENGTH]
    suggestion = text
    for clause, typed in typed_words:
        if typed.lower() not in unknown:
            continue
        found = re.search(rf"(?<!\w){re.escape(typed)}(?!\w)", suggestion)
        if not found or database.matches_anything([full_form(clause)], audiences):
            continue
        replacement = _replacement(clause, typed, database, audiences)
        if replacement:
            spelt = _spelt_like(replacement, typed)
            suggestion = suggestion[: found.start()] + spelt + suggestion[found.end() :]
    return suggestion if suggestion != text else None


def _matches_facets(entry: SearchEntry, request: SearchRequest) -> bool:
    """Whether an entry found by meaning passes the request's facet filters, as the backends
    apply them to the matches of the words (audiences and dates were applied by the search)."""
    chosen = ticked(request)
    columns = {
        "kind": entry.kind,
        "administration_level": entry.administration_level,
        "state": entry.state,
    }
    if any(chosen[name] and value not in chosen[name] for name, value in columns.items()):
        return False
    return not request.topics or bool(request.topics & set(entry.topics))


def _meaning_hit(entry: SearchEntry, score: float) -> SearchHit:
    """A hit for an entry found by meaning: no word to mark, so its opening sentences."""
    return SearchHit(
        kind=entry.kind,
        key=entry.key,
        title=entry.title,
        url=entry.url,
        snippet=escape(first_sentences(entry.text or entry.title)),
        date=entry.date,
        score=score,
        by_meaning=True,
    )


def _entries_of(matches: list[VectorMatch]) -> dict[str, SearchEntry]:
    return SearchEntry.objects.in_bulk([match.entry_id for match in matches], field_name="entry_id")


def _uses_vectors(query: Query) -> bool:
    """Meaning joins the words for a query with words, unless it asks for an exact phrase."""
    return (
        vectors_enabled()
        and bool(query.clauses)
        and not any(alt.phrase for clause in query.clauses for alt in clause.alternatives)
    )


def _hybrid(query: Query, backend: SearchBackend, vector: np.ndarray) -> SearchResults:
    """The words' ranking and the meaning's ranking, fused (`search.fusion`). The entries found
    by meaning join the matches (`Query.also`), so the total, the facets and the pages count
    them; the fused order decides the pages, ranked by relevance."""
    request = query.request
    matches = backend.vector_search(query, vector, limit=VECTOR_DEPTH, floor=SIMILARITY_FLOOR)
    entries = _entries_of(matches)
    matches = [match for match in matches if match.entry_id in entries]
    # Only the closest texts are added to what the words found (ADDED_DEPTH).
    also = frozenset(match.entry_id for match in matches[:ADDED_DEPTH])
    by_meaning = [
        entries[match.entry_id]
        for match in matches
        if _matches_facets(entries[match.entry_id], request)
    ]
    if request.sort == "date":
        results = backend.search(replace(query, also=also))
        found_by_meaning = {entry.key: entry for entry in by_meaning}
        hits = [
            _meaning_hit(found_by_meaning[hit.key], hit.score)
            if not is_word_match(hit.score) and hit.key in found_by_meaning
            else hit
            for hit in results.hits
        ]
        meaning_only = sum(1 for hit in hits if not is_word_match(hit.score))
        return replace(results, hits=hits, meaning_only=meaning_only)
    # Deep enough for the page asked for, and for the fusion.
    depth = max(WORD_DEPTH, request.page * request.page_size)
    wide = replace(query, also=also, request=replace(request, page=1, page_size=depth))
    results = backend.search(wide)
    word_hits = [hit for hit in results.hits if is_word_match(hit.score)]
    found_by_words = {hit.key for hit in word_hits}
    by_meaning = [
        entry for entry in by_meaning if entry.entry_id in also or entry.key in found_by_words
    ]
    # A text meeting only some of the query's words counts for less (COVERAGE_EXPONENT).
    coverage = {
        hit.key: (clauses_met(hit.score) / len(query.clauses)) ** COVERAGE_EXPONENT
        for hit in word_hits
    }
    fused = reciprocal_rank_fusion(
        [[hit.key for hit in word_hits[:WORD_DEPTH]], [entry.key for entry in by_meaning]],
        weights=[coverage],
    )
    fused_keys = {key for key, _score in fused}
    order = fused + [(hit.key, 0.0) for hit in word_hits[WORD_DEPTH:] if hit.key not in fused_keys]
    page, num_pages = page_bounds(results.total, request)
    shown = order[(page - 1) * request.page_size : page * request.page_size]
    by_key = {hit.key: hit for hit in word_hits}
    meaning_by_key = {entry.key: entry for entry in by_meaning}
    hits = [
        replace(by_key[key], score=score)
        if key in by_key
        else _meaning_hit(meaning_by_key[key], score)
        for key, score in shown
    ]
    # With more matches than were read, at most the entries found by meaning lack the words.
    words = len(word_hits) if len(results.hits) < depth else results.total - len(also)
    return replace(
        results, hits=hits, page=page, num_pages=num_pages, meaning_only=results.total - words
    )


def _query_vector(text: str) -> np.ndarray | None:
    """The query's vector, or None if the model failed: then the words answer alone."""
    try:
        return embed_query(text)
    except Exception:
        logger.exception("Could not embed the query; searching by words alone")
        return None


def _found(query: Query, backend: SearchBackend) -> SearchResults:
    vector = _query_vector(query.request.text) if _uses_vectors(query) else None
    if vector is not None:
        return _hybrid(query, backend, vector)
    return backend.search(query)


def _answer(query: Query, backend: SearchBackend, *, fall_back: bool = True) -> SearchResults:
    try:
        results = _found(query, backend)
    except BackendUnavailable:
        if not fall_back or backend.fallback is None:
            raise
        logger.warning("Search backend unavailable; its fallback answers", exc_info=True)
        results = replace(_found(query, backend.fallback), degraded=True)
    # Found by meaning alone, a text says nothing about whether a word was mistyped.
    if query.clauses and results.word_matches < settings.SEARCH_SUGGESTION_MAX_HITS:
        suggestion = suggestion_for(query.request.text, query.clauses, query.audiences)
        results = replace(results, suggestion=suggestion)
    return results


def search(request: SearchRequest, *, viewer: Any) -> SearchResults:
    """Search everything the viewer may see: by words, and by meaning when SEARCH_VECTORS is
    on (the two rankings fused)."""
    return _answer(_query(request, viewer), get_backend())


def search_with_backend(
    request: SearchRequest, *, viewer: Any, backend: str, vectors: bool | None = None
) -> SearchResults:
    """For benchmarks: force "database", "elasticsearch" (must be configured) or
    "elasticsearch-baseline" (the plain `german`-analysed fields). No fallback: a benchmark
    must fail rather than measure the database under the wrong name. `vectors` forces the
    search by meaning on or off (None: as settings say); `vector_only_search` is the other half."""
    chosen = backend_named(backend)
    with vectors_forced(vectors):
        return _answer(_query(request, viewer), chosen, fall_back=False)


def vector_only_search(request: SearchRequest, *, viewer: Any, backend: str) -> list[SearchHit]:
    """For the relevance benchmark: the first page of the search by meaning alone."""
    chosen = backend_named(backend)
    query = _query(request, viewer)
    matches = chosen.vector_search(
        query,
        embed_query(request.text),
        limit=VECTOR_DEPTH,
        floor=SIMILARITY_FLOOR,
        kinds=query.request.kinds,
    )
    entries = _entries_of(matches)
    hits = [
        _meaning_hit(entries[match.entry_id], match.similarity)
        for match in matches
        if match.entry_id in entries and _matches_facets(entries[match.entry_id], query.request)
    ]
    return hits[: query.request.page_size]


def nearest(entry_key: str, *, viewer: Any, kinds: frozenset[str], limit: int) -> list[SearchHit]:
    """The things closest in meaning to one thing (the mean of its stored passage vectors),
    among those the viewer may see, of these kinds (all if empty), the thing itself excluded;
    [] when the thing has no vectors yet or the search by meaning is off."""
    if not vectors_enabled() or limit < 1:
        return []
    audiences = viewer_audiences(viewer)
    # A thing with several entries (a profile per audience) is its first entry's meaning.
    first_entry = SearchEntry.objects.filter(key=entry_key).order_by("id").values("entry_id")[:1]
    rows = EntryVector.objects.filter(entry_id__in=first_entry).values_list("vector", flat=True)
    if not rows:
        return []
    # Its passages together: the page as a whole, not only its opening lines.
    mean = np.mean([np.frombuffer(bytes(row), dtype=np.float32) for row in rows], axis=0)
    vector = (mean / np.linalg.norm(mean)).astype(np.float32)
    query = Query(
        request=SearchRequest(text=""),
        clauses=[],
        audiences=audiences,
        facet_labels={},
    )
    backend: SearchBackend | None = get_backend()
    matches: list = []
    while backend is not None:
        try:
            matches = backend.vector_search(
                query,
                vector,
                limit=limit,
                floor=SIMILARITY_FLOOR,
                kinds=kinds,
                exclude_keys=frozenset({entry_key}),
            )
            break
        except BackendUnavailable:
            backend = backend.fallback
    entries = _entries_of(matches)
    return [
        _meaning_hit(entries[match.entry_id], match.similarity)
        for match in matches
        if match.entry_id in entries
    ][:limit]


def _titles(text: str, audiences: frozenset[str], limit: int) -> list[Suggestion]:
    """Titles from the backend, else from its fallback (down, or nothing found)."""
    backend: SearchBackend | None = get_backend()
    while backend is not None:
        try:
            titles = backend.suggest(text, audiences, limit)
        except BackendUnavailable:
            titles = []
        if titles:
            return titles
        backend = backend.fallback
    return []


def autocomplete(text: str, *, viewer: Any, limit: int = 8) -> list[Suggestion]:
    """Suggestions while typing: titles the viewer may see, then words of the index."""
    clauses = parse(text)
    if not clauses or limit < 1:
        return []
    titles = _titles(text, viewer_audiences(viewer), limit)
    suggestions: list[Suggestion] = titles[: max(1, limit - limit // 3)]
    last_word = text.split()[-1].lower() if text.split() else ""
    if len(last_word) >= 2:
        head = " ".join(text.split()[:-1])
        words = Term.objects.filter(word__startswith=last_word).order_by(
            "-document_frequency", "word"
        )[: limit - len(suggestions)]
        search_url = reverse("search:search")
        for term in words:
            query_text = f"{head} {term.word}".strip()
            suggestions.append(
                {
                    "label": query_text,
                    "url": f"{search_url}?{urlencode({'q': query_text})}",
                    "kind": "query",
                }
            )
    return suggestions[:limit]


def related_topics(text: str, *, limit: int = 6) -> list[Topic]:
    """Topics to explore when nothing was found: those whose name or description shares a
    word with the query, else the first topics of the taxonomy."""
    words = [word for word in text.split() if len(word) >= 4][:10]
    condition = Q()
    for word in words:
        condition |= Q(name__icontains=word) | Q(description__icontains=word)
    topics = list(Topic.objects.filter(condition)[:limit]) if words else []
    return topics or list(Topic.objects.all()[:limit])
