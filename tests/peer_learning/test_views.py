import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import WorkflowState

from hub.models import Topic
from members.models import Approval
from members.roles import Role
from peer_learning.models import (
    CalendarFeed,
    CoursePage,
    Feedback,
    Registration,
    RegistrationStatus,
    Session,
)
from peer_learning.services import attendance_record, registration_create
from tests.factories import MemberFactory, totp_activate
from tests.peer_learning.factories import make_course, make_session, move_session

pytestmark = pytest.mark.django_db

MEETING = "https://konferenz.example/raum-42"


@pytest.fixture
def course():
    return make_course(title="Agile Verwaltung")


@pytest.fixture
def session(course):
    return make_session(course, capacity=2)


def login(client, user):
    client.force_login(user)
    return client


def test_navigation_shows_learning_and_catalogue_lists_published_courses_only(client, course):
    make_course(title="Noch ein Entwurf", publish=False)
    make_session(course)
    response = client.get(reverse("peer_learning:catalogue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("peer_learning:catalogue")}"' in html and ">Lernen<" in html
    assert "Agile Verwaltung" in html and "Nächster Termin" in html
    assert "Noch ein Entwurf" not in html


def test_catalogue_query_count_does_not_grow_with_courses(client, django_assert_max_num_queries):
    topic = Topic.objects.create(name="Personal")
    trainer = MemberFactory()
    for number in range(12):
        make_session(make_course(trainer=trainer, title=f"Impuls {number}", topics=[topic]))
    # One of them is the footer's look-up of the accessibility statement's address, which the
    # cache keeps until published content changes.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("peer_learning:catalogue"))
    assert response.content.decode().count('class="course-card"') == 12


def test_catalogue_filters_and_bad_input(client, course):
    topic = Topic.objects.create(name="Datenschutz")
    make_course(title="DSGVO kompakt", topics=[topic], format="workshop")
    response = client.get(reverse("peer_learning:catalogue"), {"thema": topic.slug})
    assert "DSGVO kompakt" in response.content.decode()
    assert "Agile Verwaltung" not in response.content.decode()
    response = client.get(reverse("peer_learning:catalogue"), {"format": "gibt-es-nicht"})
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()


def test_meeting_link_only_for_confirmed_and_trainers(client, course, session):
    confirmed, waiting, stranger = MemberFactory(), MemberFactory(), MemberFactory()
    registration_create(session_id=session.pk, user=confirmed)
    registration_create(session_id=session.pk, user=MemberFactory())
    registration_create(session_id=session.pk, user=waiting)
    url = reverse("peer_learning:session", args=[session.pk])
    assert MEETING not in client.get(url).content.decode()
    assert MEETING not in client.get(course.url).content.decode()
    for person in (waiting, stranger):
        assert MEETING not in login(Client(), person).get(url).content.decode()
        ics = login(Client(), person).get(reverse("peer_learning:session_ics", args=[session.pk]))
        assert MEETING not in ics.content.decode()
    for person in (confirmed, course.trainers.get()):
        assert MEETING in login(Client(), person).get(url).content.decode()
        assert MEETING in login(Client(), person).get(course.url).content.decode()


def test_register_is_post_only_and_needs_csrf(course, session):
    person = MemberFactory()
    client = login(Client(enforce_csrf_checks=True), person)
    url = reverse("peer_learning:register", args=[session.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not Registration.objects.exists()


def test_register_and_cancel_affect_only_the_signed_in_member(client, course, session):
    me, other = MemberFactory(), MemberFactory()
    registration_create(session_id=session.pk, user=other)
    login(client, me)
    response = client.post(
        reverse("peer_learning:register", args=[session.pk]),
        {"user": other.pk, "user_id": other.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("peer_learning:session", args=[session.pk])
    assert Registration.objects.get(user=me).status == RegistrationStatus.CONFIRMED
    client.post(reverse("peer_learning:register", args=[session.pk]))
    assert Registration.objects.filter(user=me).count() == 1

    stranger_client = login(Client(), MemberFactory())
    response = stranger_client.post(
        reverse("peer_learning:unregister", args=[session.pk]), {"user": other.pk, "confirm": "1"}
    )
    assert response.status_code == 404
    assert Registration.objects.get(user=other).status == RegistrationStatus.CONFIRMED

    response = client.post(
        reverse("peer_learning:unregister", args=[session.pk]), {"confirm": "1"}, follow=True
    )
    assert "Ihre Anmeldung ist storniert" in response.content.decode()
    assert Registration.objects.get(user=me).status == RegistrationStatus.CANCELLED


def test_cancelling_asks_for_confirmation_first(client, course, session):
    me = MemberFactory()
    registration_create(session_id=session.pk, user=me)
    login(client, me)
    session_url = reverse("peer_learning:session", args=[session.pk])
    cancel_url = reverse("peer_learning:unregister", args=[session.pk])
    page = client.get(session_url).content.decode()
    assert "Anmeldung stornieren" in page and ">Abmelden<" not in page.split("<main")[1]

    # The session page's button and a plain GET both only ask.
    for response in (client.post(cancel_url, {"next": session_url}), client.get(cancel_url)):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Möchten Sie Ihre Anmeldung für „Agile Verwaltung“ am" in html
        assert "wirklich stornieren?" in html
        assert 'name="confirm"' in html and "csrfmiddlewaretoken" in html
        assert "Durchführung" in html and f'value="{session_url}"' in html
        assert Registration.objects.get(user=me).status == RegistrationStatus.CONFIRMED

    response = client.post(cancel_url, {"confirm": "1", "next": session_url})
    assert response.status_code == 302 and response["Location"] == session_url
    assert Registration.objects.get(user=me).status == RegistrationStatus.CANCELLED
    assert client.get(cancel_url).status_code == 404


def test_cancel_confirmation_needs_a_csrf_token(course, session):
    me = MemberFactory()
    registration_create(session_id=session.pk, user=me)
    client = login(Client(enforce_csrf_checks=True), me)
    response = client.post(reverse("peer_learning:unregister", args=[session.pk]), {"confirm": "1"})
    assert response.status_code == 403
    assert Registration.objects.get(user=me).status == RegistrationStatus.CONFIRMED


def test_waitlisted_members_see_their_position(client, course, session):
    seated = [MemberFactory(), MemberFactory()]
    first_waiting, second_waiting = MemberFactory(), MemberFactory()
    for person in (*seated, first_waiting, second_waiting):
        registration_create(session_id=session.pk, user=person)
    session_url = reverse("peer_learning:session", args=[session.pk])
    history_url = reverse("peer_learning:history")

    for person, position in ((first_waiting, 1), (second_waiting, 2)):
        login(client, person)
        expected = f"Platz {position} auf der Warteliste"
        assert expected in client.get(session_url).content.decode()
        assert expected in client.get(course.url).content.decode()
        assert expected in client.get(history_url).content.decode()
    login(client, seated[0])
    assert "auf der Warteliste" not in client.get(history_url).content.decode()

    # The first waiting person leaves the queue: the second moves up.
    login(client, first_waiting)
    client.post(reverse("peer_learning:unregister", args=[session.pk]), {"confirm": "1"})
    login(client, second_waiting)
    assert "Platz 1 auf der Warteliste" in client.get(session_url).content.decode()


def test_catalogue_and_session_list_show_trainers_and_free_seats(client):
    from members.models import Visibility

    shown = MemberFactory(first_name="Paula", last_name="Zeigt")
    members_only = MemberFactory(first_name="Mona", last_name="Intern")
    hidden = MemberFactory(first_name="Henri", last_name="Verborgen")
    shown.profile.display_name_visibility = Visibility.PUBLIC
    members_only.profile.display_name_visibility = Visibility.MEMBERS
    hidden.profile.display_name_visibility = Visibility.PRIVATE
    for person in (shown, members_only, hidden):
        person.profile.save()
    several = make_course(trainer=shown, title="Drei Plätze", format="workshop")
    several.trainers.add(members_only, hidden)
    several.save_revision().publish()
    make_session(several, capacity=3)
    make_session(make_course(title="Ein Platz"), capacity=1, starts_in=dt.timedelta(days=8))
    full = make_session(make_course(title="Voll"), capacity=1, starts_in=dt.timedelta(days=9))
    registration_create(session_id=full.pk, user=MemberFactory())

    for url in (reverse("peer_learning:catalogue"), reverse("peer_learning:sessions")):
        anonymous = client.get(url).content.decode()
        assert "3 Plätze frei" in anonymous and "1 Platz frei" in anonymous
        assert "Warteliste" in anonymous
        assert shown.profile.display_name in anonymous
        assert members_only.profile.display_name not in anonymous
        assert hidden.profile.display_name not in anonymous
        assert "Workshop" in anonymous
        member = login(Client(), MemberFactory()).get(url).content.decode()
        assert shown.profile.display_name in member
        assert members_only.profile.display_name in member
        assert hidden.profile.display_name not in member
        assert hidden.profile.display_name in login(Client(), hidden).get(url).content.decode()


def test_refusals_are_shown_in_german(client, course, session):
    login(client, course.trainers.get())
    response = client.post(reverse("peer_learning:register", args=[session.pk]), follow=True)
    assert "Zu Ihrem eigenen Termin können Sie sich nicht anmelden." in response.content.decode()
    pending = MemberFactory()
    pending.approval = Approval.PENDING
    pending.save()
    response = login(Client(), pending).post(
        reverse("peer_learning:register", args=[session.pk]), follow=True
    )
    assert "Nur freigeschaltete Mitglieder" in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_is_rate_limited(client, course):
    sessions = [make_session(course) for _ in range(2)]
    login(client, MemberFactory())
    statuses = [
        client.post(reverse("peer_learning:register", args=[sessions[n % 2].pk])).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429


def test_session_list_filters_and_month_view(client, course):
    topic = Topic.objects.create(name="Haushalt")
    other = make_course(title="Doppik für Einsteiger", topics=[topic], format="workshop")
    full = make_session(course, capacity=1, starts_in=dt.timedelta(days=3))
    registration_create(session_id=full.pk, user=MemberFactory())
    make_session(other, starts_in=dt.timedelta(days=40))
    url = reverse("peer_learning:sessions")
    html = client.get(url).content.decode()
    assert "Agile Verwaltung" in html and "Doppik" in html
    html = client.get(url, {"freie_plaetze": "on"}).content.decode()
    assert "Agile Verwaltung" not in html and "Doppik" in html
    html = client.get(url, {"thema": topic.slug, "format": "workshop"}).content.decode()
    assert "Doppik" in html and "Agile Verwaltung" not in html
    today = dt.date.today()
    html = client.get(url, {"bis": (today + dt.timedelta(days=10)).isoformat()}).content.decode()
    assert "Agile Verwaltung" in html and "Doppik" not in html
    response = client.get(url, {"von": "2030-05-01", "bis": "2030-04-01"})
    assert response.status_code == 400
    assert "Das Enddatum darf nicht vor dem Anfangsdatum liegen." in response.content.decode()

    start = timezone.localtime(full.starts_at)
    month = client.get(reverse("peer_learning:sessions_month"), {"monat": f"{start:%Y-%m}"})
    assert "Agile Verwaltung" in month.content.decode()
    month = client.get(
        reverse("peer_learning:sessions_month"), {"monat": f"{start:%Y-%m}", "freie_plaetze": "on"}
    )
    assert "Agile Verwaltung" not in month.content.decode()
    assert (
        client.get(reverse("peer_learning:sessions_month"), {"monat": "9999-99"}).status_code == 200
    )


def test_ics_is_valid_icalendar_in_berlin_time(client, session):
    response = client.get(reverse("peer_learning:session_ics", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"termin-{session.pk}@kollegium.lernen"
    assert event["DTSTART"].dt == session.starts_at.replace(microsecond=0)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["SUMMARY"] == "Agile Verwaltung"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "DTSTAMP" in event


def test_personal_feed_with_regenerable_token(client, course, session, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://kollegium.example"
    person = MemberFactory()
    registration_create(session_id=session.pk, user=person)
    login(client, person)
    page = client.get(reverse("peer_learning:calendar")).content.decode()
    token = CalendarFeed.objects.get(user=person).token
    # Calendars subscribe at the site's configured address, not at the host the page came from.
    feed_path = reverse("peer_learning:feed", args=[token])
    assert f"https://kollegium.example{feed_path}" in page
    assert f"webcal://kollegium.example{feed_path}" in page
    feed = Client().get(reverse("peer_learning:feed", args=[token]))
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Agile Verwaltung"]
    assert MEETING in feed.content.decode().replace("\r\n ", "")
    client.post(reverse("peer_learning:calendar_regenerate"))
    assert Client().get(reverse("peer_learning:feed", args=[token])).status_code == 404
    assert CalendarFeed.objects.get(user=person).token != token


def test_trainer_offers_course_and_editor_approves(client):
    trainer = MemberFactory(roles=(Role.TRAINER,))
    topic = Topic.objects.create(name="Digitalisierung")
    login(client, trainer)
    assert client.get(reverse("peer_learning:course_create")).status_code == 200
    data = {
        "title": "Formulare digitalisieren",
        "summary": "Vom PDF zum Online-Antrag.",
        "description_text": "Erster Absatz.\n\n<script>alert(1)</script>",
        "format": "workshop",
        "duration": "eigene",
        "duration_custom": "",
        "level": "einstieg",
        "language": "de",
        "topics": [topic.pk],
        "submit": "1",
    }
    response = client.post(reverse("peer_learning:course_create"), data)
    assert response.status_code == 400
    assert "Bitte die Dauer in Minuten angeben." in response.content.decode()
    data["duration_custom"] = "45"
    response = client.post(reverse("peer_learning:course_create"), data)
    assert response.status_code == 302
    course = CoursePage.objects.get(title="Formulare digitalisieren")
    assert not course.live and course.duration_minutes == 45
    assert "<script>" not in course.description and "&lt;script&gt;" in course.description
    state = course.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert "In Prüfung" in client.get(reverse("peer_learning:dashboard")).content.decode()

    other_trainer = login(Client(), MemberFactory(roles=(Role.TRAINER,)))
    assert (
        other_trainer.get(reverse("peer_learning:course_edit", args=[course.pk])).status_code == 404
    )
    response = other_trainer.post(
        reverse("peer_learning:course_edit", args=[course.pk]), {**data, "title": "Gekapert"}
    )
    assert response.status_code == 404

    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    task_state = state.current_task_state.specific
    task_state.approve(user=editor)
    course.refresh_from_db()
    assert course.live and course.title == "Formulare digitalisieren"
    assert client.get(course.url).status_code == 200


def test_trainer_edit_stays_draft_until_approved(client, course):
    trainer = course.trainers.get()
    login(client, trainer)
    form = client.get(reverse("peer_learning:course_edit", args=[course.pk])).context["form"]
    data = {**form.initial, "topics": [], "title": "Agile Verwaltung 2.0", "draft": "1"}
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(reverse("peer_learning:course_edit", args=[course.pk]), data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Agile Verwaltung" and course.has_unpublished_changes
    assert course.get_latest_revision_as_object().title == "Agile Verwaltung 2.0"


def session_form_data(**overrides):
    start = dt.datetime.now() + dt.timedelta(days=10)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "delivery": "online",
        "location": "",
        "meeting_url": MEETING,
        "capacity": "2",
        "registration_deadline": "",
    }
    return {**data, **overrides}


def test_session_forms_reject_bad_input_and_change_nothing(client, course, session):
    login(client, course.trainers.get())
    create = reverse("peer_learning:session_create", args=[course.pk])
    start = dt.datetime.now() + dt.timedelta(days=10)
    cases = {
        "Das Ende muss nach dem Beginn liegen.": {
            "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        },
        "mit http:// oder https:// beginnt": {"meeting_url": "javascript:alert(1)"},
        "Bitte den Ort angeben": {"delivery": "vor_ort"},
        "Der Beginn muss in der Zukunft liegen.": {
            "starts_at": "2020-01-01T10:00",
            "ends_at": "2020-01-01T11:00",
        },
        "Der Anmeldeschluss darf nicht nach dem Beginn liegen.": {
            "registration_deadline": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        },
    }
    for message, override in cases.items():
        response = client.post(create, session_form_data(**override))
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    assert Session.objects.count() == 1

    for _ in range(2):
        registration_create(session_id=session.pk, user=MemberFactory())
    response = client.post(
        reverse("peer_learning:session_edit", args=[session.pk]), session_form_data(capacity="1")
    )
    assert response.status_code == 400
    assert "bereits 2 bestätigte Anmeldungen" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 2

    stranger = login(Client(), MemberFactory())
    assert (
        stranger.get(reverse("peer_learning:session_manage", args=[session.pk])).status_code == 404
    )
    assert stranger.post(create, session_form_data()).status_code == 404


def test_dashboard_participants_csv_message_and_attendance(
    client, course, session, django_capture_on_commit_callbacks
):
    trainer = course.trainers.get()
    people = [MemberFactory(first_name="=HYPERLINK") for _ in range(3)]
    for person in people:
        registration_create(session_id=session.pk, user=person)
    login(client, trainer)
    page = client.get(reverse("peer_learning:session_manage", args=[session.pk])).content.decode()
    assert "Warteliste" in page and people[2].profile.display_name in page
    csv = client.get(reverse("peer_learning:session_participants_csv", args=[session.pk]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Name;E-Mail;Organisation;Status;Angemeldet am"
    assert len(lines) == 4 and all(line.startswith("'=HYPERLINK") for line in lines[1:])

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("peer_learning:session_message", args=[session.pk]),
            {"subject": "Unterlagen", "body": "Bitte vorab <b>lesen</b>."},
        )
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people[:2])
    assert "&lt;b&gt;lesen&lt;/b&gt;" in mail.outbox[0].alternatives[0][0]

    attend = reverse("peer_learning:session_attendance", args=[session.pk])
    registrations = list(Registration.objects.filter(status="confirmed").order_by("pk"))
    response = client.post(attend, {"attended": [registrations[0].pk]}, follow=True)
    assert "30 Minuten vor Beginn" in response.content.decode()
    move_session(session, starts_in=-dt.timedelta(hours=1))
    waiting = Registration.objects.get(status="waitlisted")
    response = client.post(attend, {"attended": [registrations[0].pk, waiting.pk]}, follow=True)
    assert "Nur bestätigte Teilnehmende" in response.content.decode()
    response = client.post(attend, {"attended": ["x1"]}, follow=True)
    assert "ungültig" in response.content.decode()
    client.post(attend, {"attended": [registrations[0].pk]})
    assert Registration.objects.get(pk=registrations[0].pk).status == "attended"


def test_feedback_certificate_and_history_for_attendees_only(client, course, session):
    attendee = MemberFactory(first_name="Mehmet", last_name="Yıldız")
    absentee = MemberFactory()
    for person in (attendee, absentee):
        registration_create(session_id=session.pk, user=person)
    move_session(session, starts_in=-dt.timedelta(hours=2))
    attendance_record(
        session_id=session.pk,
        user=course.trainers.get(),
        attended_ids={Registration.objects.get(user=attendee).pk},
    )
    absent_client = login(Client(), absentee)
    feedback_url = reverse("peer_learning:feedback", args=[session.pk])
    certificate_url = reverse("peer_learning:certificate", args=[session.pk])
    assert absent_client.post(feedback_url, {"rating": "5"}).status_code == 404
    assert absent_client.get(certificate_url).status_code == 404
    assert not Feedback.objects.exists()

    login(client, attendee)
    response = client.post(feedback_url, {"rating": "7", "comment": ""})
    assert response.status_code == 400
    response = client.post(feedback_url, {"rating": "4", "comment": "Sehr hilfreich"})
    assert response.status_code == 302
    assert "4,0 von 5" in client.get(course.url).content.decode()
    trainer_view = login(Client(), course.trainers.get()).get(
        reverse("peer_learning:session_manage", args=[session.pk])
    )
    assert "Sehr hilfreich" in trainer_view.content.decode()
    assert "Yıldız" not in trainer_view.content.decode().split("Rückmeldungen")[-1]

    pdf = client.get(certificate_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    history = client.get(reverse("peer_learning:history")).content.decode()
    assert "Agile Verwaltung" in history and "Teilnahmebescheinigung" in history
    history_csv = client.get(reverse("peer_learning:history_csv")).content.decode("utf-8-sig")
    assert "Agile Verwaltung" in history_csv


def test_reminders_go_out_once(course, django_capture_on_commit_callbacks):
    session = make_session(course, capacity=3)
    early, late = MemberFactory(), MemberFactory()
    registration_create(session_id=session.pk, user=early)
    Registration.objects.filter(user=early).update(
        confirmed_at=timezone.now() - dt.timedelta(days=3)
    )
    move_session(session, starts_in=dt.timedelta(hours=20))
    registration_create(session_id=session.pk, user=late)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_session_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [message.to for message in mail.outbox] == [[early.email]]
    assert mail.outbox[0].subject.startswith("[Kollegium] Erinnerung")


def test_personal_data_export_and_erasure(client, course):
    session = make_session(course, capacity=1)
    past = make_session(course, capacity=3)
    leaver, waiting = MemberFactory(), MemberFactory()
    registration_create(session_id=session.pk, user=leaver)
    registration_create(session_id=session.pk, user=waiting)
    registration_create(session_id=past.pk, user=leaver)
    move_session(past, starts_in=-dt.timedelta(days=1))
    attendance_record(
        session_id=past.pk,
        user=course.trainers.get(),
        attended_ids={Registration.objects.get(user=leaver, session=past).pk},
    )
    from peer_learning.services import feedback_submit

    feedback_submit(session_id=past.pk, user=leaver, rating=5, comment="Danke")
    login(client, leaver)
    export = client.get(reverse("members:my_data_download")).json()
    learning = export["learning"]
    assert {item["status"] for item in learning["registrations"]} == {"confirmed", "attended"}
    [attended] = [item for item in learning["registrations"] if item["status"] == "attended"]
    assert attended["feedback"] == {"rating": 5, "comment": "Danke"}

    from members.services import member_delete

    member_delete(user=leaver)
    assert Registration.objects.get(session=session, user=waiting).status == "confirmed"
    session.refresh_from_db()
    assert session.seats_taken == 1
    kept = Registration.objects.get(session=past)
    assert kept.user is None and kept.status == "attended"
    assert Feedback.objects.get().registration == kept


def test_deleting_a_sole_trainer_calls_off_their_future_sessions(
    course, django_capture_on_commit_callbacks
):
    from members.services import member_delete

    shared = make_course(title="Gemeinsam gegeben")
    shared_session = make_session(shared)
    co_trainer = MemberFactory()
    shared.trainers.add(co_trainer)
    shared.trainers.add(course.trainers.get())
    shared.save()
    own_session = make_session(course)
    participant = MemberFactory()
    registration_create(session_id=own_session.pk, user=participant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member_delete(user=course.trainers.get())
    own_session.refresh_from_db()
    shared_session.refresh_from_db()
    assert own_session.is_cancelled and not shared_session.is_cancelled
    assert [message.to for message in mail.outbox] == [[participant.email]]


def test_review_changes_requested_then_resubmitted(client):
    from peer_learning.services import course_submit

    course = make_course(publish=False)
    trainer = course.trainers.get()
    state = course_submit(course_id=course.pk, user=trainer)
    editor = MemberFactory(roles=(Role.EDITOR,))
    state.current_task_state.specific.reject(user=editor)
    login(client, trainer)
    assert "Änderungen erbeten" in client.get(reverse("peer_learning:dashboard")).content.decode()
    response = client.post(reverse("peer_learning:course_submit", args=[course.pk]))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_moving_a_session_into_the_past_is_refused(course, session):
    from django.core.exceptions import ValidationError

    from peer_learning.services import session_update

    with pytest.raises(ValidationError, match="Zukunft"):
        session_update(
            session_id=session.pk,
            user=course.trainers.get(),
            data={
                "starts_at": timezone.now() - dt.timedelta(hours=3),
                "ends_at": timezone.now() - dt.timedelta(hours=2),
            },
        )


def test_session_list_query_count_is_fixed(client, django_assert_max_num_queries):
    trainer = MemberFactory()
    for number in range(8):
        make_session(make_course(trainer=trainer, title=f"Termin-Impuls {number}"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("peer_learning:sessions"))
    assert response.content.decode().count("Termin-Impuls") == 8


def test_add_to_calendar_links_and_cancelled_event(client, course, session):
    from urllib.parse import parse_qs, urlsplit

    from peer_learning.services import session_cancel

    response = client.get(reverse("peer_learning:session", args=[session.pk]))
    google, outlook = response.context["google_link"], response.context["outlook_link"]
    google_query = parse_qs(urlsplit(google).query)
    start = session.starts_at.astimezone(dt.UTC)
    assert google_query["dates"][0].startswith(start.strftime("%Y%m%dT%H%M%SZ"))
    assert google_query["text"] == ["Agile Verwaltung"]
    assert MEETING not in google
    outlook_query = parse_qs(urlsplit(outlook).query)
    assert outlook_query["subject"] == ["Agile Verwaltung"]
    assert outlook_query["startdt"][0].startswith(start.strftime("%Y-%m-%dT%H:%M:%S"))

    session_cancel(session_id=session.pk, user=course.trainers.get())
    ics = client.get(reverse("peer_learning:session_ics", args=[session.pk]))
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) == 1
