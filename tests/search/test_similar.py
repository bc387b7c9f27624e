"""'Ähnliche Lösungen': what search.similar finds, for whom, how long it keeps it, and the
"Gibt es das schon?" endpoint of the submit forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from hub.models import PracticePage
from peer_learning.models import CoursePage
from search import indexing
from search.similar import SOLUTION_KINDS, similar_queries, similar_solutions
from tests.factories import practice_page_create
from tests.search.conftest import World, refresh_index

ALL_KINDS = ("practice", "course", "message", "profile", "document", "session")


def _keys(hits: list[Any]) -> list[str]:
    return [hit.key for hit in hits]


def test_the_item_itself_is_never_among_its_similar_solutions(world: World) -> None:
    key = f"practice:{world.practice.pk}"
    text = f"{world.practice.title}\n{world.practice.summary}"

    found = similar_solutions(viewer=world.member, key=key, text=text, kinds=SOLUTION_KINDS)
    typed = similar_solutions(viewer=world.member, key=None, text=text, kinds=SOLUTION_KINDS)

    assert key not in _keys(found)
    assert key in _keys(typed)


def test_a_draft_and_what_only_members_may_read_is_never_shown_to_a_visitor(world: World) -> None:
    text = "Haushaltsplanung mit Losverfahren\nBürgerhaushalt Losverfahren Kreistag vertraulich"

    seen = _keys(similar_solutions(viewer=world.anonymous, key=None, text=text, kinds=ALL_KINDS))
    members = _keys(similar_solutions(viewer=world.member, key=None, text=text, kinds=ALL_KINDS))
    insider = _keys(
        similar_solutions(viewer=world.outsider_member, key=None, text=text, kinds=ALL_KINDS)
    )

    assert f"practice:{world.draft.pk}" not in seen + members + insider
    assert f"message:{world.open_message.pk}" not in seen
    assert f"message:{world.open_message.pk}" in members
    assert f"message:{world.private_message.pk}" not in seen + members
    assert f"message:{world.private_message.pk}" in insider


def test_the_answer_is_kept_until_something_is_published(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    text = "Elektronische Akte\nWie die elektronische Akte das Papier ersetzt"
    before = similar_solutions(viewer=world.anonymous, key=None, text=text, kinds=SOLUTION_KINDS)

    PracticePage.objects.filter(title="E-Akte im Landesamt").update(title="Umbenannt")
    assert (
        similar_solutions(viewer=world.anonymous, key=None, text=text, kinds=SOLUTION_KINDS)
        == before
    ), "kept: nothing was published"

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = practice_page_create(
            title="Elektronische Akte im Kreishaus",
            summary="Wie ein Kreis die elektronische Akte in allen Ämtern eingeführt hat.",
        )
    refresh_index()
    after = similar_solutions(viewer=world.anonymous, key=None, text=text, kinds=SOLUTION_KINDS)

    assert f"practice:{newcomer.pk}" in _keys(after)


def test_solutions_filed_under_the_items_topic_rank_first(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    text = ("Stadtteilbudget für Vereine", "Wie Vereine ein Stadtteilbudget beantragen.")
    files, tenders = world.topics["E-Akte"], world.topics["Vergabe"]
    with django_capture_on_commit_callbacks(execute=True):
        filed = practice_page_create(
            title=text[0], summary=text[1], topics=(files,), slug="budget-akte"
        )
        tendered = practice_page_create(
            title=text[0], summary=text[1], topics=(tenders,), slug="budget-vergabe"
        )
        items = {
            topic: practice_page_create(
                title="Stadtteilbudget planen",
                summary="Ein Stadtteilbudget.",
                topics=(topic,),
                slug=f"planen-{topic.slug}",
            )
            for topic in (files, tenders)
        }
    refresh_index()
    order = {}
    for topic, item in items.items():
        hits = _keys(
            similar_solutions(
                viewer=world.anonymous,
                key=f"practice:{item.pk}",
                text=f"{item.title}\n{item.summary}",
                kinds=SOLUTION_KINDS,
            )
        )
        order[topic] = [
            key for key in hits if key in {f"practice:{filed.pk}", f"practice:{tendered.pk}"}
        ]

    assert order[files] == [f"practice:{filed.pk}", f"practice:{tendered.pk}"]
    assert order[tenders] == [f"practice:{tendered.pk}", f"practice:{filed.pk}"]


def test_no_known_kind_finds_nothing_rather_than_everything(world: World) -> None:
    text = "Bürgerbeteiligung in der Kommune\nBürgerhaushalt"

    assert similar_solutions(viewer=world.member, key=None, text=text, kinds={"bogus"}) == []
    assert similar_solutions(viewer=world.member, key=None, text=text, kinds=()) == []


def test_queries_are_the_title_and_pairs_of_key_words_without_organisation_names(
    world: World,
) -> None:
    queries = similar_queries(
        "Bürgerbeteiligung in Kassel\nDie Stadt Kassel beteiligt Bürgerinnen am Haushalt.",
        indexed=False,
    )

    assert queries[0] == "Bürgerbeteiligung in Kassel"
    assert all(len(query.split()) <= 2 for query in queries[1:])
    assert not any("Kassel" in query for query in queries[1:])


# --- The endpoint of the submit forms -------------------------------------------------------


def _ask(client: Any, **params: Any) -> Any:
    return client.get(reverse("search:similar"), params)


def test_the_endpoint_answers_a_fragment_with_similar_solutions(client: Any, world: World) -> None:
    response = _ask(
        client,
        titel="Bürgerbeteiligung in der Kommune",
        zusammenfassung="Bürgerhaushalt und Beteiligung",
        art=["practice", "course"],
    )

    assert response.status_code == 200
    assert "Gibt es das schon?" in response.content.decode()
    assert world.practice.title in response.content.decode()
    assert world.draft.title not in response.content.decode()


def test_the_endpoint_leaves_out_the_item_being_edited(client: Any, world: World) -> None:
    response = _ask(
        client,
        titel="Bürgerbeteiligung in der Kommune",
        art="practice",
        ohne=f"practice:{world.practice.pk}",
    )

    assert response.status_code == 200
    assert world.practice.title not in response.content.decode()


@pytest.mark.parametrize("title", ["", "   ", "Akte", "1234 5678"])
def test_too_little_text_answers_an_empty_fragment(client: Any, db: None, title: str) -> None:
    response = _ask(client, titel=title, art="practice")

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"titel": "x" * 201, "art": "practice"}, "Der Titel ist zu lang"),
        ({"titel": "Akte", "zusammenfassung": "x" * 1001, "art": "practice"}, "zu lang"),
        ({"titel": "Elektronische Akte"}, "Es fehlt, welche Art"),
        ({"titel": "Elektronische Akte", "art": "message"}, "Diese Art von Beiträgen gibt es"),
        ({"titel": "Elektronische Akte", "art": "practice", "ohne": "profile:1"}, "ungültig"),
        ({"titel": "Elektronische Akte", "art": "practice", "ohne": "practice:x"}, "ungültig"),
    ],
)
def test_bad_parameters_answer_400_with_a_german_message(
    client: Any, db: None, params: dict[str, Any], message: str
) -> None:
    response = _ask(client, **params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_endpoint_is_rate_limited(client: Any, db: None, settings: Any) -> None:
    cache.clear()
    statuses = [_ask(client, titel="", art="practice").status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429


def test_the_endpoint_answers_only_get(client: Any, db: None) -> None:
    assert client.post(reverse("search:similar"), {"art": "practice"}).status_code == 405


# --- On the pages ----------------------------------------------------------------------------


def test_practice_and_course_pages_show_similar_solutions(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        practice_page_create(
            title="Bürgerbeteiligung im Landkreis",
            summary="Wie ein Landkreis seine Bürgerinnen und Bürger am Haushalt beteiligt.",
        )
    refresh_index()
    cache.clear()

    page = client.get(world.practice.url).content.decode()
    course = client.get(world.course.url).content.decode()

    assert "Ähnliche Lösungen" in page
    assert "Bürgerbeteiligung im Landkreis" in page
    assert "Ähnliche Lösungen" not in course, "hidden when nothing similar is found"


@pytest.mark.slow
def test_demo_pages_get_meaningful_neighbours(db: None, django_capture_on_commit_callbacks: Any):
    from django.contrib.auth.models import AnonymousUser

    call_command("seed_demo", verbosity=0)
    indexing.rebuild()
    expected = {
        "e-akte-im-buergeramt-in-sechs-monaten-papierlos": "ersetzendes-scannen-scanstelle",
        "online-terminvergabe-in-der-kfz-zulassung": "terminvergabe-buergeramt",
        "aktenplan-vor-der-e-akte": "aussonderung-elektronischer-akten",
        "oeffentlichkeitsbeteiligung-bauleitplanung": "online-beteiligung-radverkehr",
        "markterkundung-vor-ausschreibung": "e-vergabe-einfuehren",
        "auszubildende-social-media": "stellenanzeigen-verstaendlich",
    }
    slugs = {f"practice:{pk}": slug for pk, slug in PracticePage.objects.values_list("pk", "slug")}
    for slug, neighbour in expected.items():
        page = PracticePage.objects.get(slug=slug)
        hits = similar_solutions(
            viewer=AnonymousUser(),
            key=f"practice:{page.pk}",
            text=f"{page.title}\n{page.summary}",
            kinds=SOLUTION_KINDS,
        )
        assert neighbour in [slugs.get(hit.key) for hit in hits], (slug, _keys(hits))
    course = CoursePage.objects.live().get(title="Registermodernisierung verstehen")
    registry = PracticePage.objects.get(slug="registermodernisierung-once-only")
    hits = similar_solutions(
        viewer=AnonymousUser(),
        key=f"practice:{registry.pk}",
        text=f"{registry.title}\n{registry.summary}",
        kinds=SOLUTION_KINDS,
    )
    assert f"course:{course.pk}" in _keys(hits)
