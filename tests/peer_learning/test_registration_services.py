import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import Approval
from peer_learning.models import Registration, RegistrationStatus, Session
from peer_learning.services import (
    attendance_record,
    feedback_submit,
    registration_cancel,
    registration_create,
    session_cancel,
    session_update,
)
from tests.factories import MemberFactory
from tests.peer_learning.factories import make_course, make_session, move_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course()


def register(session, user):
    return registration_create(session_id=session.pk, user=user).registration


def test_registration_confirms_until_full_then_waitlists(
    course, django_capture_on_commit_callbacks
):
    session = make_session(course, capacity=2)
    people = [MemberFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [register(session, person).status for person in people]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    session.refresh_from_db()
    assert session.seats_taken == 2
    subjects = [message.subject for message in mail.outbox]
    assert subjects.count("[Kollegium] Anmeldung bestätigt: E-Akte in 30 Minuten") == 2
    assert "[Kollegium] Warteliste: E-Akte in 30 Minuten" in subjects
    confirmation = mail.outbox[0]
    assert confirmation.to == [people[0].email]
    assert confirmation.attachments[0][0] == "termin.ics"
    html = confirmation.alternatives[0][0]
    assert "https://konferenz.example/raum-42" in html and "angemeldet" in confirmation.body


def test_registering_twice_is_idempotent(course):
    session = make_session(course, capacity=2)
    person = MemberFactory()
    first = registration_create(session_id=session.pk, user=person)
    again = registration_create(session_id=session.pk, user=person)
    assert first.created and not again.created
    assert again.registration.pk == first.registration.pk
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_cancellation_promotes_first_waiting_and_tells_them(
    course, django_capture_on_commit_callbacks
):
    session = make_session(course, capacity=1)
    first, second, third = (MemberFactory() for _ in range(3))
    for person in (first, second, third):
        register(session, person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(session_id=session.pk, user=first)
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "confirmed", third.pk: "waitlisted"}
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert [message.to for message in mail.outbox] == [[second.email]]
    assert mail.outbox[0].subject.startswith("[Kollegium] Sie sind nachgerückt")


def test_cancel_twice_and_register_again_queues_at_the_end(course):
    session = make_session(course, capacity=1)
    first, second = MemberFactory(), MemberFactory()
    register(session, first)
    register(session, second)
    registration_cancel(session_id=session.pk, user=first)
    registration_cancel(session_id=session.pk, user=first)
    again = register(session, first)
    assert again.status == RegistrationStatus.WAITLISTED
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_cancelling_without_registration_is_not_found(course):
    session = make_session(course)
    with pytest.raises(Registration.DoesNotExist):
        registration_cancel(session_id=session.pk, user=MemberFactory())


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("past", "schon begonnen"),
        ("cancelled", "abgesagt"),
        ("closed", "Anmeldeschluss"),
        ("own", "eigenen Termin"),
        ("pending", "freigeschaltete Mitglieder"),
        ("draft", "nicht veröffentlicht"),
    ],
)
def test_registration_refused_with_reason_and_nothing_changes(situation, message):
    course = make_course(publish=situation != "draft")
    session = make_session(course)
    person = MemberFactory()
    if situation == "past":
        move_session(session, starts_in=-dt.timedelta(hours=2))
    elif situation == "cancelled":
        session_cancel(session_id=session.pk, user=course.trainers.get())
    elif situation == "closed":
        Session.objects.filter(pk=session.pk).update(
            registration_deadline=session.starts_at - dt.timedelta(days=8)
        )
    elif situation == "own":
        person = course.trainers.get()
    elif situation == "pending":
        person.approval = Approval.PENDING
        person.save()
    with pytest.raises(ValidationError, match=message):
        register(session, person)
    assert not Registration.objects.exists()
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_capacity_cannot_drop_below_confirmed(course):
    session = make_session(course, capacity=3)
    for _ in range(2):
        register(session, MemberFactory())
    with pytest.raises(ValidationError, match="bereits 2 bestätigte"):
        session_update(session_id=session.pk, user=course.trainers.get(), data={"capacity": 1})
    session.refresh_from_db()
    assert session.capacity == 3


def test_raising_capacity_promotes_waiting(course):
    session = make_session(course, capacity=1)
    people = [MemberFactory() for _ in range(3)]
    for person in people:
        register(session, person)
    session_update(session_id=session.pk, user=course.trainers.get(), data={"capacity": 2})
    assert Registration.objects.get(user=people[1]).status == "confirmed"
    assert Registration.objects.get(user=people[2]).status == "waitlisted"


def test_time_change_tells_everyone_and_bumps_sequence(course, django_capture_on_commit_callbacks):
    session = make_session(course, capacity=1)
    confirmed, waiting = MemberFactory(), MemberFactory()
    register(session, confirmed)
    register(session, waiting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_update(
            session_id=session.pk,
            user=course.trainers.get(),
            data={
                "starts_at": session.starts_at + dt.timedelta(hours=1),
                "ends_at": session.ends_at + dt.timedelta(hours=1),
            },
        )
    session.refresh_from_db()
    assert session.sequence == 1
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {confirmed.email, waiting.email}
    assert "konferenz.example" in by_recipient[confirmed.email].body
    assert "konferenz.example" not in by_recipient[waiting.email].body


def test_session_rules_are_enforced(course):
    trainer = course.trainers.get()
    session = make_session(course)
    with pytest.raises(ValidationError) as error:
        session_update(
            session_id=session.pk,
            user=trainer,
            data={"ends_at": session.starts_at - dt.timedelta(minutes=5)},
        )
    assert "Ende muss nach dem Beginn" in str(error.value)
    with pytest.raises(ValidationError, match="http"):
        session_update(
            session_id=session.pk, user=trainer, data={"meeting_url": "javascript:alert(1)"}
        )
    with pytest.raises(PermissionDenied):
        session_update(session_id=session.pk, user=MemberFactory(), data={"capacity": 50})
    session.refresh_from_db()
    assert session.meeting_url == "https://konferenz.example/raum-42"
    assert session.capacity == 5


def test_cancelling_a_session_tells_everyone(course, django_capture_on_commit_callbacks):
    session = make_session(course, capacity=1)
    people = [MemberFactory(), MemberFactory()]
    for person in people:
        register(session, person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session_id=session.pk, user=course.trainers.get())
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    assert all(message.subject.startswith("[Kollegium] Abgesagt") for message in mail.outbox)


def test_attendance_and_feedback_only_for_attendees(course):
    session = make_session(course, capacity=3)
    attendee, absentee, waiting_stranger = MemberFactory(), MemberFactory(), MemberFactory()
    registrations = [register(session, attendee), register(session, absentee)]
    trainer = course.trainers.get()
    with pytest.raises(ValidationError, match="30 Minuten vor Beginn"):
        attendance_record(session_id=session.pk, user=trainer, attended_ids={registrations[0].pk})
    move_session(session, starts_in=-dt.timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        attendance_record(session_id=session.pk, user=attendee, attended_ids={registrations[0].pk})
    attendance_record(session_id=session.pk, user=trainer, attended_ids={registrations[0].pk})
    assert Registration.objects.get(user=attendee).status == "attended"
    assert Registration.objects.get(user=absentee).status == "confirmed"

    feedback_submit(session_id=session.pk, user=attendee, rating=4, comment="  Sehr praxisnah. ")
    feedback = feedback_submit(session_id=session.pk, user=attendee, rating=5, comment="Top")
    assert (feedback.rating, feedback.comment) == (5, "Top")
    for outsider in (absentee, waiting_stranger):
        with pytest.raises(ValidationError, match="teilgenommen"):
            feedback_submit(session_id=session.pk, user=outsider, rating=1, comment="")
    with pytest.raises(ValidationError):
        feedback_submit(session_id=session.pk, user=attendee, rating=6, comment="")
