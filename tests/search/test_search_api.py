"""The behaviour of search, the same on every backend: who finds what, facets, highlights,
sorting, paging and bad input."""

from __future__ import annotations

import pytest

from search.api import SearchRequest, autocomplete, search


def keys(results):
    return [hit.key for hit in results.hits]


def test_published_practice_page_is_found_with_highlights(world):
    results = search(SearchRequest(text="Beteiligung"), viewer=world.anonymous)

    assert results.hits[0].key == f"practice:{world.practice.pk}"
    assert results.hits[0].title == "Bürgerbeteiligung in der Kommune"
    assert "<mark>Beteiligung</mark>" in results.hits[0].snippet
    assert results.degraded is False


def test_drafts_are_never_found(world):
    for viewer in (world.anonymous, world.member):
        results = search(SearchRequest(text="Losverfahren Haushaltsplanung"), viewer=viewer)
        assert f"practice:{world.draft.pk}" not in keys(results)
        assert search(SearchRequest(text="Geheimer Entwurf"), viewer=viewer).total == 0


def test_private_channel_messages_only_for_its_members(world):
    member_results = search(SearchRequest(text="Losverfahren"), viewer=world.member)
    insider_results = search(SearchRequest(text="Losverfahren"), viewer=world.outsider_member)
    anonymous_results = search(SearchRequest(text="Losverfahren"), viewer=world.anonymous)

    assert f"message:{world.open_message.pk}" in keys(member_results)
    assert f"message:{world.private_message.pk}" not in keys(member_results)
    assert f"message:{world.private_message.pk}" in keys(insider_results)
    assert not any(key.startswith("message:") for key in keys(anonymous_results))


def test_pending_accounts_see_only_public_content(world):
    results = search(SearchRequest(text="Losverfahren"), viewer=world.pending)

    assert not any(key.startswith("message:") for key in keys(results))
    assert search(SearchRequest(text="Wartend"), viewer=world.member).total == 0


def test_members_only_profile_fields_only_for_members(world):
    profile_key = f"profile:{world.public_profile_owner.profile.pk}"

    by_position = search(SearchRequest(text="Bürgerbüro"), viewer=world.anonymous)
    by_bio_anonymous = search(SearchRequest(text="Losverfahren"), viewer=world.anonymous)
    by_bio_member = search(SearchRequest(text="Losverfahren"), viewer=world.member)
    hidden_profile = search(SearchRequest(text="Intern"), viewer=world.anonymous)

    assert profile_key in keys(by_position)
    assert profile_key not in keys(by_bio_anonymous)
    assert profile_key in keys(by_bio_member)
    assert keys(by_bio_member).count(profile_key) == 1
    assert f"profile:{world.members_only_owner.profile.pk}" not in keys(hidden_profile)


def test_courses_and_sessions_are_found(world):
    results = search(SearchRequest(text="Vergabe"), viewer=world.anonymous)

    assert f"course:{world.course.pk}" in keys(results)
    assert f"session:{world.session.pk}" in keys(results)


def test_facets_count_and_filter(world):
    everything = search(SearchRequest(text="Kommune"), viewer=world.anonymous)
    only_courses = search(
        SearchRequest(text="Kommune", kinds=frozenset({"course"})), viewer=world.anonymous
    )
    by_topic = search(
        SearchRequest(text="Kommune", topics=frozenset({world.topics["Vergabe"].slug})),
        viewer=world.anonymous,
    )

    assert set(everything.facets) == {"kind", "topic", "administration_level", "state"}
    kinds = {facet.value: facet for facet in everything.facets["kind"]}
    assert kinds["practice"].count == 1 and kinds["course"].count == 1
    assert kinds["practice"].label == "Praxisbeispiel"
    assert keys(only_courses) == [f"course:{world.course.pk}"]
    # Other values of a facet keep their counts, so a second one can be ticked as well.
    course_kinds = {facet.value: facet for facet in only_courses.facets["kind"]}
    assert course_kinds["course"].selected and course_kinds["practice"].count == 1
    assert keys(by_topic) == [f"course:{world.course.pk}"]
    topics = {facet.value: facet for facet in by_topic.facets["topic"]}
    assert topics[world.topics["Vergabe"].slug].selected
    assert topics[world.topics["Bürgerbeteiligung"].slug].count == 1
    assert topics[world.topics["Bürgerbeteiligung"].slug].label == "Bürgerbeteiligung"


def test_kind_filter_and_unknown_values(world):
    results = search(
        SearchRequest(text="Losverfahren", kinds=frozenset({"message", "nonsense"})),
        viewer=world.member,
    )
    assert {hit.kind for hit in results.hits} == {"message"}

    unknown = search(
        SearchRequest(text="Beteiligung", topics=frozenset({"gibt-es-nicht"})),
        viewer=world.anonymous,
    )
    assert unknown.total >= 1


def test_state_and_level_facets(world):
    results = search(
        SearchRequest(text="Akte Beteiligung", states=frozenset({"SN"})), viewer=world.anonymous
    )
    assert keys(results) and all(hit.kind == "practice" for hit in results.hits)
    assert results.hits[0].title == "E-Akte im Landesamt"
    levels = {facet.value for facet in results.facets["administration_level"]}
    assert "land" in levels


def test_sort_by_date_puts_newest_first(world):
    results = search(SearchRequest(text="Losverfahren", sort="date"), viewer=world.member)
    dates = [hit.date for hit in results.hits if hit.date]
    assert dates == sorted(dates, reverse=True)


def test_pagination_and_out_of_range_pages(world):
    first = search(SearchRequest(text="", page_size=2), viewer=world.anonymous)
    second = search(SearchRequest(text="", page=2, page_size=2), viewer=world.anonymous)
    beyond = search(SearchRequest(text="", page=999, page_size=2), viewer=world.anonymous)

    assert first.total >= 4 and first.num_pages >= 2
    assert not set(keys(first)) & set(keys(second))
    assert beyond.page == beyond.num_pages and beyond.hits


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        ":",
        "(",
        "AND",
        "Kommune AND (",
        'title:"Bürger',
        "'; DROP TABLE search_searchentry; --",
        "1 OR 1=1",
        "x" * 10_000,
        "NEAR(a b)",
        "\\",
        "-Kommune",
    ],
)
def test_bad_input_never_fails(world, text):
    results = search(SearchRequest(text=text), viewer=world.member)

    assert results.total >= 0
    assert search(SearchRequest(text="Beteiligung"), viewer=world.anonymous).total >= 1


def test_phrase_in_quotes(world):
    results = search(SearchRequest(text='"elektronische Akte"'), viewer=world.anonymous)
    assert keys(results) and results.hits[0].title == "E-Akte im Landesamt"
    assert search(SearchRequest(text='"Akte elektronische"'), viewer=world.anonymous).total == 0


def test_did_you_mean_for_a_typo(world):
    results = search(SearchRequest(text="Bürgerhaushlt"), viewer=world.anonymous)
    assert results.suggestion == "Bürgerhaushalt"

    question = search(SearchRequest(text="Wie lief der bürgerhaushlt?"), viewer=world.anonymous)
    assert question.suggestion == "Wie lief der bürgerhaushalt?"


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Wie beantrage ich Wohngled?", "Wie beantrage ich Wohngeld?"),
        ("WOHNGLED", "WOHNGELD"),
        ("Datenschutzbeauftragtr", "Datenschutzbeauftragter"),
        ("Datnschutzbeauftragtr", "Datenschutzbeauftragter"),
        # Real words the index does not know, two letters away from words it knows.
        ("Was müssen wir beachten?", None),
        ("Regelung", None),
        ("Wohngeld", None),
    ],
)
def test_did_you_mean_corrects_typos_but_not_words_the_index_lacks(db, text, suggestion):
    from search.api import suggestion_for
    from search.indexing import index_items
    from search.models import Audience
    from search.query import parse
    from tests.search.items import search_item

    index_items(
        [
            search_item(
                "message:1",
                "Wohngeld",
                kind="message",
                text="Wir brauchten lange für die Regeln des Datenschutzbeauftragter-Teams.",
            )
        ]
    )

    assert suggestion_for(text, parse(text), frozenset({Audience.PUBLIC})) == suggestion


def test_did_you_mean_leaves_another_inflection_of_a_known_word_alone(
    db, django_assert_num_queries
):
    from search.api import suggestion_for
    from search.indexing import index_items
    from search.models import Audience
    from search.query import parse
    from tests.search.items import search_item

    index_items([search_item("practice:1", "Stellenanzeigen verständlich schreiben")])
    text = "Stellenanzeige"

    # "Stellenanzeige" has the token of "Stellenanzeigen": the vocabulary lookup settles it,
    # no word is checked against the index.
    with django_assert_num_queries(1):
        assert suggestion_for(text, parse(text), frozenset({Audience.PUBLIC})) is None


def test_autocomplete_offers_titles_and_words(world):
    suggestions = autocomplete("Bürgerbet", viewer=world.anonymous)

    assert {
        "label": "Bürgerbeteiligung in der Kommune",
        "url": world.practice.url,
        "kind": "practice",
    } in suggestions
    assert any(item["kind"] == "query" for item in suggestions)
    assert autocomplete("Vertraul", viewer=world.anonymous) == []


def test_benchmarks_choose_the_backend_and_never_fall_back(db, settings):
    from django.contrib.auth.models import AnonymousUser

    from search.api import search_with_backend
    from search.backends import ElasticsearchUnavailable

    settings.ELASTICSEARCH_URL = ""
    request = SearchRequest(text="Kommune")
    assert search_with_backend(request, viewer=AnonymousUser(), backend="database").total == 0
    with pytest.raises(ElasticsearchUnavailable):
        search_with_backend(request, viewer=AnonymousUser(), backend="elasticsearch")
    with pytest.raises(ValueError, match="Unknown backend"):
        search_with_backend(request, viewer=AnonymousUser(), backend="solr")


def test_too_few_matches_are_broadened_to_compound_heads_then_any_word(world):
    heads = search(SearchRequest(text="Jugendbeteiligung"), viewer=world.anonymous)
    any_word = search(SearchRequest(text="Papierakte Losverfahren"), viewer=world.member)
    filtered = search(
        SearchRequest(text="Papierakte Losverfahren", kinds=frozenset({"message"})),
        viewer=world.member,
    )

    # Nothing mentions youth; the head "Beteiligung" stands in for the compound.
    assert keys(heads)[0] == f"practice:{world.practice.pk}"
    # No entry has both words, so any of them will do; the facets still apply.
    assert {hit.title for hit in any_word.hits} >= {"E-Akte im Landesamt"}
    assert f"message:{world.open_message.pk}" in keys(any_word)
    assert keys(filtered) == [f"message:{world.open_message.pk}"]
    assert filtered.total == 1


def _index_for_suggestions(*items):
    from search.indexing import index_items

    index_items(list(items))


def test_did_you_mean_never_offers_a_word_the_viewer_cannot_find(db):
    from search.api import suggestion_for
    from search.models import Audience
    from search.query import parse
    from tests.search.items import search_item

    _index_for_suggestions(
        search_item(
            "message:1",
            "Intern",
            kind="message",
            audience=Audience.channel(7),
            text="Haushaltsbrief",
        ),
        # Words of entries for visitors only are in the vocabulary, but members do not see them.
        search_item(
            "profile:1",
            "Profil",
            kind="profile",
            audience=Audience.OUTSIDERS,
            text="Haushaltsvorbehalt",
        ),
    )
    visitors = frozenset({Audience.PUBLIC, Audience.OUTSIDERS})
    members = frozenset({Audience.PUBLIC, Audience.MEMBERS, Audience.channel(7)})

    assert suggestion_for("Haushaltsvorbehlt", parse("Haushaltsvorbehlt"), visitors) == (
        "Haushaltsvorbehalt"
    )
    assert suggestion_for("Haushaltsvorbehlt", parse("Haushaltsvorbehlt"), members) is None
    assert suggestion_for("Haushaltsbrif", parse("Haushaltsbrif"), members) is None


def test_did_you_mean_skips_words_the_viewer_cannot_find_for_one_they_can(db):
    from search.api import suggestion_for
    from search.models import Audience
    from search.query import parse
    from tests.search.items import search_item

    _index_for_suggestions(
        # The more common word is the first candidate, but members do not see its entries.
        *(
            search_item(
                f"profile:{number}",
                "Profil",
                kind="profile",
                audience=Audience.OUTSIDERS,
                text="Bauamt",
            )
            for number in range(3)
        ),
        search_item("practice:1", "Bauart", text="Die Bauart."),
    )
    visitors = frozenset({Audience.PUBLIC, Audience.OUTSIDERS})
    members = frozenset({Audience.PUBLIC, Audience.MEMBERS})

    assert suggestion_for("Bauaxt", parse("Bauaxt"), visitors) == "Bauamt"
    assert suggestion_for("Bauaxt", parse("Bauaxt"), members) == "Bauart"


def test_did_you_mean_leaves_a_query_with_enough_hits_alone(db, settings, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    from search import api
    from tests.search.items import search_item

    _index_for_suggestions(
        *(search_item(f"practice:{number}", "Wohngeld", text="Antrag") for number in range(3))
    )
    monkeypatch.setattr(api, "suggestion_for", lambda *args: "Wohngeldantrag")
    request = SearchRequest(text="Wohngeld")

    settings.SEARCH_SUGGESTION_MAX_HITS = 4
    assert search(request, viewer=AnonymousUser()).suggestion == "Wohngeldantrag"
    settings.SEARCH_SUGGESTION_MAX_HITS = 3
    assert search(request, viewer=AnonymousUser()).suggestion is None


def test_did_you_mean_keeps_a_word_the_vocabulary_has(db):
    from search.api import suggestion_for
    from search.models import Audience
    from search.query import parse
    from tests.search.items import search_item

    _index_for_suggestions(
        search_item("practice:1", "Beteiligungen", text="Beteiligungen der Bürger."),
        search_item("practice:2", "Beteiligung", text="Beteiligung."),
    )

    for text in ("Beteiligungen", "Beteiligung"):
        assert suggestion_for(text, parse(text), frozenset({Audience.PUBLIC})) is None
