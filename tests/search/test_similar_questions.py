"""'Ähnliche Lösungen' and questions: solved questions are offered as solutions, open ones are
not; a question page shows its similar solutions; the "Frage stellen" page asks for existing
answers while the title is typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from discussions.services.channels import channel_join
from discussions.services.messages import message_post
from discussions.services.questions import question_ask, question_solution_set
from search.similar import SOLUTION_KINDS, similar_solutions
from tests.factories import MemberFactory
from tests.search.conftest import World, refresh_index

TITLE = "Wie führen wir die E-Akte im Bürgeramt ein?"


@pytest.fixture
def question(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        asked = question_ask(
            author=world.member,
            channel=world.open_message.channel,
            title=TITLE,
            source="Wir scannen jeden Antrag von Hand und suchen einen besseren Weg.",
        )
    refresh_index()
    cache.clear()
    return asked


def _solve(question: Any, world: World, capture: Any) -> None:
    helper = MemberFactory()
    with capture(execute=True):
        channel_join(user=helper, channel=question.message.channel)
        reply = message_post(
            author=helper,
            channel=question.message.channel,
            source="Ein Scan-Dienstleister und ein Pilotteam haben uns geholfen.",
            reply_to_id=question.pk,
        )
        question_solution_set(actor=world.member, question=question, reply=reply)
    refresh_index()
    cache.clear()


def _keys(viewer: Any, text: str) -> list[str]:
    hits = similar_solutions(viewer=viewer, key=None, text=text, kinds=SOLUTION_KINDS)
    return [hit.key for hit in hits]


def test_only_a_solved_question_is_offered_as_a_solution(
    world: World, question: Any, django_capture_on_commit_callbacks: Any
) -> None:
    text = "E-Akte im Bürgeramt einführen\n"
    assert f"question:{question.pk}" not in _keys(world.member, text)

    _solve(question, world, django_capture_on_commit_callbacks)

    assert f"question:{question.pk}" in _keys(world.member, text)
    assert f"question:{question.pk}" not in _keys(world.anonymous, text), "members only"


def test_a_question_page_shows_similar_solutions(client: Any, world: World, question: Any) -> None:
    client.force_login(world.member)

    page = client.get(reverse("discussions:question", args=[question.pk])).content.decode()

    assert "Ähnliche Lösungen" in page
    assert "E-Akte im Landesamt" in page


def test_asking_a_question_offers_existing_answers(
    client: Any, world: World, question: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _solve(question, world, django_capture_on_commit_callbacks)
    client.force_login(MemberFactory())

    form = client.get(reverse("discussions:question_ask")).content.decode()
    answer = client.get(
        reverse("search:similar"),
        {
            "titel": "E-Akte im Bürgeramt einführen",
            "art": ["question", "practice"],
            "zweck": "frage",
        },
    ).content.decode()

    assert 'data-purpose="frage"' in form
    assert 'data-summary-field=""' in form
    assert "Gibt es schon Antworten?" in answer
    assert TITLE in answer


def test_an_unknown_purpose_is_refused_in_german(client: Any, db: None) -> None:
    response = client.get(
        reverse("search:similar"), {"titel": "E-Akte", "art": "question", "zweck": "x"}
    )

    assert response.status_code == 400
    assert "Diesen Zweck der Suche gibt es nicht." in response.content.decode()
