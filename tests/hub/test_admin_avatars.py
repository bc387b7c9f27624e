"""The Wagtail admin shows no Gravatar images: they break without internet and send a hash of
each editor's address to a service outside the EU (WAGTAIL_GRAVATAR_PROVIDER_URL = None)."""

import pytest

from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/", "/admin/account/"])
def test_the_admin_loads_no_avatar_from_gravatar(client, path):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode().lower()
