"""Offering and revising a course with "submit for review" is one write: when the submission
fails, the course or its new revision is not stored either."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hub.models import Topic
from members.roles import Role
from peer_learning import services
from peer_learning.models import CoursePage
from tests.factories import MemberFactory
from tests.peer_learning.factories import make_course

pytestmark = pytest.mark.django_db

REFUSAL = "Die Prüfung nimmt gerade nichts an."


@pytest.fixture
def refused_submission(monkeypatch):
    def refuse(**kwargs):
        raise ValidationError(REFUSAL)

    monkeypatch.setattr(services, "course_submit", refuse)


def offer(**changes):
    return {
        "title": "Formulare digitalisieren",
        "summary": "Vom PDF zum Online-Antrag.",
        "description_text": "Erster Absatz.",
        "format": "workshop",
        "duration": "eigene",
        "duration_custom": "45",
        "level": "einstieg",
        "language": "de",
        "topics": [Topic.objects.create(name="Digitalisierung").pk],
        "submit": "1",
        **changes,
    }


def test_a_refused_submission_keeps_no_new_course(client, refused_submission):
    client.force_login(MemberFactory(roles=(Role.TRAINER,)))

    response = client.post(reverse("peer_learning:course_create"), offer())

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert not CoursePage.objects.filter(title="Formulare digitalisieren").exists()


def test_a_refused_submission_keeps_no_new_revision(client, refused_submission):
    course = make_course(title="Agile Verwaltung", publish=False)
    revisions = course.revisions.count()
    client.force_login(course.trainers.get())

    response = client.post(
        reverse("peer_learning:course_edit", args=[course.pk]), offer(title="Gekippt")
    )

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    course.refresh_from_db()
    assert course.revisions.count() == revisions
    assert course.get_latest_revision_as_object().title == "Agile Verwaltung"
