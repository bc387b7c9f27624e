"""Editors extend the word parts and synonyms; bad entries get a German message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.roles import Role
from search.analysis import elasticsearch_index_settings, expand_query, query_tokens
from search.models import SynonymGroup, WordPart
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = MemberFactory(email="redaktion@kollegium.example", roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    return client


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# Word parts ----------


def test_word_part_is_normalised_on_clean_and_save():
    part = WordPart(text="  Wärmeplanung ")

    part.full_clean()
    part.save()

    assert part.text == "wärmeplanung"
    assert part.normalized == "warmeplanung"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Bitte"),
        ("   ", "Bitte"),
        ("ab", "3 bis 20"),
        ("Donaudampfschifffahrtsgesellschaft", "20"),
        ("Open Data", "nur aus Buchstaben"),
        ("E-Akte", "nur aus Buchstaben"),
        ("akte,amt", "nur aus Buchstaben"),
        ('akte"', "nur aus Buchstaben"),
        ("amt=>behörde", "nur aus Buchstaben"),
        ("ozg2", "nur aus Buchstaben"),
        ("Beteiligung", "Grundliste"),
        ("Buerger", "Grundliste"),
    ],
)
def test_bad_word_parts_are_refused_in_german(text, message):
    with pytest.raises(ValidationError) as error:
        WordPart(text=text).full_clean()

    assert message in messages(error.value, "text")


def test_a_word_part_in_another_spelling_is_a_duplicate():
    WordPart.objects.create(text="wärmeplanung")

    with pytest.raises(ValidationError) as error:
        WordPart(text="Waermeplanung").full_clean()

    assert "schon als „wärmeplanung“" in messages(error.value, "text")


def test_a_new_word_part_reaches_the_index_settings_and_queries(django_capture_on_commit_callbacks):
    assert "warm" not in query_tokens("Kommunalwärmeplanung")

    with django_capture_on_commit_callbacks(execute=True):
        WordPart.objects.create(text="Wärme")

    word_list = elasticsearch_index_settings()["analysis"]["filter"]["kollegium_word_parts"]
    assert "warme" in word_list["word_list"]
    assert "warm" in query_tokens("Kommunalwärmeplanung")


# Synonyms ----------


def test_synonym_group_is_normalised():
    group = SynonymGroup(terms=" KdU \n\nKosten  der Unterkunft\nKdU\n")

    group.full_clean()

    assert group.terms == "KdU\nKosten der Unterkunft"
    assert group.term_list() == ("KdU", "Kosten der Unterkunft")
    assert str(group) == "KdU ↔ Kosten der Unterkunft"


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("", "mindestens zwei"),
        ("KdU", "mindestens zwei"),
        ("KdU\nkdu", "derselbe Begriff"),
        ("Wärmeplan\nWaermeplan", "derselbe Begriff"),
        ("KdU\nKosten | Unterkunft", "unzulässige Zeichen"),
        ("KdU\nKosten => Unterkunft", "unzulässige Zeichen"),
        ('KdU\n"Unterkunft"', "unzulässige Zeichen"),
        ("KdU\nKosten, Unterkunft", "unzulässige Zeichen"),
        ("KdU\n#Unterkunft", "unzulässige Zeichen"),
        ("KdU\n" + "x" * 81, "zu lang"),
        ("KdU\neins zwei drei vier fünf sechs sieben", "mehr als 6 Wörter"),
        ("\n".join(f"Begriff{i}" for i in range(13)), "höchstens 12"),
        ("OZG\nOnline-Gesetz", "Grundliste"),
    ],
)
def test_bad_synonym_groups_are_refused_in_german(terms, message):
    with pytest.raises(ValidationError) as error:
        SynonymGroup(terms=terms).full_clean()

    assert message in messages(error.value, "terms")


def test_a_term_of_another_group_is_a_duplicate():
    SynonymGroup.objects.create(terms="KdU\nKosten der Unterkunft")

    with pytest.raises(ValidationError) as error:
        SynonymGroup(terms="kdu\nUnterkunftskosten").full_clean()

    assert "„KdU ↔ Kosten der Unterkunft“" in messages(error.value, "terms")


def test_synonym_edits_work_at_the_next_query(django_capture_on_commit_callbacks):
    assert expand_query("KdU")[0].alternatives == ()

    with django_capture_on_commit_callbacks(execute=True):
        group = SynonymGroup.objects.create(terms="KdU\nKosten der Unterkunft")
    assert expand_query("KdU")[0].alternatives == ("Kosten der Unterkunft",)
    assert expand_query("Kosten der Unterkunft")[0].alternatives == ("KdU",)

    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert expand_query("KdU")[0].alternatives == ()


# Admin ----------


def test_editors_maintain_word_parts_in_the_admin(
    editor_client, django_capture_on_commit_callbacks
):
    url = reverse("wagtailsnippets_search_wordpart:add")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"text": "Wärmeplanung"})
    duplicate = editor_client.post(url, {"text": "waermeplanung"})

    assert response.status_code == 302
    assert duplicate.status_code == 200
    assert "schon als" in duplicate.content.decode()
    assert list(WordPart.objects.values_list("text", flat=True)) == ["wärmeplanung"]


def test_editors_maintain_synonyms_in_the_admin(editor_client, django_capture_on_commit_callbacks):
    url = reverse("wagtailsnippets_search_synonymgroup:add")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"terms": "KdU\r\nKosten der Unterkunft", "note": ""})
    broken = editor_client.post(url, {"terms": "nur ein Begriff", "note": ""})

    assert response.status_code == 302
    assert broken.status_code == 200
    assert "mindestens zwei" in broken.content.decode()
    assert expand_query("KdU")[0].alternatives == ("Kosten der Unterkunft",)


def test_the_admin_lists_show_the_entries(editor_client):
    WordPart.objects.create(text="wärmeplanung")
    SynonymGroup.objects.create(terms="KdU\nKosten der Unterkunft")

    parts = editor_client.get(reverse("wagtailsnippets_search_wordpart:list"))
    groups = editor_client.get(reverse("wagtailsnippets_search_synonymgroup:list"))

    assert "wärmeplanung" in parts.content.decode()
    assert "KdU ↔ Kosten der Unterkunft" in groups.content.decode()


def test_members_cannot_edit_the_lists(member_client):
    response = member_client.post(
        reverse("wagtailsnippets_search_wordpart:add"), {"text": "Wärmeplanung"}
    )

    assert response.status_code in (302, 403)
    assert not WordPart.objects.exists()
