"""The Wagtail admin shows members' own avatars (their picture, else their initials on their
colour) and no Gravatar images: those break without internet and send a hash of each editor's
address to a service outside the EU (WAGTAIL_GRAVATAR_PROVIDER_URL = None)."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members.avatars import PALETTE, colour_for
from members.models import Approval, Visibility
from members.roles import Role
from members.services import profile_update
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "hub" / "static" / "css" / "site.css"


@pytest.fixture
def editor_client(client):
    editor = MemberFactory(first_name="Miriam", last_name="Schulte", roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    client.editor = editor
    return client


@pytest.mark.parametrize("path", ["/admin/", "/admin/account/"])
def test_the_admin_loads_no_avatar_from_gravatar(editor_client, path):
    response = editor_client.get(path)
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode().lower()
    assert "default-user-avatar" not in response.content.decode()


def test_the_admin_shows_the_editors_initials_on_their_colour(editor_client):
    page = editor_client.get("/admin/").content.decode()

    colour = PALETTE[colour_for(editor_client.editor.pk)]
    assert 'src="data:image/svg+xml,' in page
    assert quote(f'fill="{colour}"') in page
    assert quote(">MS</text>") in page


def test_the_account_review_shows_each_waiting_members_avatar(editor_client):
    with_picture = MemberFactory(first_name="Ruth", last_name="Engel")
    profile = profile_update(
        profile=with_picture.profile, data={"avatar_visibility": Visibility.MEMBERS}
    )
    profile.avatar.save("avatars/ruth.jpg", ContentFile(b"jpeg"), save=True)
    without = MemberFactory(first_name="Jens", last_name="Hoffmann")
    for account in (with_picture, without):
        account.approval = Approval.PENDING
        account.save()

    queue = editor_client.get(reverse("members_account_review")).content.decode()

    assert f'src="{profile.avatar.url}"' in queue
    assert quote(">JH</text>") in queue


def test_the_admin_avatar_colours_are_the_sites():
    css = CSS.read_text()
    for index, colour in enumerate(PALETTE):
        assert re.search(rf"\.avatar--{index} \{{\s*background-color: {colour};", css)
