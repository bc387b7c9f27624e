"""The course page anonymous visitors get from the page cache shows the seats as they are.

Seats are taken and released with UPDATEs that send no signal; the services retire the cached
pages themselves, once their transaction has committed. Runs on SQLite here and on PostgreSQL
with `pytest --database=postgresql`.
"""

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from core.page_cache import CACHE_HEADER
from peer_learning.models import RegistrationStatus
from peer_learning.services import (
    attendance_record,
    feedback_submit,
    registration_cancel,
    registration_create,
)
from tests.elsewhere import on_another_connection
from tests.factories import MemberFactory
from tests.peer_learning.factories import make_course, make_session, move_session

FREE_TWO = "2 Plätze frei"
FREE_ONE = "1 Platz frei"
FULL = "Ausgebucht – Warteliste möglich"


def _anonymous_page(url: str) -> tuple[str, str]:
    """The course page as a visitor without a session gets it, and where it came from."""
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode(), response[CACHE_HEADER]


def _cached(url: str, expected: str) -> None:
    """Load the page until the cache holds it, showing `expected`."""
    _anonymous_page(url)
    html, source = _anonymous_page(url)
    assert source == "hit"
    assert expected in html


def _member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.mark.django_db
class TestSeatsOnTheCachedCoursePage:
    def test_a_registration_through_the_site_shows_at_once(
        self, django_capture_on_commit_callbacks
    ):
        course = make_course()
        session = make_session(course, capacity=2)
        member = _member_client(MemberFactory())
        _cached(course.url, FREE_TWO)

        with django_capture_on_commit_callbacks(execute=True):
            response = member.post(reverse("peer_learning:register", args=[session.pk]))

        assert response.status_code == 302
        html, source = _anonymous_page(course.url)
        assert source == "miss"
        assert FREE_ONE in html and FREE_TWO not in html

    def test_a_cancellation_through_the_site_frees_the_seat_at_once(
        self, django_capture_on_commit_callbacks
    ):
        course = make_course()
        session = make_session(course, capacity=2)
        member = MemberFactory()
        registration_create(session_id=session.pk, user=member)
        _cached(course.url, FREE_ONE)

        with django_capture_on_commit_callbacks(execute=True):
            response = _member_client(member).post(
                reverse("peer_learning:unregister", args=[session.pk]), {"confirm": "1"}
            )

        assert response.status_code == 302
        html, source = _anonymous_page(course.url)
        assert source == "miss"
        assert FREE_TWO in html and FREE_ONE not in html

    def test_a_seat_taken_by_the_waitlist_is_not_shown_as_free(
        self, django_capture_on_commit_callbacks
    ):
        course = make_course()
        session = make_session(course, capacity=1)
        leaving, waiting = MemberFactory(), MemberFactory()
        registration_create(session_id=session.pk, user=leaving)
        registration_create(session_id=session.pk, user=waiting)
        _anonymous_page(course.url)

        with django_capture_on_commit_callbacks(execute=True):
            registration_cancel(session_id=session.pk, user=leaving)

        assert session.registrations.get(user=waiting).status == RegistrationStatus.CONFIRMED
        html, source = _anonymous_page(course.url)
        assert source == "miss"
        assert FULL in html and FREE_ONE not in html

    def test_the_last_seat_taken_shows_the_waitlist(self, django_capture_on_commit_callbacks):
        course = make_course()
        session = make_session(course, capacity=1)
        member = MemberFactory()
        _cached(course.url, FREE_ONE)

        with django_capture_on_commit_callbacks(execute=True):
            registration_create(session_id=session.pk, user=member)

        html, _source = _anonymous_page(course.url)
        assert FULL in html and FREE_ONE not in html

    def test_joining_the_waitlist_changes_nothing_shown_and_keeps_the_page(
        self, django_capture_on_commit_callbacks
    ):
        course = make_course()
        session = make_session(course, capacity=1)
        registration_create(session_id=session.pk, user=MemberFactory())
        waiting = MemberFactory()
        _cached(course.url, FULL)

        with django_capture_on_commit_callbacks(execute=True):
            outcome = registration_create(session_id=session.pk, user=waiting)

        assert outcome.registration.status == RegistrationStatus.WAITLISTED
        assert _anonymous_page(course.url)[1] == "hit"

    def test_a_rating_shows_at_once(self, django_capture_on_commit_callbacks):
        course = make_course()
        session = make_session(course, capacity=2, starts_in=dt.timedelta(days=2))
        attendee = MemberFactory()
        registration = registration_create(session_id=session.pk, user=attendee).registration
        move_session(session, starts_in=dt.timedelta(minutes=-10))
        attendance_record(
            session_id=session.pk, user=course.trainers.get(), attended_ids={registration.pk}
        )
        _cached(course.url, "Noch keine Rückmeldungen")

        with django_capture_on_commit_callbacks(execute=True):
            feedback_submit(session_id=session.pk, user=attendee, rating=4, comment="Hilfreich")

        html, _source = _anonymous_page(course.url)
        assert "von 5 Sternen (1 Rückmeldung)" in html

    def test_a_registration_that_rolls_back_retires_nothing(
        self, django_capture_on_commit_callbacks
    ):
        course = make_course()
        session = make_session(course, capacity=2)
        _cached(course.url, FREE_TWO)

        member = MemberFactory()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            registration_create(session_id=session.pk, user=member)
            raise RuntimeError("Abbruch nach der Anmeldung")

        assert callbacks == []
        html, source = _anonymous_page(course.url)
        assert source == "hit" and FREE_TWO in html

    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                # A real Redis client against a port nobody listens on: the cache is down.
                "LOCATION": "redis://127.0.0.1:1",
            }
        }
    )
    def test_a_cache_that_is_down_does_not_fail_the_committed_registration(
        self, django_capture_on_commit_callbacks, caplog
    ):
        session = make_session(make_course(), capacity=2)
        member = MemberFactory()

        with (
            caplog.at_level(logging.ERROR),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            outcome = registration_create(session_id=session.pk, user=member)

        assert outcome.registration.status == RegistrationStatus.CONFIRMED
        session.refresh_from_db()
        assert session.seats_taken == 1
        # The retirement failed and said so; the mail task queued after it was still called.
        assert "Error calling page_cache_clear in on_commit()" in caplog.text
        assert len(callbacks) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_read_before_the_registration_commits_is_not_served_after_it():
    course = make_course()
    session = make_session(course, capacity=2)
    member = MemberFactory()
    _cached(course.url, FREE_TWO)

    with transaction.atomic():
        registration_create(session_id=session.pk, user=member)
        # A visitor arrives while the registration is written but not committed: the page
        # they get shows the committed state, and the cache may keep it.
        during, _source = on_another_connection(lambda: _anonymous_page(course.url))
        assert FREE_TWO in during

    html, source = _anonymous_page(course.url)
    assert source == "miss"
    assert FREE_ONE in html and FREE_TWO not in html
