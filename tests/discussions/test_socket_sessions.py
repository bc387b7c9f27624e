"""A live socket lasts only as long as its session and account may take part (issue 19,
finding 1): logout, deactivation, decline and deletion close it within a second, and a frame
sent after any of them is refused even where no close event was sent."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import transaction
from django.test import Client
from django.urls import reverse

from discussions.models import Message
from hub.asgi import application
from members.consumers import CLOSE_UNAUTHENTICATED
from members.models import Approval, User
from members.services import account_decline, member_delete
from tests.discussions.sockets import HOST, ORIGIN, connect, drain, open_channel_on, receive_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(user) -> tuple[Client, str]:
    """A browser session of the member: its client (for HTTP) and its session key."""
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value


async def open_tab(session_key: str, channel) -> WebsocketCommunicator:
    headers = [HOST, ORIGIN, (b"cookie", f"sessionid={session_key}".encode())]
    tab = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await tab.connect()
    assert connected
    await open_channel_on(tab, channel)
    return tab


async def close_code(tab: WebsocketCommunicator, within: float = 1.0) -> int:
    """The code the server closed the socket with, skipping events sent before the close."""
    while True:
        output = await tab.receive_output(timeout=within)
        if output["type"] == "websocket.close":
            return output["code"]


async def post(tab: WebsocketCommunicator, channel, body: str) -> None:
    await tab.send_json_to({"type": "message.post", "channel": channel.pk, "body": body})


async def stored_messages() -> list[str]:
    return await database_sync_to_async(list)(Message.objects.values_list("source", flat=True))


async def heard_messages(listener: WebsocketCommunicator) -> list[dict]:
    return [event for event in await drain(listener) if event["type"] == "message.new"]


async def test_logout_closes_the_sessions_socket_and_a_later_post_is_not_broadcast(
    open_channel, author, reader
):
    client, session_key = await database_sync_to_async(sign_in)(author)
    tab = await open_tab(session_key, open_channel)
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)

    response = await database_sync_to_async(client.post)(reverse("account_logout"))
    code = await close_code(tab)
    # A frame already on its way when the socket closed.
    await post(tab, open_channel, "Nach der Abmeldung")

    assert response.status_code == 302
    assert code == CLOSE_UNAUTHENTICATED
    assert await tab.receive_nothing(timeout=0.3)
    assert await heard_messages(listener) == []
    assert await stored_messages() == []
    await listener.disconnect()


async def test_logging_out_one_session_leaves_the_members_other_session_open(
    open_channel, author, reader
):
    first_client, first_key = await database_sync_to_async(sign_in)(author)
    _second_client, second_key = await database_sync_to_async(sign_in)(author)
    first = await open_tab(first_key, open_channel)
    second = await open_tab(second_key, open_channel)
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)

    await database_sync_to_async(first_client.post)(reverse("account_logout"))
    first_code = await close_code(first)
    await post(second, open_channel, "Im anderen Fenster")
    posted = await receive_until(second, "message.posted")
    heard = await receive_until(listener, "message.new")

    assert first_code == CLOSE_UNAUTHENTICATED
    assert posted["message_id"] == heard["message"]["id"]
    assert await stored_messages() == ["Im anderen Fenster"]
    await second.disconnect()
    await listener.disconnect()


def deactivate(user: User) -> None:
    # What an administrator's user editor does: the whole account is saved.
    user.is_active = False
    user.save()


def decline(user: User) -> None:
    account_decline(user=user, reason="Keine Verwaltungsadresse")


def delete(user: User) -> None:
    member_delete(user=user)


@pytest.mark.parametrize("end_account", [deactivate, decline, delete])
async def test_an_account_that_may_no_longer_take_part_loses_every_socket(
    open_channel, author, reader, end_account
):
    _first_client, first_key = await database_sync_to_async(sign_in)(author)
    _second_client, second_key = await database_sync_to_async(sign_in)(author)
    # Two tabs of one browser share a session; a second browser has its own.
    tabs = [
        await open_tab(first_key, open_channel),
        await open_tab(first_key, open_channel),
        await open_tab(second_key, open_channel),
    ]
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)

    await database_sync_to_async(end_account)(author)
    codes = [await close_code(tab) for tab in tabs]
    for tab in tabs:
        await post(tab, open_channel, "Trotzdem")

    assert codes == [CLOSE_UNAUTHENTICATED] * 3
    assert await heard_messages(listener) == []
    assert await stored_messages() == []
    await listener.disconnect()


async def test_a_change_that_is_rolled_back_closes_nothing(open_channel, author):
    _client, session_key = await database_sync_to_async(sign_in)(author)
    tab = await open_tab(session_key, open_channel)

    def deactivate_then_roll_back() -> None:
        with transaction.atomic():
            deactivate(author)
            transaction.set_rollback(True)

    await database_sync_to_async(deactivate_then_roll_back)()
    await post(tab, open_channel, "Noch dabei")

    assert (await receive_until(tab, "message.posted"))["type"] == "message.posted"
    await tab.disconnect()


def deactivate_quietly(user: User) -> None:
    # A bulk update sends no signal: only the frame's own check can notice.
    User.objects.filter(pk=user.pk).update(is_active=False)


def decline_quietly(user: User) -> None:
    User.objects.filter(pk=user.pk).update(approval=Approval.DECLINED)


def change_password(user: User) -> None:
    # Django signs out every session made with the old password.
    user.set_password("ein-ganz-neues-Passwort-2026")
    user.save(update_fields=["password"])


@pytest.mark.parametrize("change", [deactivate_quietly, decline_quietly, change_password])
async def test_every_frame_is_judged_by_the_account_as_it_is_now(
    open_channel, author, reader, change
):
    _client, session_key = await database_sync_to_async(sign_in)(author)
    tab = await open_tab(session_key, open_channel)
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)

    await database_sync_to_async(change)(author)
    await post(tab, open_channel, "Mit altem Stand")

    assert await close_code(tab) == CLOSE_UNAUTHENTICATED
    assert await heard_messages(listener) == []
    assert await stored_messages() == []
    await listener.disconnect()


async def test_a_frame_after_the_session_ended_without_a_logout_is_refused(open_channel, author):
    """A session that expired or was cleared (clearsessions, an administrator) ends its socket
    at the next frame."""
    _client, session_key = await database_sync_to_async(sign_in)(author)
    tab = await open_tab(session_key, open_channel)

    await database_sync_to_async(SessionStore(session_key).delete)()
    await tab.send_json_to({"type": "ping"})

    assert await close_code(tab) == CLOSE_UNAUTHENTICATED
    assert await stored_messages() == []
