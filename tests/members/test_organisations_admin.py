import pytest
from django.urls import reverse

from members.models import Organisation
from members.roles import Role
from tests.factories import MemberFactory, OrganisationFactory, totp_activate

pytestmark = pytest.mark.django_db


def _editor():
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)  # editors must use MFA
    return editor


def test_editors_manage_the_organisation_list_in_the_admin(client):
    OrganisationFactory(name="Stadt Beispielhausen")
    client.force_login(_editor())
    url = reverse("wagtailsnippets_members_organisation:list")

    listing = client.get(url)
    found = client.get(url, {"q": "Beispielhausen"})

    assert listing.status_code == 200
    assert "Stadt Beispielhausen" in found.content.decode()


def test_editors_add_an_organisation(client):
    client.force_login(_editor())

    response = client.post(
        reverse("wagtailsnippets_members_organisation:add"),
        {"name": "Landratsamt Musterkreis", "level": "kommune", "state": "BY"},
    )

    assert response.status_code == 302
    assert Organisation.objects.filter(name="Landratsamt Musterkreis").exists()


def test_state_level_organisation_needs_a_federal_state(client):
    client.force_login(_editor())

    response = client.post(
        reverse("wagtailsnippets_members_organisation:add"),
        {"name": "Landesamt ohne Land", "level": "land", "state": ""},
    )

    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Landesamt ohne Land").exists()


def test_members_cannot_touch_the_organisation_list(member_client):
    response = member_client.get(reverse("wagtailsnippets_members_organisation:list"))

    assert response.status_code == 302
