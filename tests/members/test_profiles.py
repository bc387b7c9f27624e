"""Profiles: per-field visibility, own-profile editing, the directory."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Profile, Visibility
from members.services import profile_update
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# Each field with a value that appears nowhere else on the page.
FIELD_VALUES = {
    "organisation": "Amt für Kataster Vierwinden",
    "position": "Leitung Geodatenstelle",
    "bio": "Seit 2019 baue ich das Geoportal auf.",
    "expertise": "Geodateninfrastruktur",
    "interests": "Drohnenvermessung",
    "contact_links": "https://geoportal.vierwinden.example/team",
}


def profile_with(visibility: str) -> Profile:
    member = MemberFactory(
        organisation=OrganisationFactory(name=FIELD_VALUES["organisation"]),
        position=FIELD_VALUES["position"],
    )
    data = {
        "bio": FIELD_VALUES["bio"],
        "expertise": [FIELD_VALUES["expertise"]],
        "interests": [FIELD_VALUES["interests"]],
        "contact_links": [{"label": "Geoportal-Team", "url": FIELD_VALUES["contact_links"]}],
        "display_name_visibility": Visibility.PUBLIC,
    }
    data |= {f"{field}_visibility": visibility for field in FIELD_VALUES}
    return profile_update(profile=member.profile, data=data)


def page_of(profile: Profile, client: Client) -> str:
    response = client.get(reverse("members:profile", args=[profile.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("field", FIELD_VALUES)
@pytest.mark.parametrize(
    ("visibility", "anonymous_sees", "member_sees"),
    [
        (Visibility.PUBLIC, True, True),
        (Visibility.MEMBERS, False, True),
        (Visibility.PRIVATE, False, False),
    ],
)
def test_each_field_reaches_exactly_whom_its_visibility_allows(
    field, visibility, anonymous_sees, member_sees
):
    profile = profile_with(visibility)
    colleague = Client()
    colleague.force_login(MemberFactory())
    owner = Client()
    owner.force_login(profile.user)
    value = FIELD_VALUES[field]

    assert (value in page_of(profile, Client())) is anonymous_sees
    assert (value in page_of(profile, colleague)) is member_sees
    assert value in page_of(profile, owner)


@pytest.mark.parametrize("field", FIELD_VALUES)
def test_hidden_fields_stay_out_of_the_directory_for_visitors(field):
    profile_with(Visibility.MEMBERS)

    response = Client().get(reverse("members:directory"))

    (card,) = response.context["cards"]
    assert card.fields[field] is None
    # The filter form lists every organisation (a public list); the results must not.
    results = response.content.decode().split('id="ergebnisse"', 1)[1]
    assert FIELD_VALUES[field] not in results


def test_private_name_hides_the_whole_profile_from_others(client):
    member = MemberFactory()
    profile_update(profile=member.profile, data={"display_name_visibility": Visibility.PRIVATE})

    assert client.get(reverse("members:profile", args=[member.profile.pk])).status_code == 404
    assert (
        member.profile.display_name not in client.get(reverse("members:directory")).content.decode()
    )


def test_filters_never_match_on_hidden_fields(client):
    profile_with(Visibility.MEMBERS)

    by_topic = client.get(reverse("members:directory"), {"expertise": "geodateninfrastruktur"})
    by_text = client.get(reverse("members:directory"), {"q": "Geoportal"})

    assert by_topic.context["page"].paginator.count == 0
    assert by_text.context["page"].paginator.count == 0


def test_member_finds_colleague_by_expertise_and_text(member_client):
    profile = profile_with(Visibility.MEMBERS)

    by_topic = member_client.get(
        reverse("members:directory"), {"expertise": "geodateninfrastruktur"}
    )
    by_text = member_client.get(reverse("members:directory"), {"q": "geoportal"})
    by_level = member_client.get(reverse("members:directory"), {"level": "kommune", "state": "HE"})

    assert [card.profile for card in by_topic.context["cards"]] == [profile]
    assert [card.profile for card in by_text.context["cards"]] == [profile]
    assert profile in [card.profile for card in by_level.context["cards"]]


def test_invalid_filters_get_a_message_and_show_everyone(member_client):
    response = member_client.get(reverse("members:directory"), {"level": "galaxis", "seite": "x"})

    assert response.status_code == 200
    assert "form-field--error" in response.content.decode()
    assert response.context["page"].number == 1


@pytest.mark.parametrize("members", [5, 40])
def test_directory_query_count_does_not_grow_with_members(
    members, member_client, django_assert_num_queries
):
    for _ in range(members):
        profile_with(Visibility.PUBLIC)

    # user (the session comes from the cache), its role answers (MFA requirement, admin link),
    # count, page, two tag prefetches, own profile and the notification badge for the header,
    # organisations for the filter, the footer's link to the accessibility statement (kept
    # until published content changes)
    with django_assert_num_queries(10):
        response = member_client.get(reverse("members:directory"))

    assert response.status_code == 200


def test_member_edits_own_profile_and_sees_the_result(member_client, member):
    response = member_client.post(
        reverse("members:profile_edit"),
        {
            "display_name": "Erika Beispiel",
            "display_name_visibility": "public",
            "organisation_visibility": "members",
            "position": "Referentin",
            "position_visibility": "public",
            "bio": "<script>alert('x')</script> Hallo",
            "bio_visibility": "members",
            "avatar_visibility": "members",
            "expertise": "E-Akte, Onlinezugangsgesetz",
            "expertise_visibility": "public",
            "interests": "Open Data",
            "interests_visibility": "private",
            "contact_links_visibility": "members",
            "contact_link_1_label": "<b>Website</b>",
            "contact_link_1_url": "https://www.kreis-beispiel.de/digitalisierung",
        },
    )

    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.display_name == "Erika Beispiel"
    assert sorted(member.profile.expertise.names()) == ["E-Akte", "Onlinezugangsgesetz"]
    html = member_client.get(response.headers["Location"]).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;Website&lt;/b&gt;" in html
    assert 'href="https://www.kreis-beispiel.de/digitalisierung" rel="nofollow noopener' in html


def test_invalid_profile_data_changes_nothing(member_client, member):
    before = member.profile.display_name

    response = member_client.post(
        reverse("members:profile_edit"),
        {"display_name": "   ", "display_name_visibility": "everyone", "expertise": "x" * 60},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Dieses Feld muss ausgefüllt werden." in html
    assert "höchstens 50 Zeichen" in html
    member.profile.refresh_from_db()
    assert member.profile.display_name == before


def test_profile_edit_needs_login_and_csrf(member):
    anonymous = Client()
    assert anonymous.get(reverse("members:profile_edit")).status_code == 302

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    response = strict.post(reverse("members:profile_edit"), {"display_name": "Fremd"})

    assert response.status_code == 403
    member.profile.refresh_from_db()
    assert member.profile.display_name != "Fremd"


def test_members_cannot_edit_other_profiles_by_url(member_client):
    other = MemberFactory()

    response = member_client.post(
        reverse("members:profile", args=[other.profile.pk]), {"display_name": "Übernommen"}
    )

    assert response.status_code == 405
    other.profile.refresh_from_db()
    assert other.profile.display_name != "Übernommen"


def test_directory_is_in_the_main_navigation(client):
    html = client.get("/").content.decode()

    assert f'href="{reverse("members:directory")}"' in html
    assert "Mitglieder" in html
