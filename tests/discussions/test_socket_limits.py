"""Limits on what one tab sends over the live websocket (issue 19, findings 7 and 9), through
the real ASGI stack."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from discussions.models import Message
from discussions.services.moderation import member_mute
from members.roles import Role
from tests.discussions.sockets import connect, drain, open_channel_on, receive_until, settled
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class FrozenClock:
    """Stands in for the `time` module of core.ratelimit, so the counter's window does not turn
    over in the middle of a test."""

    @staticmethod
    def time() -> float:
        return 1_000_000.0


async def typing_events(socket) -> list[dict]:
    return [event for event in await drain(socket) if event["type"] == "typing"]


async def post_over(socket, channel, body: str, **extra) -> dict:
    await socket.send_to(
        text_data=json.dumps({"type": "message.post", "channel": channel.pk, "body": body, **extra})
    )
    while True:
        event = await socket.receive_json_from(timeout=2)
        if event["type"] in {"message.posted", "error"}:
            return event


# Finding 7: one client's typing frames reached every listener, 84,120 deliveries in 21 s.


async def test_a_flood_of_typing_frames_reaches_listeners_once(open_channel, author, reader):
    flooder = await connect(author)
    await open_channel_on(flooder, open_channel)
    listeners = [await connect(reader) for _ in range(3)]
    for listener in listeners:
        await open_channel_on(listener, open_channel)
    for listener in listeners:
        await drain(listener)

    for _ in range(200):
        await flooder.send_json_to({"type": "typing", "channel": open_channel.pk})
    await settled(flooder)

    delivered = [await typing_events(listener) for listener in listeners]
    assert (
        delivered
        == [
            [
                {
                    "type": "typing",
                    "channel": open_channel.pk,
                    "member": {"id": author.pk, "name": "Aylin Demir"},
                }
            ]
        ]
        * 3
    )
    # Dropped silently: the flooder hears nothing back about its typing frames.
    assert all(event["type"] != "error" for event in await drain(flooder))
    for socket in (flooder, *listeners):
        await socket.disconnect()


async def test_many_tabs_of_one_member_share_the_typing_pace(
    open_channel, author, reader, monkeypatch
):
    monkeypatch.setattr("core.ratelimit.time", FrozenClock)
    tabs = [await connect(author) for _ in range(4)]
    for tab in tabs:
        await open_channel_on(tab, open_channel)
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)
    await drain(listener)

    for _ in range(50):
        for tab in tabs:
            await tab.send_json_to({"type": "typing", "channel": open_channel.pk})
    for tab in tabs:
        await settled(tab)

    assert len(await typing_events(listener)) == 1
    for socket in (*tabs, listener):
        await socket.disconnect()


async def test_typing_is_announced_again_once_the_pause_is_over(
    open_channel, author, reader, settings
):
    settings.DISCUSSIONS_TYPING_SECONDS = 1
    typist = await connect(author)
    await open_channel_on(typist, open_channel)
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)
    await drain(listener)

    for _burst in range(2):
        for _ in range(20):
            await typist.send_json_to({"type": "typing", "channel": open_channel.pk})
        await settled(typist)
        await asyncio.sleep(1.1)

    assert len(await typing_events(listener)) == 2
    await typist.disconnect()
    await listener.disconnect()


async def test_typing_needs_the_channel_open_and_a_muted_member_types_unseen(
    open_channel, author, reader
):
    moderator = await database_sync_to_async(MemberFactory)(roles=(Role.MODERATOR,))
    await database_sync_to_async(member_mute)(
        moderator=moderator, channel=open_channel, member=reader, minutes=10
    )
    muted = await connect(reader)
    listener = await connect(author)
    await open_channel_on(listener, open_channel)

    await muted.send_json_to({"type": "typing", "channel": open_channel.pk})
    refused = await receive_until(muted, "error")
    await open_channel_on(muted, open_channel)
    await drain(listener)
    await muted.send_json_to({"type": "typing", "channel": open_channel.pk})
    await settled(muted)

    assert refused["code"] == "forbidden"
    assert await typing_events(listener) == []
    await muted.disconnect()
    await listener.disconnect()


# Finding 9: a lone surrogate in a body closed the sender's socket with 1011.


@pytest.mark.parametrize(
    ("body", "position"), [("Hallo \ud800", 7), ("\udc00", 1), ("Null\x00Zeichen", 5)]
)
async def test_text_that_cannot_be_stored_is_refused_and_the_socket_stays_open(
    open_channel, author, reader, settings, body, position
):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1
    sender = await connect(author)
    await open_channel_on(sender, open_channel)
    listener = await connect(reader)
    await open_channel_on(listener, open_channel)

    refused = await post_over(sender, open_channel, body, client_id="entwurf-1")
    accepted = await post_over(sender, open_channel, "Hallo", client_id="entwurf-2")
    delivered = await receive_until(listener, "message.new")

    assert refused == {
        "type": "error",
        "code": "invalid",
        "message": f"Der Text enthält an Stelle {position} ein Zeichen, das sich nicht "
        "speichern lässt. Bitte entfernen Sie es und senden Sie den Text erneut.",
        "channel": open_channel.pk,
        "client_id": "entwurf-1",
    }
    assert accepted["type"] == "message.posted"
    assert accepted["client_id"] == "entwurf-2"
    assert delivered["message"]["html"] == "<p>Hallo</p>"
    assert await database_sync_to_async(Message.objects.count)() == 1
    await sender.disconnect()
    await listener.disconnect()


async def test_a_client_id_that_cannot_be_sent_back_is_left_out(open_channel, author):
    socket = await connect(author)
    await open_channel_on(socket, open_channel)

    ack = await post_over(socket, open_channel, "Hallo", client_id="entwurf-\ud800")
    await settled(socket)

    assert ack == {
        "type": "message.posted",
        "message_id": ack["message_id"],
        "channel": open_channel.pk,
    }
    await socket.disconnect()


async def test_a_surrogate_pair_escaped_in_json_is_an_ordinary_character(open_channel, author):
    socket = await connect(author)
    await open_channel_on(socket, open_channel)

    # json.dumps escapes the emoji as "\ud83d\ude00": a pair, which decodes to one character.
    ack = await post_over(socket, open_channel, "Danke 😀")

    assert ack["type"] == "message.posted"
    assert (
        await database_sync_to_async(Message.objects.values_list("source", flat=True).get)()
        == "Danke 😀"
    )
    await socket.disconnect()
