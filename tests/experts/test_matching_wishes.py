"""Learning wishes the member could help with: on Mein Kollegium (routed to them or in a topic
they follow or help with, open ones only, with their "+1"), and on the notifications page."""

import pytest
from django.test import Client
from django.urls import reverse

from experts.models import HelpRequest
from experts.selectors import wish_keys_for
from experts.services import wish_route
from hub.models import Topic
from network.services import follow_set
from peer_learning.models import LearningWish
from peer_learning.wish_services import wish_create, wish_vote_set
from tests.experts.conftest import tag
from tests.factories import MemberFactory
from tests.network.test_member_home import _queries
from tests.peer_learning.factories import make_course

pytestmark = pytest.mark.django_db

SECTION = "Lernwünsche, bei denen Sie helfen können"


@pytest.fixture
def wisher(db):
    return MemberFactory(first_name="Katrin", last_name="Wagner")


def _wish(author, title, topics=()):
    return wish_create(author=author, title=title, text="", topics=list(topics), format="any")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _home(user) -> str:
    response = _client(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_wishes_in_a_followed_topic_show_on_the_start_page_with_the_vote(helper, wisher, topic):
    follow_set(member=helper, target=topic, following=True)
    wish = _wish(wisher, "Vergaberecht für Einsteiger", topics=[topic])
    _wish(wisher, "Haushaltsrecht kompakt")
    wish_vote_set(member=helper, wish=wish, voting=True)

    html = _home(helper)
    section = html.split(SECTION)[1].split("</section>")[0]

    assert "Vergaberecht für Einsteiger" in section
    assert "Haushaltsrecht kompakt" not in section
    assert 'aria-pressed="true"' in section
    assert "2 Personen möchten das lernen" in section
    assert reverse("peer_learning:wishes") in section


def test_a_routed_wish_shows_with_its_reason(helper, wisher, django_capture_on_commit_callbacks):
    tag(helper, "E-Akte")
    with django_capture_on_commit_callbacks(execute=True):
        _wish(wisher, "Einführung der E-Akte planen")

    section = _home(helper).split(SECTION)[1].split("</section>")[0]

    assert "Einführung der E-Akte planen" in section
    assert "Wir fragen Sie, weil Sie bei „E-Akte“ helfen." in section


def test_own_and_answered_wishes_are_left_out_and_empty_hides_the_section(helper, wisher, topic):
    follow_set(member=helper, target=topic, following=True)
    _wish(helper, "Mein eigener Wunsch zur Vergabe", topics=[topic])
    answered = _wish(wisher, "Vergabe mit Impuls", topics=[topic])
    LearningWish.objects.filter(pk=answered.pk).update(course=make_course(title="Vergabe kompakt"))

    assert wish_keys_for(member=helper, limit=5) == []
    assert SECTION not in _home(helper)


def test_at_most_five_most_wanted_first(helper, wisher, topic):
    follow_set(member=helper, target=topic, following=True)
    wishes = [_wish(wisher, f"Vergabe Teil {number}", topics=[topic]) for number in range(7)]
    wish_vote_set(member=MemberFactory(), wish=wishes[6], voting=True)

    keys = [key.pk for key in wish_keys_for(member=helper, limit=5)]
    titles = [LearningWish.objects.get(pk=pk).title for pk in keys]

    assert len(titles) == 5
    assert titles[0] == "Vergabe Teil 6"


def test_routed_wishes_are_listed_on_the_notifications_page(helper, wisher):
    tag(helper, "E-Akte")
    wish = _wish(wisher, "Einführung der E-Akte planen")
    wish_route(wish=wish)

    html = _client(helper).get(reverse("discussions:notifications")).content.decode()

    assert (
        "Katrin Wagner möchte „Einführung der E-Akte planen“ lernen – weil Sie bei „E-Akte“ helfen."
    ) in html
    assert f"#wunsch-{wish.pk}" in html


def test_the_start_page_query_count_does_not_grow_with_wishes_or_requests(helper, topic):
    client = _client(helper)
    tag(helper, "Vergabe")
    follow_set(member=helper, target=topic, following=True)
    first = _wish(MemberFactory(), "Vergabe von Anfang an", topics=[topic])
    wish_route(wish=first)
    few = _queries(client)

    for number in range(1, 8):
        extra = Topic.objects.create(name=f"Thema {number}")
        follow_set(member=helper, target=extra, following=True)
        wish = _wish(MemberFactory(), f"Vergabe und Thema {number}", topics=[extra, topic])
        HelpRequest.objects.create(member=helper, wish=wish, reason="weil Sie es können")
        wish_vote_set(member=helper, wish=wish, voting=True)

    assert len(wish_keys_for(member=helper, limit=5)) == 5
    assert _queries(client) == few
