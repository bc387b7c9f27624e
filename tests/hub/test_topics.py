import pytest
from django.core.management import call_command
from django.urls import reverse

from hub.models import Topic, topic_slug
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Öffentlichkeitsarbeit", "oeffentlichkeitsarbeit"),
        ("OZG und Onlinedienste", "ozg-und-onlinedienste"),
        ("Straßenbau & Verkehr", "strassenbau-verkehr"),
    ],
)
def test_topic_slugs_are_readable_ascii(name, slug):
    assert topic_slug(name) == slug


def test_editors_add_a_topic_and_its_slug_is_derived(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_hub_topic:add"),
        {"name": "Künstliche Intelligenz", "slug": "", "description": ""},
    )

    assert response.status_code == 302
    assert Topic.objects.get(name="Künstliche Intelligenz").slug == "kuenstliche-intelligenz"


def test_a_topic_name_is_taken_only_once(client):
    Topic.objects.create(name="Vergabe")
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_hub_topic:add"), {"name": "Vergabe", "slug": "vergabe-2"}
    )

    assert response.status_code == 200
    assert Topic.objects.filter(name="Vergabe").count() == 1


def test_members_cannot_edit_topics(member_client):
    response = member_client.get(reverse("wagtailsnippets_hub_topic:list"))

    assert response.status_code == 302


@pytest.mark.slow
def test_demo_network_has_a_topic_taxonomy():
    call_command("seed_demo", verbosity=0)

    assert Topic.objects.count() >= 10
    assert Topic.objects.filter(slug="e-akte").exists()
