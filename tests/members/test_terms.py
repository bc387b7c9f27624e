"""Versioned consent: sign-up stores the version accepted; a new version asks again."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import TermsAcceptance, TermsVersion, User
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def publish_terms(version: int) -> TermsVersion:
    return TermsVersion.objects.create(
        version=version,
        title="Nutzungsbedingungen",
        text=f"<p>Fassung {version}</p>",
        published_at=timezone.now(),
    )


def sign_up(client, **extra):
    return client.post(
        reverse("account_signup"),
        {"email": "neu@kreis-beispiel.de", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}
        | extra,
    )


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def test_sign_up_without_consent_is_refused_and_creates_nothing(client):
    response = sign_up(client)

    assert response.status_code == 200
    assert "Version 1" in response.content.decode()
    assert not User.objects.filter(email="neu@kreis-beispiel.de").exists()


def test_sign_up_stores_the_version_accepted(client):
    sign_up(client, accept_terms="on")

    (acceptance,) = TermsAcceptance.objects.filter(user__email="neu@kreis-beispiel.de")
    assert acceptance.terms.version == 1


def test_new_version_asks_again_at_next_login_and_then_lets_through(client):
    member = MemberFactory()
    publish_terms(2)

    log_in(client, member)
    blocked = client.get(reverse("members:directory"))
    accept_page = client.get(blocked.headers["Location"])
    accepted = client.post(
        reverse("members:terms_accept"),
        {"accept_terms": "on", "next": reverse("members:directory")},
    )

    assert blocked.status_code == 302
    assert blocked.headers["Location"].startswith(reverse("members:terms_accept"))
    assert "Fassung 2" in accept_page.content.decode()
    assert accepted.headers["Location"] == reverse("members:directory")
    assert member.terms_acceptances.filter(terms__version=2).exists()
    assert client.get(reverse("members:directory")).status_code == 200


def test_member_who_accepted_the_current_version_is_not_asked(client):
    member = MemberFactory()

    log_in(client, member)

    assert client.get(reverse("members:directory")).status_code == 200


def test_consent_page_refuses_without_the_box_and_foreign_redirects(client):
    member = MemberFactory(accepted_terms=False)
    log_in(client, member)

    refused = client.post(reverse("members:terms_accept"), {"next": "/"})
    accepted = client.post(
        reverse("members:terms_accept"), {"accept_terms": "on", "next": "https://evil.example/"}
    )

    assert refused.status_code == 400
    assert accepted.headers["Location"] == "/"


def test_terms_are_public_and_consents_are_exported(client, member_client):
    assert client.get(reverse("members:terms")).status_code == 200
    export = member_client.get(reverse("members:my_data_download")).json()
    assert [consent["terms_version"] for consent in export["consents"]] == [1]
