"""Courses and sessions appear on the home page and on topic pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.page_cache import CACHE_HEADER, page_cache_clear
from hub.models import Topic
from peer_learning import sections
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


def test_a_new_session_retires_the_cached_home_page(
    client, topic, django_capture_on_commit_callbacks
):
    course = make_course(title="E-Akte in 30 Minuten", topics=[topic])
    assert client.get("/")[CACHE_HEADER] == "miss"
    assert client.get("/")[CACHE_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        make_session(course)
    fresh = client.get("/")

    assert fresh[CACHE_HEADER] == "miss"
    assert "E-Akte in 30 Minuten" in fresh.content.decode()


def _queries(client, url):
    page_cache_clear()  # Right after a change, before anything is kept.
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


def _clock_moves_on(monkeypatch, by):
    later = timezone.now() + by
    monkeypatch.setattr(timezone, "now", lambda: later)


@override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0)
def test_a_session_that_has_started_leaves_the_home_page_at_once(client, topic, monkeypatch):
    make_session(make_course(title="Schon begonnen"), starts_in=dt.timedelta(hours=1))
    make_session(make_course(title="Noch offen"), starts_in=dt.timedelta(days=2))
    assert "Schon begonnen" in client.get("/").content.decode()

    _clock_moves_on(monkeypatch, dt.timedelta(hours=2))
    html = client.get("/").content.decode()

    assert "Schon begonnen" not in html
    assert "Noch offen" in html


@override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0)
def test_the_next_sessions_are_read_afresh_once_the_kept_ones_have_started(
    client, topic, monkeypatch
):
    monkeypatch.setattr(sections, "HOME_SESSIONS", 1)
    monkeypatch.setattr(sections, "SPARE_SESSIONS", 1)
    for title, days in (("Erster Termin", 1), ("Zweiter Termin", 2)):
        make_session(make_course(title=title), starts_in=dt.timedelta(days=days))
    make_session(make_course(title="Dritter Termin"), starts_in=dt.timedelta(days=3))
    assert "Erster Termin" in client.get("/").content.decode()

    _clock_moves_on(monkeypatch, dt.timedelta(days=2, hours=1))
    html = client.get("/").content.decode()

    assert "Erster Termin" not in html
    assert "Zweiter Termin" not in html
    assert "Dritter Termin" in html


@override_settings(KOLLEGIUM_PAGE_CACHE_SECONDS=0)
def test_a_topic_course_shows_its_next_date_once_the_kept_one_has_passed(
    client, topic, monkeypatch
):
    course = make_course(title="E-Akte in 30 Minuten", topics=[topic])
    soon = make_session(course, starts_in=dt.timedelta(days=1))
    later = make_session(course, starts_in=dt.timedelta(days=5))
    url = f"/wissen/themen/{topic.slug}/"
    assert _german_date(soon.starts_at) in client.get(url).content.decode()

    _clock_moves_on(monkeypatch, dt.timedelta(days=2))
    html = client.get(url).content.decode()

    assert _german_date(later.starts_at) in html
    assert _german_date(soon.starts_at) not in html


def _german_date(moment):
    with translation.override("de"):
        return date_format(timezone.localtime(moment), "j. F Y")
