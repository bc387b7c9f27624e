"""GDPR: the data export holds everything, deletion removes the person and nothing else."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from hub.models import HomePage
from members.models import Profile, User
from members.services import profile_update
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def test_export_is_one_json_file_with_account_and_profile(member_client, member):
    profile_update(
        profile=member.profile,
        data={"bio": "Ich mag Formulare.", "expertise": ["E-Akte"], "bio_visibility": "private"},
    )

    response = member_client.get(reverse("members:my_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="kollegium-meine-daten-'
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert data["account"]["email_addresses"] == [
        {"email": member.email, "verified": True, "primary": True}
    ]
    assert data["profile"]["bio"] == "Ich mag Formulare."
    assert data["profile"]["expertise"] == ["E-Akte"]
    assert data["profile"]["visibility"]["bio"] == "private"
    assert data["account"]["single_sign_on"] == []
    assert data["account"]["second_factors"] == []


def test_export_needs_login(client):
    response = client.get(reverse("members:my_data_download"))

    assert response.status_code == 302
    assert reverse("account_login") in response.headers["Location"]


def test_deletion_removes_personal_data_and_keeps_everything_else(member_client, member, home_page):
    colleague = MemberFactory()
    home_page.owner = member
    home_page.save_revision(user=member).publish()

    response = member_client.post(
        reverse("members:account_delete"), {"password": TEST_PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Profile.objects.filter(user_id=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    assert User.objects.filter(pk=colleague.pk).exists()
    home_page = HomePage.objects.get(pk=home_page.pk)
    assert home_page.live
    assert home_page.owner is None
    assert home_page.latest_revision.user is None
    assert "_auth_user_id" not in member_client.session


def test_deletion_needs_the_right_password_and_confirmation(member_client, member):
    wrong = member_client.post(
        reverse("members:account_delete"), {"password": "falsch", "confirm": "on"}
    )
    unconfirmed = member_client.post(reverse("members:account_delete"), {"password": TEST_PASSWORD})

    assert wrong.status_code == 400
    assert "Das Passwort stimmt nicht." in wrong.content.decode()
    assert unconfirmed.status_code == 400
    assert User.objects.filter(pk=member.pk).exists()


def test_deleted_members_other_sessions_become_anonymous(client, member):
    other_device = client
    other_device.force_login(member)
    this_device = Client()
    this_device.force_login(member)

    this_device.post(
        reverse("members:account_delete"), {"password": TEST_PASSWORD, "confirm": "on"}
    )

    assert other_device.get(reverse("members:my_data")).status_code == 302
