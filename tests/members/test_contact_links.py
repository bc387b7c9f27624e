"""Optional contact links on profiles: web, mail and phone only, never script."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import Profile
from members.services import profile_update

pytestmark = pytest.mark.django_db

VISIBILITIES = {
    f"{field}_visibility": "members"
    for field in (
        "display_name",
        "organisation",
        "position",
        "bio",
        "avatar",
        "expertise",
        "interests",
        "contact_links",
    )
}


def save_links(client, **slots):
    return client.post(
        reverse("members:profile_edit"), {"display_name": "Erika Beispiel", **VISIBILITIES, **slots}
    )


def test_web_mail_and_phone_links_are_kept_in_order(member_client, member):
    response = save_links(
        member_client,
        contact_link_1_label="Dienstliche Website",
        contact_link_1_url="https://www.kreis-beispiel.de/team",
        contact_link_2_url="mailto:erika.beispiel@kreis-beispiel.de",
        contact_link_3_label="Telefon",
        contact_link_3_url="tel:+49 6131 304-0",
    )

    assert response.status_code == 302
    assert Profile.objects.get(user=member).contact_links == [
        {"label": "Dienstliche Website", "url": "https://www.kreis-beispiel.de/team"},
        {
            "label": "erika.beispiel@kreis-beispiel.de",
            "url": "mailto:erika.beispiel@kreis-beispiel.de",
        },
        {"label": "Telefon", "url": "tel:+49 6131 304-0"},
    ]


def test_the_form_shows_stored_links_and_clearing_a_row_removes_it(member_client, member):
    profile_update(
        profile=member.profile,
        data={"contact_links": [{"label": "Website", "url": "https://amt.example/"}]},
    )

    form = member_client.get(reverse("members:profile_edit")).content.decode()
    save_links(member_client)

    assert 'value="https://amt.example/"' in form
    assert Profile.objects.get(user=member).contact_links == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://amt.example/datei",
        "mailto:keine-adresse",
        "tel:anrufen",
        "www.amt.example",
    ],
)
def test_other_addresses_are_refused_and_nothing_changes(member_client, member, url):
    response = save_links(member_client, contact_link_1_label="Link", contact_link_1_url=url)

    assert response.status_code == 400
    assert "Bitte geben Sie eine Webadresse (https://…)" in response.content.decode()
    assert Profile.objects.get(user=member).contact_links == []


def test_a_label_needs_an_address(member_client, member):
    response = save_links(member_client, contact_link_2_label="Telefon")

    assert response.status_code == 400
    assert "Bitte geben Sie zur Bezeichnung eine Adresse an." in response.content.decode()


def test_the_model_refuses_malformed_lists_from_any_path(member):
    with pytest.raises(ValidationError):
        profile_update(
            profile=member.profile,
            data={"contact_links": [{"label": "x", "url": "javascript:alert(1)"}]},
        )
    with pytest.raises(ValidationError):
        profile_update(
            profile=member.profile,
            data={"contact_links": [{"label": "x", "url": "https://a.example"}] * 4},
        )
