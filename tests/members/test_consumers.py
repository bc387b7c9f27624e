"""The live websocket: session auth, origin check, frame validation, group delivery."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from core.realtime import member_event, member_group
from hub.asgi import application
from members.consumers import CLOSE_UNAUTHENTICATED, MAX_FRAME_BYTES
from members.models import User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://testserver")
HOST = (b"host", b"testserver")


def session_cookie_for(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


@pytest.fixture
def member_headers():
    member = MemberFactory()
    return member, [HOST, ORIGIN, session_cookie_for(member)]


async def test_anonymous_connection_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[HOST, ORIGIN])

    connected, code = await communicator.connect()

    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def refused(headers) -> bool:
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, code = await communicator.connect()
    return not connected and code == CLOSE_UNAUTHENTICATED


async def test_an_unknown_session_is_refused():
    assert await refused([HOST, ORIGIN, (b"cookie", b"sessionid=erfunden; csrftoken=x")])


async def test_a_session_from_before_a_password_change_is_refused(member_headers):
    member, headers = member_headers

    def change_password():
        member.set_password("ein-ganz-neues-Passwort-2026")
        member.save()

    await database_sync_to_async(change_password)()

    assert await refused(headers)


async def test_a_deactivated_members_session_is_refused(member_headers):
    member, headers = member_headers
    await database_sync_to_async(User.objects.filter(pk=member.pk).update)(is_active=False)

    assert await refused(headers)


async def test_foreign_origin_is_refused(member_headers):
    _member, headers = member_headers
    foreign = [HOST, (b"origin", b"https://evil.example"), headers[2]]
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=foreign)

    connected, _code = await communicator.connect()

    assert not connected


async def test_member_receives_events_sent_to_their_group(member_headers):
    member, headers = member_headers
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected

    await get_channel_layer().group_send(
        member_group(member.pk), member_event(member.pk, {"type": "notification.new", "count": 3})
    )

    assert await communicator.receive_json_from() == {"type": "notification.new", "count": 3}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("kein json", "invalid_json"),
        ('{"type": "unbekannt"}', "unknown_type"),
        ("[1, 2]", "unknown_type"),
        ("x" * (MAX_FRAME_BYTES + 1), "invalid_frame"),
    ],
)
async def test_invalid_frames_get_an_error_and_the_socket_stays_usable(member_headers, frame, code):
    _member, headers = member_headers
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    await communicator.connect()

    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from()
    await communicator.send_json_to({"type": "ping"})
    pong = await communicator.receive_json_from()

    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    assert pong == {"type": "pong"}
    await communicator.disconnect()


def test_group_names_follow_channels_rules():
    assert member_group(42) == "member.42"
    with pytest.raises(ValueError, match="type"):
        member_event(42, {"count": 1})
