import pytest
from django.core.management import call_command
from django.urls import reverse

from peer_learning.models import CoursePage, Feedback, Registration, Session

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def counts():
    return (
        CoursePage.objects.live().count(),
        Session.objects.count(),
        Registration.objects.count(),
        Feedback.objects.count(),
    )


def test_demo_catalogue_is_alive_and_seeding_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    first = counts()
    courses, sessions, registrations, feedback = first
    assert courses == 10 and sessions >= 25 and registrations >= 40 and feedback > 0
    assert Session.objects.filter(seats_taken__gte=1).exists()
    assert Registration.objects.filter(status="waitlisted").exists()

    call_command("seed_demo", verbosity=0)
    assert counts() == first

    assert client.login(email="miriam.schulte@demo.kollegium.example", password="kollegium-demo")
    history = client.get(reverse("peer_learning:history")).content.decode()
    assert "Teilnahmebescheinigung" in history
    catalogue = client.get(reverse("peer_learning:catalogue")).content.decode()
    assert "E-Akte einführen ohne Frust" in catalogue and "Empfohlen" in catalogue
