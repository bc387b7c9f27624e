"""The search by meaning with the real model (`search.embedding`): who finds what by vectors,
the model offline, failed embeddings, `search_index status`, paraphrases and `nearest`. On
the database backend and on a real Elasticsearch node (the `world` fixture)."""

from __future__ import annotations

import io
import socket

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from search import api, embedding
from search.api import SearchRequest, nearest, search, search_with_backend
from search.models import EntryVector, SearchEntry, SearchGap
from search.vectors import missing_entry_ids
from tests.factories import practice_page_create
from tests.search.conftest import refresh_index

pytestmark = [pytest.mark.vectors, pytest.mark.django_db]


def keys(results):
    return [hit.key for hit in results.hits]


@pytest.fixture
def everything_is_close(monkeypatch):
    """Every stored vector counts as a match by meaning, however unrelated: what a viewer
    may not read must still never come back."""
    monkeypatch.setattr(api, "SIMILARITY_FLOOR", -1.0)
    monkeypatch.setattr(api, "ADDED_DEPTH", 100)
    monkeypatch.setattr(api, "VECTOR_DEPTH", 100)


def test_every_entry_gets_its_vectors_after_the_commit(world):
    assert missing_entry_ids() == []
    practice = EntryVector.objects.get(entry_id=f"practice:{world.practice.pk}", passage=0)
    assert len(practice.vector) == embedding.DIMENSIONS * 4
    assert not EntryVector.objects.filter(entry_id__startswith=f"practice:{world.draft.pk}")


def test_a_vector_only_hit_the_viewer_may_not_read_is_never_shown(world, everything_is_close):
    private = f"message:{world.private_message.pk}"
    profile = f"profile:{world.public_profile_owner.profile.pk}"
    hidden_profile = f"profile:{world.members_only_owner.profile.pk}"
    draft = f"practice:{world.draft.pk}"
    query = SearchRequest(text="Auslosung im Kreistag")

    anonymous = search(query, viewer=world.anonymous)
    pending = search(query, viewer=world.pending)
    member = search(query, viewer=world.member)
    insider = search(query, viewer=world.outsider_member)

    for results in (anonymous, pending):
        assert not any(key.startswith("message:") for key in keys(results))
        assert hidden_profile not in keys(results)
        # The profile is shown by its public fields only: the members-only bio is not the
        # snippet, nor did it find the profile (the public variant has no bio).
        shown = [hit for hit in results.hits if hit.key == profile]
        assert shown
        assert all("Losverfahren" not in hit.snippet for hit in shown)
    for results in (anonymous, pending, member, insider):
        assert draft not in keys(results)
        assert results.total == len(results.hits)
    assert private not in keys(member)
    assert private in keys(insider)
    assert f"message:{world.open_message.pk}" in keys(member)


def test_facet_filters_apply_to_vector_hits_and_they_are_counted(world, everything_is_close):
    everything = search(SearchRequest(text="Auslosung im Kreistag"), viewer=world.anonymous)
    practices = search(
        SearchRequest(text="Auslosung im Kreistag", kinds=frozenset({"practice"})),
        viewer=world.anonymous,
    )
    in_saxony = search(
        SearchRequest(text="Auslosung im Kreistag", states=frozenset({"SN"})),
        viewer=world.anonymous,
    )

    assert {hit.kind for hit in practices.hits} == {"practice"}
    kind_counts = {facet.value: facet.count for facet in everything.facets["kind"]}
    assert practices.total == kind_counts["practice"] == 2
    assert sum(kind_counts.values()) == everything.total == len(everything.hits)
    assert in_saxony.total == len(in_saxony.hits) >= 1
    entries = SearchEntry.objects.filter(key__in=keys(in_saxony))
    assert {entry.state for entry in entries} == {"SN"}


def test_a_paraphrase_finds_its_page_only_through_the_vector_half(world, search_backend):
    query = SearchRequest(text="Einwohnerinnen reden beim Stadtbudget mit")
    page = f"practice:{world.practice.pk}"

    by_words = search_with_backend(
        query, viewer=world.anonymous, backend=search_backend, vectors=False
    )
    hybrid = search_with_backend(query, viewer=world.anonymous, backend=search_backend)

    assert page not in keys(by_words)
    assert keys(hybrid)[0] == page
    hit = hybrid.hits[0]
    # Found by meaning, no word to mark: the page's opening sentence is the snippet.
    assert "<mark>" not in hit.snippet
    assert hit.snippet.startswith("Wie eine Stadt ihre Bürgerinnen und Bürger")
    assert hybrid.total == len(hybrid.hits)


def test_the_results_page_says_which_hits_share_no_word_with_the_query(world, client):
    page = client.get("/suche/", {"q": "Einwohnerinnen reden beim Stadtbudget mit"})
    hits = page.content.decode().split('<li class="search-hit ')[1:]

    assert "Ähnlich im Inhalt, ohne Ihre Suchwörter" in hits[0]
    worded = client.get("/suche/", {"q": "Bürgerbeteiligung"}).content.decode()
    first = worded.split('<li class="search-hit ')[1]
    assert "<mark>" in first
    assert "Ähnlich im Inhalt" not in first


def test_a_search_answered_by_meaning_alone_still_counts_as_a_content_gap(world, client, settings):
    settings.SEARCH_GAP_MAX_HITS = 1
    text = "Einwohnerinnen reden beim Stadtbudget mit"

    page = client.get("/suche/", {"q": text}).content.decode()
    client.get("/suche/", {"q": "Bürgerbeteiligung"})

    assert "Ähnlich im Inhalt, ohne Ihre Suchwörter" in page
    gap = SearchGap.objects.get()
    assert (gap.query, gap.result_count) == (text.casefold(), 0)


def test_a_phrase_query_stays_with_the_words(world):
    results = search(
        SearchRequest(text='"Einwohnerinnen reden beim Stadtbudget mit"'), viewer=world.anonymous
    )

    assert results.total == 0


def test_nonsense_finds_nothing_by_meaning(world):
    assert search(SearchRequest(text="Rezept für Apfelkuchen"), viewer=world.anonymous).total == 0


def test_nearest_lists_close_things_the_viewer_may_see_without_the_thing_itself(world):
    page = f"practice:{world.practice.pk}"

    for viewer in (world.anonymous, world.member):
        close = nearest(page, viewer=viewer, kinds=frozenset(), limit=20)
        assert page not in [hit.key for hit in close]
        assert f"message:{world.private_message.pk}" not in [hit.key for hit in close]
    practices = nearest(page, viewer=world.anonymous, kinds=frozenset({"practice"}), limit=5)
    assert {hit.kind for hit in practices} <= {"practice"}
    assert nearest("practice:0", viewer=world.anonymous, kinds=frozenset(), limit=5) == []


def test_the_model_loads_and_embeds_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(embedding, "_model", None)

    vectors = embedding.embed_passages(["Bürgerbeteiligung in der Kommune"])
    query = embedding.embed_query("Einwohner reden mit")

    assert vectors.shape == (1, embedding.DIMENSIONS)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-3
    assert query.shape == (embedding.DIMENSIONS,)


def test_a_failed_embedding_leaves_the_page_findable_by_words_and_is_retried(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(texts):
        raise RuntimeError("model crashed")

    monkeypatch.setattr("search.vectors.embed_passages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        page = practice_page_create(
            title="Wärmepumpen im Rathaus", summary="Wie ein Rathaus ohne Gas heizt."
        )
    key = f"practice:{page.pk}"

    found = search(SearchRequest(text="Wärmepumpen"), viewer=AnonymousUser())
    status = io.StringIO()
    call_command("search_index", "status", stdout=status)

    assert keys(found) == [key]
    assert missing_entry_ids() == [key]
    assert "Einträge ohne Vektoren: 1" in status.getvalue()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        practice_page_create(title="Solardach auf der Schule", summary="Strom vom Schuldach.")
    refresh_index()
    status = io.StringIO()
    call_command("search_index", "status", stdout=status)

    assert missing_entry_ids() == []
    assert "Einträge ohne Vektoren: 0" in status.getvalue()
    assert EntryVector.objects.filter(entry_id=key).exists()


def test_search_index_vectors_embeds_what_is_missing(
    db, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_VECTORS = False
    with django_capture_on_commit_callbacks(execute=True):
        page = practice_page_create(title="Wärmepumpen im Rathaus")
    settings.SEARCH_VECTORS = True
    assert missing_entry_ids() == [f"practice:{page.pk}"]

    call_command("search_index", "vectors", stdout=io.StringIO(), verbosity=0)

    assert missing_entry_ids() == []


def test_an_unchanged_text_keeps_its_vector_and_a_removed_entry_loses_it(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = practice_page_create(title="Wärmepumpen im Rathaus")
    key = f"practice:{page.pk}"
    before = EntryVector.objects.get(entry_id=key, passage=0).pk
    embedded: list[str] = []
    real = embedding.embed_passages
    monkeypatch.setattr(
        "search.vectors.embed_passages", lambda texts: embedded.extend(texts) or real(texts)
    )

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert EntryVector.objects.get(entry_id=key, passage=0).pk == before
    assert embedded == []

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not EntryVector.objects.filter(entry_id=key).exists()


def test_a_failing_model_leaves_the_search_to_the_words(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = practice_page_create(title="Wärmepumpen im Rathaus")

    def broken(text):
        raise RuntimeError("model crashed")

    monkeypatch.setattr("search.api.embed_query", broken)
    results = search(SearchRequest(text="Wärmepumpen"), viewer=AnonymousUser())

    assert keys(results) == [f"practice:{page.pk}"]
