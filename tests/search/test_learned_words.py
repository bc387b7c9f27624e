"""Word parts and abbreviations learned from the indexed texts (issue 20, item 2), the same on
every backend: a compound whose part is on no list is split and found by its part; an
abbreviation a text writes out finds the long form and back, without flooding; a name written
as one word in the query is found where the text writes two."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from members.roles import Role
from search.analysis import elasticsearch_index_settings, expand_query, query_word
from search.api import SearchRequest, search
from search.backends import get_backend
from search.indexing import Item, index_items, learn_word_parts_from_index
from search.models import Audience, LearnedAbbreviation, LearnedWordPart, SynonymGroup
from tests.factories import MemberFactory, totp_activate
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


def keys(text: str) -> set[str]:
    return {hit.key for hit in search(SearchRequest(text=text), viewer=AnonymousUser()).hits}


def relearn(capture: Any) -> None:
    """What a rebuild does after storing: learn the word parts, then Elasticsearch gets an
    index with the new list."""
    with capture(execute=True):
        learn_word_parts_from_index()
    get_backend().rebuild()
    refresh_index()


# Word parts ----------


SALT_TEXTS = (
    search_item("lager", "Winterdienst", text="Das Streusalzlager am Bauhof ist voll."),
    search_item("verbrauch", "Bilanz", text="Der Streusalzverbrauch sank um ein Drittel."),
    search_item("salz", "Streusalz", text="Streusalz schadet den Bäumen."),
    search_item("other", "Lager", text="Das Lager und der Verbrauch von Papier."),
)


def test_an_unknown_compound_is_split_after_learning_and_found_by_its_part(
    indexed, django_capture_on_commit_callbacks
):
    indexed(*SALT_TEXTS)
    assert keys("Streusalz") == {"salz"}

    relearn(django_capture_on_commit_callbacks)

    assert "streusalz" in LearnedWordPart.objects.values_list("text", flat=True)
    assert keys("Streusalz") == {"salz", "lager", "verbrauch"}
    # The query splits the compound the same way: its parts, not every "Lager".
    assert keys("Streusalzlager") == {"lager"}


def test_learned_parts_reach_elasticsearch_as_its_word_list(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        index_items(list(SALT_TEXTS))
        learn_word_parts_from_index()

    word_list = elasticsearch_index_settings()["analysis"]["filter"]["kollegium_word_parts"]
    assert "streusalz" in word_list["word_list"]
    assert query_word("Streusalzkosten") is not None
    assert "streusalz" in query_word("Streusalzkosten").parts


def test_curated_parts_are_not_learned_again(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        index_items(
            [
                search_item("a", "Bürgerbeteiligung", text="Bürgerbeteiligung und Beteiligung."),
                search_item("b", "Jugendbeteiligung", text="Jugendbeteiligung in der Stadt."),
            ]
        )
        learn_word_parts_from_index()

    assert "beteiligung" not in LearnedWordPart.objects.values_list("text", flat=True)


def test_a_name_written_as_one_word_finds_the_text_that_writes_two(indexed):
    indexed(
        search_item("two", "Servicezeiten", text="Der Bürger Service hat samstags geöffnet."),
        search_item("apart", "Ehrenamt", text="Ein Service für Vereine, von Bürgern getragen."),
        search_item("none", "Wetter", text="Es regnet."),
    )

    assert "two" in keys("Bürgerservice")


# Abbreviations ----------


def test_a_written_out_abbreviation_finds_the_long_form_and_back(indexed):
    indexed(
        search_item(
            "defines",
            "Wärmeplanung",
            text="Das Wärmeplanungsgesetz (WPG) verpflichtet die Kommunen.",
        ),
        search_item("short", "Fristen", text="Nach dem WPG gelten kurze Fristen."),
        search_item("long", "Pflichten", text="Das Wärmeplanungsgesetz gilt seit 2024."),
    )

    assert set(LearnedAbbreviation.objects.values_list("source", "abbreviation", "long_form")) == {
        ("defines", "WPG", "Wärmeplanungsgesetz")
    }
    assert keys("WPG") == {"defines", "short", "long"}
    assert keys("Wärmeplanungsgesetz") == {"defines", "short", "long"}


def test_a_long_name_must_stand_together_not_flood(indexed):
    indexed(
        search_item(
            "defines",
            "Gründung",
            text="Die Kommunale Wärmeagentur Nord (KWAN) berät seit Mai.",
        ),
        search_item("inflected", "Beratung", text="Die Beratung der kommunalen Wärmeagentur Nord."),
        search_item(
            "apart", "Nordsee", text="Im Norden fehlt eine Agentur; kommunale Wärme ist teuer."
        ),
    )

    assert keys("KWAN") == {"defines", "inflected"}


def test_a_long_name_is_found_written_as_one_word(indexed):
    indexed(
        search_item("defines", "Programm", text="Die Smart City (SC) verbindet die Ämter."),
        search_item("joined", "Strategie", text="Unsere Smartcity-Strategie steht."),
        search_item("apart", "Handy", text="Ein smartes Telefon für die City."),
    )

    assert keys("SC") == {"defines", "joined"}


def test_curated_and_editors_groups_win_over_learned_pairs(
    indexed, django_capture_on_commit_callbacks
):
    indexed(search_item("a", "OZG", text="Das Onlinezugangs-Gesetzbuch (OZG) ist erfunden."))
    assert expand_query("OZG")[0].alternatives == ("Onlinezugangsgesetz",)

    indexed(search_item("b", "Kosten", text="Die Kosten der Unterkunft (KdU) steigen."))
    assert expand_query("KdU")[0].alternatives == ("Kosten der Unterkunft",)
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(terms="KdU\nUnterkunftskosten")
    assert expand_query("KdU")[0].alternatives == ("Unterkunftskosten",)


def test_only_texts_everyone_reads_teach_abbreviations(indexed):
    indexed(
        search_item(
            "secret",
            "Vermerk",
            audience=Audience.MEMBERS,
            text="Die Geheime Arbeitsgruppe Nord (GAN) tagt.",
        )
    )

    assert not LearnedAbbreviation.objects.exists()
    assert expand_query("GAN")[0].alternatives == ()


def test_a_text_that_no_longer_defines_a_pair_takes_it_away(indexed):
    indexed(search_item("a", "Gesetz", text="Das Wärmeplanungsgesetz (WPG) gilt."))
    assert expand_query("WPG")[0].alternatives == ("Wärmeplanungsgesetz",)

    indexed(search_item("a", "Gesetz", text="Das Gesetz gilt."))

    assert expand_query("WPG")[0].alternatives == ()


# Editors see what was learned, read only ----------


@pytest.fixture
def editor_client(db, client):
    editor = MemberFactory(email="redaktion@kollegium.example", roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    return client


def test_editors_see_learned_abbreviations_and_parts_but_cannot_edit_them(editor_client):
    pair = LearnedAbbreviation.objects.create(
        source="practice:1", abbreviation="WPG", long_form="Wärmeplanungsgesetz"
    )
    LearnedWordPart.objects.create(text="streusalz")

    abbreviations = editor_client.get(reverse("wagtailsnippets_search_learnedabbreviation:list"))
    parts = editor_client.get(reverse("wagtailsnippets_search_learnedwordpart:list"))
    adding = editor_client.get(reverse("wagtailsnippets_search_learnedabbreviation:add"))
    editing = editor_client.post(
        reverse("wagtailsnippets_search_learnedabbreviation:edit", args=[pair.pk]),
        {"abbreviation": "WPG", "long_form": "Wärmepumpengesetz", "source": "practice:1"},
    )
    inspecting = editor_client.get(
        reverse("wagtailsnippets_search_learnedabbreviation:inspect", args=[pair.pk])
    )

    assert "Wärmeplanungsgesetz" in abbreviations.content.decode()
    assert "streusalz" in parts.content.decode()
    assert reverse("wagtailsnippets_search_learnedabbreviation:add") not in (
        abbreviations.content.decode()
    )
    assert adding.status_code in (302, 403)
    assert editing.status_code in (302, 403)
    pair.refresh_from_db()
    assert pair.long_form == "Wärmeplanungsgesetz"
    assert "Wärmeplanungsgesetz" in inspecting.content.decode()
