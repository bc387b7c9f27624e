"""The trainer's participant list and the learning history as CSV: whatever members wrote into
names, addresses, organisations or course titles opens in a spreadsheet as text, never as a
formula (issue 19, finding 6)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.services import profile_update
from peer_learning.services import attendance_record, registration_create
from tests.factories import MemberFactory, OrganisationFactory
from tests.peer_learning.factories import make_course, make_session, move_session

pytestmark = pytest.mark.django_db

# What a probe writes where it can: formulas, a DDE call, and the characters spreadsheets skip
# before they read a formula.
HOSTILE_NAMES = ["+49 30 1234", "-2+3", "@SUMME(A1:A9)", "\t=1+1", "\r=1+1", '=HYPERLINK("x")']


def rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_participant_export_defuses_every_column() -> None:
    course = make_course(title="Agile Verwaltung")
    session = make_session(course, capacity=len(HOSTILE_NAMES) + 1)
    for index, name in enumerate(HOSTILE_NAMES):
        person = MemberFactory(
            email=f"=cmd|'/Ccalc'!A{index}@verwaltung.example",
            organisation=OrganisationFactory(name=f"=WEBSERVICE({index})"),
        )
        profile_update(profile=person.profile, data={"display_name": name})
        registration_create(session_id=session.pk, user=person)
    harmless = MemberFactory(first_name="Erika", last_name="Muster")
    registration_create(session_id=session.pk, user=harmless)

    response = signed_in(course.trainers.get()).get(
        reverse("peer_learning:session_participants_csv", args=[session.pk])
    )

    table = rows(response)
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="teilnehmende-{session.pk}.csv"'
    )
    assert table[0] == ["Name", "E-Mail", "Organisation", "Status", "Angemeldet am"]
    hostile = {row[0]: row for row in table[1:] if row[0] != "Erika Muster"}
    assert sorted(hostile) == sorted("'" + name for name in HOSTILE_NAMES)
    for _name, email, organisation, _status, _date in hostile.values():
        assert email.startswith("'=cmd|")
        assert organisation.startswith("'=WEBSERVICE(")
    erika = next(row for row in table if row[0] == "Erika Muster")
    assert erika[1] == harmless.email and erika[3] == "Bestätigt"


@pytest.mark.parametrize(
    "title", ["=HYPERLINK(“x”) Schulung", "-Agile Verwaltung", "@Teams", "\t=1+1 Schulung"]
)
def test_learning_history_defuses_course_titles(title: str) -> None:
    course = make_course(title=title)
    session = make_session(course, capacity=2)
    member = MemberFactory()
    registration = registration_create(session_id=session.pk, user=member).registration
    move_session(session, starts_in=dt.timedelta(hours=-2))
    attendance_record(
        session_id=session.pk, user=course.trainers.get(), attended_ids={registration.pk}
    )

    table = rows(signed_in(member).get(reverse("peer_learning:history_csv")))

    assert table[0] == ["Impuls", "Datum", "Dauer (Minuten)", "Format"]
    assert table[1][0] == "'" + title
    assert table[1][2] == "30"
