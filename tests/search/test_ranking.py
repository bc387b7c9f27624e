"""Ranking by how much of the query a text covers (issue 20, item 1), the same on every
backend: texts with every word first, then those with most of them; a title hit above a body
hit; a phrase in quotes stays exact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from search.api import SearchRequest, search
from search.indexing import Item, index_items
from tests.search.conftest import refresh_index
from tests.search.items import search_item


@pytest.fixture
def indexed(
    db: None, search_backend: str, django_capture_on_commit_callbacks: Any
) -> Callable[..., None]:
    def index(*items: Item) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            index_items(list(items))
        refresh_index()

    return index


def keys(text: str) -> list[str]:
    return [hit.key for hit in search(SearchRequest(text=text), viewer=AnonymousUser()).hits]


def test_a_text_with_three_of_four_words_is_found_below_the_one_with_all_four(indexed):
    indexed(
        search_item(
            "all",
            "Bericht aus dem Rathaus",
            text="Die Feuerwehr prüft die Schläuche, der Kreistag beschließt den Haushalt.",
        ),
        # More of its words, and in the title: the missing word still ranks it below.
        search_item(
            "most",
            "Feuerwehr prüft Schläuche",
            text="Feuerwehr, Feuerwehr: jede Wache prüft die Schläuche im Kreistag.",
        ),
        search_item("one", "Haushalt", text="Der Haushalt steht."),
        search_item("none", "Wetter", text="Es regnet."),
    )

    assert keys("Feuerwehr Schläuche Kreistag Haushalt") == ["all", "most"]


def test_a_title_hit_ranks_above_a_body_hit(indexed):
    indexed(
        search_item(
            "body",
            "Protokoll der Ratssitzung",
            text="Bürgerbeteiligung, Bürgerbeteiligung und noch einmal Bürgerbeteiligung.",
        ),
        search_item(
            "title",
            "Bürgerbeteiligung in der Kommune",
            text="Wie wir die Einwohner früh einbinden, mit Beispielen aus drei Städten.",
        ),
    )

    assert keys("Bürgerbeteiligung") == ["title", "body"]


def test_a_phrase_stays_exact(indexed):
    indexed(
        search_item("phrase", "Wartung", text="Die Feuerwehr prüft jeden Monat die Schläuche."),
        search_item("apart", "Wartung", text="Jeden Monat prüft die Feuerwehr die Schläuche."),
    )

    assert keys('"Feuerwehr prüft"') == ["phrase"]
    assert set(keys("Feuerwehr prüft")) == {"phrase", "apart"}


def test_a_word_met_only_through_its_compound_head_counts_half(indexed):
    indexed(
        # Two of the three words as typed, neither in the title.
        search_item(
            "typed", "Praxisbericht", text="Unser Leitfaden enthält eine Checkliste zum Ablauf."
        ),
        # One word as typed (in the title), "Bürgerbeteiligung" only through the head of
        # "Jugendbeteiligung": found once the query is broadened, but a word short.
        search_item("head", "Checkliste Jugendbeteiligung", text="Wie der Jugendrat mitredet."),
        search_item("none", "Wetter", text="Es regnet."),
    )

    assert keys("Bürgerbeteiligung Leitfaden Checkliste") == ["typed", "head"]
