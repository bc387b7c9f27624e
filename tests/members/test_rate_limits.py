"""allauth's rate limits, as configured in ACCOUNT_RATE_LIMITS, answer in German."""

import re
import secrets

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def test_too_many_failed_logins_lock_that_address_out_even_with_the_right_password(client, member):
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


def test_password_reset_flood_is_limited(client, member, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
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


# Wrong passwords count per e-mail and client address; the account as a whole has a slower limit.

NGINX = "10.0.0.2"


def log_in(client, email, password, address):
    """A login through nginx: the client's own X-Forwarded-For, then the address nginx saw."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=f"198.51.100.{secrets.randbelow(250)}, {address}",
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_an_attacker_cannot_lock_the_member_out(client, member, behind_proxy):
    for _ in range(8):
        log_in(client, member.email, "falsch-geraten-1", "203.0.113.66")
    attacker = log_in(client, member.email, TEST_PASSWORD, "203.0.113.66")

    response = log_in(Client(), member.email, TEST_PASSWORD, "192.0.2.10")

    assert "Zu viele fehlgeschlagene Anmeldeversuche" in attacker.content.decode()
    assert response.status_code == 302


def test_rotating_the_spoofed_entry_does_not_escape_the_failed_login_limit(
    client, member, behind_proxy
):
    answers = [log_in(client, member.email, "falsch-geraten-1", "203.0.113.66") for _ in range(25)]

    limited = ["Zu viele fehlgeschlagene" in answer.content.decode() for answer in answers]
    assert limited == [False] * 5 + [True] * 20


def test_the_right_password_does_not_use_up_attempts(client, member, behind_proxy):
    for _ in range(4):
        log_in(client, member.email, "falsch-geraten-1", "203.0.113.66")
    for _ in range(3):
        assert log_in(Client(), member.email, TEST_PASSWORD, "203.0.113.66").status_code == 302

    last_try = log_in(client, member.email, "falsch-geraten-1", "203.0.113.66")

    assert "Zu viele fehlgeschlagene" not in last_try.content.decode()


def guess_from_many_addresses(email, count):
    return [log_in(Client(), email, f"falsch-{n}", f"203.0.113.{n // 5}") for n in range(count)]


def test_guessing_from_many_addresses_hits_the_account_limit_and_tells_the_member_once(
    member, behind_proxy, settings, django_capture_on_commit_callbacks
):
    (amount, window) = (50, 3600)
    assert settings.ACCOUNT_RATE_LIMITS["login_failed_account"] == f"{amount}/h/key"

    with django_capture_on_commit_callbacks(execute=True):
        guesses = guess_from_many_addresses(member.email, amount + 10)
        fresh_address = log_in(Client(), member.email, TEST_PASSWORD, "192.0.2.10")

    refused = ["Für dieses Konto gab es zu viele" in guess.content.decode() for guess in guesses]
    assert refused == [False] * amount + [True] * 10
    assert "Für dieses Konto gab es zu viele" in fresh_address.content.decode()
    assert "_auth_user_id" not in fresh_address.wsgi_request.session
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[Kollegium] Viele falsche Passwörter für Ihr Konto"
    assert f"innerhalb von {window // 60} Minuten {amount}-mal ein falsches Passwort" in (
        message.body
    )
    assert "/konto/password/reset/" in message.body


def test_the_account_limit_mails_nobody_for_an_unknown_address(
    db, behind_proxy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guesses = guess_from_many_addresses("niemand@example.org", 55)

    assert "Für dieses Konto gab es zu viele" in guesses[-1].content.decode()
    assert mail.outbox == []


def test_a_password_reset_lifts_the_account_limit(
    client, member, behind_proxy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guess_from_many_addresses(member.email, 50)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email}, REMOTE_ADDR=NGINX)
    link = re.search(r"http://\S+(/konto/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, REMOTE_ADDR=NGINX)["Location"]
    new_password = "Ein-neues-langes-Passwort-2026"
    reset = client.post(
        form_url, {"password1": new_password, "password2": new_password}, REMOTE_ADDR=NGINX
    )

    response = log_in(Client(), member.email, new_password, "192.0.2.10")

    assert reset.status_code == 302
    assert response.status_code == 302


def test_tries_refused_by_the_account_limit_do_not_use_up_the_members_own_attempts(
    member, behind_proxy, settings
):
    guess_from_many_addresses(member.email, 50)
    for _ in range(6):
        log_in(Client(), member.email, TEST_PASSWORD, "192.0.2.10")
    # The account's pause ends (here: a larger limit); the member's address was never counted.
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "60/h/key",
    }

    response = log_in(Client(), member.email, TEST_PASSWORD, "192.0.2.10")

    assert response.status_code == 302
