"""Courses and sessions appear on the home page and on topic pages."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from hub.models import Topic
from hub.page_cache import CACHE_HEADER
from tests.peer_learning.factories import make_course, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    return Topic.objects.create(name="E-Akte")


def test_home_page_lists_upcoming_sessions_of_published_courses(client, topic):
    make_session(make_course(title="E-Akte in 30 Minuten", topics=[topic]))
    make_session(make_course(title="Entwurf ohne Freigabe", publish=False))

    html = client.get("/").content.decode()

    assert "Nächste Impulse" in html
    assert "E-Akte in 30 Minuten" in html
    assert "Entwurf ohne Freigabe" not in html


def test_home_page_leaves_the_section_out_without_sessions(client):
    make_course(title="Kurs ohne Termin")

    assert "Nächste Impulse" not in client.get("/").content.decode()


def test_topic_page_lists_the_topics_courses(client, topic):
    make_course(title="E-Akte in 30 Minuten", topics=[topic])
    make_course(title="Vergaberecht kompakt", topics=[Topic.objects.create(name="Vergabe")])

    html = client.get("/wissen/themen/e-akte/").content.decode()

    assert "Impulse zum Thema" in html
    assert "E-Akte in 30 Minuten" in html
    assert "Vergaberecht kompakt" not in html
    assert "/lernen/?thema=e-akte" in html


def test_a_new_session_retires_the_cached_home_page(client, topic):
    course = make_course(title="E-Akte in 30 Minuten", topics=[topic])
    assert client.get("/")[CACHE_HEADER] == "miss"
    assert client.get("/")[CACHE_HEADER] == "hit"

    make_session(course)
    fresh = client.get("/")

    assert fresh[CACHE_HEADER] == "miss"
    assert "E-Akte in 30 Minuten" in fresh.content.decode()


def _queries(client, url):
    with (
        override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/wissen/themen/e-akte/"])
def test_sections_cost_the_same_for_one_course_or_many(client, topic, url):
    make_session(make_course(title="Kurs 0", topics=[topic]))
    client.get(url)  # Warm Wagtail's site-root cache, as in production.
    one = _queries(client, url)
    for number in range(1, 6):
        make_session(make_course(title=f"Kurs {number}", topics=[topic]))

    assert _queries(client, url) == one
