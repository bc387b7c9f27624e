import pytest
from django.contrib.auth.models import Permission

from members.roles import Role
from peer_learning.models import Session
from peer_learning.services import registration_create
from tests.factories import MemberFactory, totp_activate
from tests.peer_learning.factories import make_course, make_session

pytestmark = pytest.mark.django_db


def test_editors_see_sessions_read_only(client):
    session = make_session(make_course(title="Bürgerservice neu denken"), capacity=3)
    registration_create(session_id=session.pk, user=MemberFactory())
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_session", "change_session"])
    )
    client.force_login(editor)
    listing = client.get("/admin/lernen/termine/")
    assert listing.status_code == 200
    assert "Bürgerservice neu denken" in listing.content.decode()
    assert client.get(f"/admin/lernen/termine/inspect/{session.pk}/").status_code == 200
    response = client.post(f"/admin/lernen/termine/edit/{session.pk}/", {"status": "cancelled"})
    assert response.status_code in (302, 403)
    assert Session.objects.get(pk=session.pk).status == "planned"
