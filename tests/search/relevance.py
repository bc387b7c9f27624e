"""Relevance measured on the judged query set (judgements.toml) over the demo practice pages.

Shared by tests/search/test_relevance.py (a regression floor) and bench/relevance.py (the table
per backend and category). Only practice pages are judged, so the queries ask for that kind.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JUDGEMENTS_PATH = Path(__file__).with_name("judgements.toml")
CUTOFF = 10
CATEGORIES = (
    "Flexion",
    "Komposita",
    "Umlaute",
    "Abkürzungen",
    "Synonyme",
    "Tippfehler",
    "Fragen",
    "Teiltreffer",
    "Umschreibung",
)
# How a judged query is searched: by words and meaning fused (as `search.api.search` does with
# SEARCH_VECTORS on), by words alone, or by meaning alone.
MODES = ("hybrid", "words", "meaning")


@dataclass(frozen=True)
class Judgement:
    text: str
    category: str
    grades: Mapping[str, int]  # practice page slug -> 2 (exactly this) or 1 (partly)


@dataclass(frozen=True)
class Outcome:
    judgement: Judgement
    ranked: tuple[str, ...]  # slugs of the first CUTOFF hits, best first
    total: int


@dataclass(frozen=True)
class Scores:
    queries: int
    ndcg: float
    recall: float
    zero_results: float  # share of queries without any hit


def judgements() -> tuple[Judgement, ...]:
    with JUDGEMENTS_PATH.open("rb") as source:
        entries = tomllib.load(source)["query"]
    return tuple(
        Judgement(text=entry["text"], category=entry["category"], grades=entry["relevant"])
        for entry in entries
    )


def _dcg(gains: Iterable[int]) -> float:
    return sum((2**gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = CUTOFF) -> float:
    """Normalised discounted cumulative gain with exponential gain (2^grade - 1)."""
    ideal = _dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return _dcg(grades.get(slug, 0) for slug in ranked[:k]) / ideal


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = CUTOFF) -> float:
    relevant = {slug for slug, grade in grades.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def score(outcomes: Sequence[Outcome]) -> Scores:
    count = len(outcomes)
    if not count:
        return Scores(queries=0, ndcg=0.0, recall=0.0, zero_results=0.0)
    return Scores(
        queries=count,
        ndcg=sum(ndcg_at(o.ranked, o.judgement.grades) for o in outcomes) / count,
        recall=sum(recall_at(o.ranked, o.judgement.grades) for o in outcomes) / count,
        zero_results=sum(1 for o in outcomes if o.total == 0) / count,
    )


def score_by_category(outcomes: Sequence[Outcome]) -> dict[str, Scores]:
    """Scores per category in the fixed order, then "Gesamt" over all queries."""
    table = {
        category: score([o for o in outcomes if o.judgement.category == category])
        for category in CATEGORIES
    }
    table["Gesamt"] = score(outcomes)
    return table


def run_judged_set(
    backend: str, *, viewer: Any = None, follow_suggestion: bool = False, mode: str = "words"
) -> list[Outcome]:
    """Every judged query through `search.api.search_with_backend`, as an anonymous visitor.

    With `follow_suggestion`, a query whose answer offers "Meinten Sie …?" is judged by the
    results of the suggested query: what a user sees after one click. `mode` is one of MODES.
    Needs the demo content in the database and in the backend's index (and its vectors for the
    modes with meaning).
    """
    from django.contrib.auth.models import AnonymousUser

    from hub.models import PracticePage
    from search.api import SearchRequest, search_with_backend, vector_only_search

    viewer = viewer if viewer is not None else AnonymousUser()
    slugs = {f"practice:{pk}": slug for pk, slug in PracticePage.objects.values_list("pk", "slug")}

    def ask(text: str) -> Any:
        request = SearchRequest(text=text, kinds=frozenset({"practice"}), page_size=CUTOFF)
        return search_with_backend(
            request, viewer=viewer, backend=backend, vectors=mode == "hybrid"
        )

    outcomes = []
    for judgement in judgements():
        if mode == "meaning":
            request = SearchRequest(
                text=judgement.text, kinds=frozenset({"practice"}), page_size=CUTOFF
            )
            hits = vector_only_search(request, viewer=viewer, backend=backend)
            ranked = tuple(slugs.get(hit.key, hit.key) for hit in hits)
            outcomes.append(Outcome(judgement=judgement, ranked=ranked, total=len(hits)))
            continue
        results = ask(judgement.text)
        if follow_suggestion and results.suggestion:
            results = ask(results.suggestion)
        ranked = tuple(slugs.get(hit.key, hit.key) for hit in results.hits[:CUTOFF])
        outcomes.append(Outcome(judgement=judgement, ranked=ranked, total=results.total))
    return outcomes
