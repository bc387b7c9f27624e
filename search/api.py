"""The query API (Contract B): what the search page, the autocomplete endpoint, seeders and
benchmarks call. Permissions are applied here, once, for every backend."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.http import urlencode
from rapidfuzz import process
from rapidfuzz.distance import OSA

from discussions.selectors import is_open_to_members, readable_channels
from hub.models import Topic
from members.models import AdministrationLevel, FederalState
from members.selectors import is_network_member
from search.backends import (
    BackendUnavailable,
    DatabaseBackend,
    Query,
    SearchBackend,
    Suggestion,
    backend_named,
    get_backend,
)
from search.indexing import vocabulary_word
from search.models import Audience, Kind, Term
from search.query import MAX_QUERY_LENGTH, Clause, full_form, parse
from search.types import FacetValue, SearchHit, SearchRequest, SearchResults

__all__ = [
    "FacetValue",
    "SearchHit",
    "SearchRequest",
    "SearchResults",
    "autocomplete",
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
    """The lower-case words that are not words of the index: the only candidates for a typo.
    One vocabulary lookup spares most of them the full-text query."""
    return words - set(Term.objects.filter(word__in=words).values_list("word", flat=True))


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


def _answer(query: Query, backend: SearchBackend, *, fall_back: bool = True) -> SearchResults:
    try:
        results = backend.search(query)
    except BackendUnavailable:
        if not fall_back or backend.fallback is None:
            raise
        logger.warning("Search backend unavailable; its fallback answers", exc_info=True)
        results = replace(backend.fallback.search(query), degraded=True)
    if query.clauses and results.total < settings.SEARCH_SUGGESTION_MAX_HITS:
        suggestion = suggestion_for(query.request.text, query.clauses, query.audiences)
        results = replace(results, suggestion=suggestion)
    return results


def search(request: SearchRequest, *, viewer: Any) -> SearchResults:
    """Search everything the viewer may see."""
    return _answer(_query(request, viewer), get_backend())


def search_with_backend(request: SearchRequest, *, viewer: Any, backend: str) -> SearchResults:
    """For benchmarks: force "database", "elasticsearch" (must be configured) or
    "elasticsearch-baseline" (the plain `german`-analysed fields). No fallback: a benchmark
    must fail rather than measure the database under the wrong name."""
    chosen = backend_named(backend)
    return _answer(_query(request, viewer), chosen, fall_back=False)


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
