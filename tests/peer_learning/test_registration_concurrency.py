"""Many members register for the last seats at the same moment, each on its own connection.

Runs on SQLite here and on the real PostgreSQL server with `pytest --database=postgresql`.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from peer_learning.models import Registration, RegistrationStatus, Session
from peer_learning.services import registration_cancel, registration_create
from tests.factories import MemberFactory
from tests.peer_learning.factories import make_course, make_session

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REGISTRANTS = 60
SEATS = 5


def _run_at_once(work, arguments):
    """Start every call behind one barrier so they really collide, each with its own
    connection (closed afterwards so the test database can be dropped)."""
    barrier = threading.Barrier(len(arguments))

    def call(argument):
        try:
            barrier.wait()
            return work(argument)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(call, arguments))


def test_fifty_concurrent_registrations_fill_exactly_the_seats():
    session = make_session(make_course(), capacity=SEATS)
    people = [MemberFactory() for _ in range(REGISTRANTS)]

    outcomes = _run_at_once(
        lambda person: registration_create(session_id=session.pk, user=person).registration.status,
        people,
    )

    assert outcomes.count(RegistrationStatus.CONFIRMED) == SEATS
    assert outcomes.count(RegistrationStatus.WAITLISTED) == REGISTRANTS - SEATS
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == SEATS
    assert Session.objects.get(pk=session.pk).seats_taken == SEATS


def test_double_submits_in_parallel_register_once():
    session = make_session(make_course(), capacity=SEATS)
    person = MemberFactory()

    outcomes = _run_at_once(
        lambda _attempt: registration_create(session_id=session.pk, user=person), range(8)
    )

    assert sum(outcome.created for outcome in outcomes) == 1
    assert Registration.objects.filter(user=person).count() == 1
    assert Session.objects.get(pk=session.pk).seats_taken == 1


def test_concurrent_cancellations_promote_in_order_without_overbooking():
    session = make_session(make_course(), capacity=SEATS)
    people = [MemberFactory() for _ in range(SEATS * 3)]
    for person in people:
        registration_create(session_id=session.pk, user=person)

    _run_at_once(
        lambda person: registration_cancel(session_id=session.pk, user=person), people[:SEATS]
    )

    confirmed = set(
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    assert confirmed == {person.pk for person in people[SEATS : SEATS * 2]}
    assert Session.objects.get(pk=session.pk).seats_taken == SEATS


def test_database_check_refuses_overbooking_even_past_the_services():
    from django.db import IntegrityError

    session = make_session(make_course(), capacity=1)
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(seats_taken=2)
