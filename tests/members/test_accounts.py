import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from members import services
from members.models import Profile, User
from members.roles import Role
from members.services import member_create
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_stored_lowercase():
    user = member_create(
        email="Erika.Muster@Stadt-Musterstadt.DE",
        password=TEST_PASSWORD,
        first_name="Erika",
        last_name="Muster",
        organisation=None,
    )

    assert User.USERNAME_FIELD == "email"
    assert user.email == "erika.muster@stadt-musterstadt.de"
    assert user.profile.display_name == "Erika Muster"
    assert user.groups.filter(name=Role.MEMBER).exists()
    assert EmailAddress.objects.get(user=user).verified


def test_duplicate_email_is_rejected():
    MemberFactory(email="doppelt@verwaltung.example")

    with pytest.raises(IntegrityError):
        MemberFactory(email="doppelt@verwaltung.example")


def test_editor_role_opens_the_wagtail_admin(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200


def test_member_without_role_is_kept_out_of_the_admin(member_client):
    response = member_client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_signup_creates_profile_and_asks_for_verification(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "neu@kreis-beispiel.de",
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                "accept_terms": "on",
            },
        )

    assert response.status_code == 302
    user = User.objects.get(email="neu@kreis-beispiel.de")
    assert Profile.objects.get(user=user).display_name == "neu"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["neu@kreis-beispiel.de"]


def test_unverified_member_cannot_sign_in(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "neu@kreis-beispiel.de",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
            "accept_terms": "on",
        },
    )
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "neu@kreis-beispiel.de", "password": TEST_PASSWORD}
    )

    assert response.headers["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_signup_with_existing_email_creates_nothing_and_reveals_nothing(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": member.email,
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                "accept_terms": "on",
            },
        )

    # Answers like a fresh sign-up (no account enumeration) and warns the owner by mail.
    assert response.status_code == 302
    assert User.objects.filter(email=member.email).count() == 1
    assert mail.outbox[0].to == [member.email]


def test_signup_with_weak_password_is_refused_in_german(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "schwach@verwaltung.example", "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    assert "Dieses Passwort ist zu kurz" in response.content.decode()
    assert not User.objects.filter(email="schwach@verwaltung.example").exists()


def test_login_page_is_in_site_layout(client):
    html = client.get(reverse("account_login")).content.decode()

    assert 'href="#inhalt"' in html
    assert "Anmelden" in html


def test_a_failed_admission_leaves_no_half_made_account(client, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("Die Zulassung ist gerade nicht erreichbar.")

    monkeypatch.setattr(services, "account_admit", fail)

    with pytest.raises(RuntimeError):
        client.post(
            reverse("account_signup"),
            {
                "email": "neu@kreis-beispiel.de",
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                "accept_terms": "on",
            },
        )

    assert not User.objects.filter(email="neu@kreis-beispiel.de").exists()
    assert not Profile.objects.exists()


def test_reset_links_are_mailed_from_the_request_and_never_queued(
    client, settings, django_capture_on_commit_callbacks
):
    """With the database task queue, a queued mail would keep its reset link in a table."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})

    (message,) = mail.outbox
    assert "/konto/password/reset/key/" in message.body
    assert not DBTaskResult.objects.exists()
