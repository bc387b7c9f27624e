"""allauth's rate limits, as configured in ACCOUNT_RATE_LIMITS, answer in German."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def test_too_many_failed_logins_lock_the_email_even_with_the_right_password(client, member):
    for _ in range(5):
        failed = client.post(
            reverse("account_login"), {"login": member.email, "password": "falsch-geraten-1"}
        )
        assert failed.status_code == 200

    response = client.post(
        reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in html
    assert "in 15 Minuten erneut" in html
    assert "_auth_user_id" not in client.session


def test_failed_logins_for_one_email_do_not_lock_another(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "falsch-1"})
    other = MemberFactory()

    response = client.post(
        reverse("account_login"), {"login": other.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_password_reset_flood_is_limited(client, member):
    for _ in range(3):
        sent = client.post(reverse("account_reset_password"), {"email": member.email})
        assert sent.status_code == 302

    response = client.post(reverse("account_reset_password"), {"email": member.email})

    html = response.content.decode()
    assert response.status_code == 429
    assert "Zu viele Versuche" in html
    assert "versuchen Sie es dann erneut" in html
    assert 'href="#inhalt"' in html
    assert len(mail.outbox) == 3


def test_signup_flood_is_limited(client):
    # allauth counts sign-up attempts (POST), valid or not, per IP address.
    for _ in range(20):
        assert client.post(reverse("account_signup"), {}).status_code == 200

    response = client.post(reverse("account_signup"), {})

    assert response.status_code == 429
    assert "Zu viele Versuche" in response.content.decode()
