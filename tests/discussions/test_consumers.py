"""Discussion frames on the live websocket, through the real ASGI stack (origin check, session)."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from core.fanout import local_fanout
from core.realtime import discussion_group, member_group
from discussions.models import Message
from discussions.selectors import membership_for
from discussions.services.channels import (
    channel_invite,
    channel_join,
    channel_leave,
    channel_members_set,
)
from discussions.services.messages import (
    MESSAGE_MAX_LENGTH,
    message_delete,
    message_edit,
    message_post,
)
from discussions.services.moderation import member_mute, message_hide
from discussions.services.reactions import reaction_toggle
from hub.asgi import application
from members.consumers import CLOSE_UNAUTHENTICATED, MAX_FRAME_BYTES
from members.roles import Role
from tests.discussions.sockets import (
    connect,
    drain,
    headers_for,
    open_channel_on,
    presence_of,
    receive_until,
    settled,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def message_count() -> int:
    return await database_sync_to_async(Message.objects.count)()


async def test_a_message_posted_over_the_socket_reaches_every_open_tab(
    open_channel, author, reader
):
    sender = await connect(author)
    receiver = await connect(reader)
    await open_channel_on(sender, open_channel)
    await open_channel_on(receiver, open_channel)

    await sender.send_json_to(
        {
            "type": "message.post",
            "channel": open_channel.pk,
            "body": "Hallo **alle**",
            "client_id": "entwurf-1",
        }
    )

    ack = await receive_until(sender, "message.posted")
    event = await receive_until(receiver, "message.new")
    assert ack["client_id"] == "entwurf-1"
    assert event["message"]["id"] == ack["message_id"]
    assert event["message"]["html"] == "<p>Hallo <strong>alle</strong></p>"
    assert event["message"]["author"] == {"id": author.pk, "name": "Aylin Demir"}
    assert f'href="/austausch/nachricht/{ack["message_id"]}/"' in event["message"]["markup"]
    assert await message_count() == 1
    await sender.disconnect()
    await receiver.disconnect()


async def test_form_posts_edits_deletes_and_reactions_reach_the_socket(
    open_channel, author, reader
):
    receiver = await connect(reader)
    await open_channel_on(receiver, open_channel)

    message = await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="Aus dem Formular", reply_to_id=None
    )
    new = await receive_until(receiver, "message.new")
    await database_sync_to_async(message_edit)(editor=author, message=message, source="Geändert")
    edited = await receive_until(receiver, "message.edited")
    await database_sync_to_async(reaction_toggle)(user=reader, message=message, emoji="👍")
    reaction = await receive_until(receiver, "reaction.changed")
    await database_sync_to_async(message_delete)(actor=author, message=message)
    deleted = await receive_until(receiver, "message.deleted")

    assert new["message"]["html"] == "<p>Aus dem Formular</p>"
    assert edited["message"]["html"] == "<p>Geändert</p>"
    assert "(bearbeitet)" in edited["message"]["markup"]
    assert 'id="nachricht-' in new["message"]["markup"]
    assert "<p>Geändert</p>" in edited["message"]["markup"]
    markup = reaction.pop("markup")
    assert 'aria-pressed="false" data-emoji="👍"' in markup
    assert '<span class="reaction__count">1</span>' in markup
    assert reaction == {
        "type": "reaction.changed",
        "channel": open_channel.pk,
        "message_id": message.pk,
        "counts": {"👍": 1},
        "member_id": reader.pk,
        "emoji": "👍",
        "added": True,
    }
    assert "Diese Nachricht wurde gelöscht." in deleted.pop("markup")
    assert deleted == {
        "type": "message.deleted",
        "channel": open_channel.pk,
        "message_id": message.pk,
    }
    await receiver.disconnect()


async def test_private_channels_are_refused_to_non_members(private_channel, outsider):
    socket = await connect(outsider)

    await socket.send_json_to({"type": "channel.open", "channel": private_channel.pk})
    refused_open = await socket.receive_json_from()
    await socket.send_json_to(
        {"type": "message.post", "channel": private_channel.pk, "body": "Hinein?"}
    )
    refused_post = await socket.receive_json_from()
    await socket.send_json_to({"type": "typing", "channel": private_channel.pk})
    refused_typing = await socket.receive_json_from()

    assert refused_open["code"] == "forbidden"
    assert refused_post["code"] == "forbidden"
    assert refused_typing["code"] == "forbidden"
    assert await message_count() == 0
    await socket.disconnect()


async def test_pending_accounts_get_no_socket(open_channel, pending):
    headers = await database_sync_to_async(headers_for)(pending)
    socket = WebsocketCommunicator(application, "/ws/live/", headers=headers)

    assert await socket.connect() == (False, CLOSE_UNAUTHENTICATED)


async def test_access_is_checked_again_on_every_action(private_channel, author, outsider):
    await database_sync_to_async(channel_invite)(
        inviter=author, channel=private_channel, invitee=outsider
    )
    await database_sync_to_async(channel_join)(user=outsider, channel=private_channel)
    socket = await connect(outsider)
    await open_channel_on(socket, private_channel)

    await database_sync_to_async(channel_leave)(user=outsider, channel=private_channel)
    revoked = await receive_until(socket, "channel.revoked")
    await socket.send_json_to(
        {"type": "message.post", "channel": private_channel.pk, "body": "Noch da?"}
    )
    refused = await receive_until(socket, "error")
    await database_sync_to_async(message_post)(
        author=author, channel=private_channel, source="Geheim", reply_to_id=None
    )

    assert revoked == {"type": "channel.revoked", "channel": private_channel.pk}
    assert refused["code"] == "forbidden"
    assert all(event["type"] != "message.new" for event in await drain(socket))
    assert await message_count() == 1
    await socket.disconnect()


async def test_rate_limit_sends_an_error_and_stores_nothing(
    open_channel, author, settings, rate_window_start
):
    settings.DISCUSSIONS_POST_RATE_COUNT = 2
    socket = await connect(author)
    await open_channel_on(socket, open_channel)

    results = []
    for number in range(3):
        await socket.send_json_to(
            {"type": "message.post", "channel": open_channel.pk, "body": f"Nr. {number}"}
        )
        while True:
            event = await socket.receive_json_from()
            if event["type"] in {"message.posted", "error"}:
                results.append(event)
                break

    assert [event["type"] for event in results] == ["message.posted", "message.posted", "error"]
    assert results[2]["code"] == "rate_limited"
    assert "sehr schnell" in results[2]["message"]
    assert results[2]["retry_after"] >= 1
    assert await message_count() == 2
    await socket.send_json_to({"type": "ping"})
    assert await receive_until(socket, "pong") == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{nicht json", "invalid_json"),
        ('{"type": "message.delete"}', "unknown_type"),
        ('{"type": 5}', "unknown_type"),
        ('"message.post"', "unknown_type"),
        ('{"type": "message.post", "body": "ohne Kanal"}', "missing_field"),
        ('{"type": "message.post", "channel": "1", "body": "x"}', "invalid_field"),
        ('{"type": "message.post", "channel": true, "body": "x"}', "invalid_field"),
        ('{"type": "message.post", "channel": CHANNEL, "body": null}', "invalid_field"),
        ('{"type": "message.post", "channel": CHANNEL, "body": ["x"]}', "invalid_field"),
        (
            '{"type": "message.post", "channel": CHANNEL, "body": "x", "reply_to": "1"}',
            "invalid_field",
        ),
        ('{"type": "message.post", "channel": CHANNEL, "body": "   "}', "invalid"),
        ('{"type": "message.post", "channel": CHANNEL, "body": "x", "reply_to": 99999}', "invalid"),
        ('{"type": "message.post", "channel": 99999, "body": "x"}', "forbidden"),
        ('{"type": "channel.read", "channel": CHANNEL}', "missing_field"),
        ("OVERSIZED", "invalid_frame"),
        ("TOO_LONG", "invalid"),
    ],
)
async def test_invalid_frames_get_an_error_store_nothing_and_the_socket_stays_usable(
    open_channel, author, frame, code
):
    socket = await connect(author)
    await open_channel_on(socket, open_channel)
    frame = frame.replace("CHANNEL", str(open_channel.pk))
    if frame == "OVERSIZED":
        frame = json.dumps(
            {"type": "message.post", "channel": open_channel.pk, "body": "x" * MAX_FRAME_BYTES}
        )
    if frame == "TOO_LONG":
        frame = json.dumps(
            {
                "type": "message.post",
                "channel": open_channel.pk,
                "body": "ü" * (MESSAGE_MAX_LENGTH + 1),
            },
            ensure_ascii=False,
        )

    await socket.send_to(text_data=frame)
    error = await receive_until(socket, "error")
    await socket.send_json_to(
        {"type": "message.post", "channel": open_channel.pk, "body": "Danach geht es weiter"}
    )
    ack = await receive_until(socket, "message.posted")

    assert error["code"] == code
    assert error["message"]
    assert ack["message_id"]
    assert await message_count() == 1
    await socket.disconnect()


async def test_the_longest_allowed_message_fits_in_a_frame_even_fully_escaped(open_channel, author):
    socket = await connect(author)
    await open_channel_on(socket, open_channel)

    await socket.send_to(
        text_data=json.dumps(
            {"type": "message.post", "channel": open_channel.pk, "body": "ü" * MESSAGE_MAX_LENGTH}
        )
    )

    assert (await receive_until(socket, "message.posted"))["message_id"]
    await socket.disconnect()


async def test_typing_and_presence_reach_the_others_in_the_channel(open_channel, author, reader):
    first = await connect(author)
    await open_channel_on(first, open_channel)
    second = await connect(reader)
    await open_channel_on(second, open_channel)

    joined = await presence_of(first, reader)
    here = await presence_of(second, author)
    await second.send_json_to({"type": "typing", "channel": open_channel.pk})
    typing = await receive_until(first, "typing")
    await second.disconnect()
    left = await presence_of(first, reader)

    assert joined["state"] == "joined"
    assert joined["member"] == {"id": reader.pk, "name": "Jens Hoffmann"}
    assert here["state"] == "here"
    assert typing == {
        "type": "typing",
        "channel": open_channel.pk,
        "member": {"id": reader.pk, "name": "Jens Hoffmann"},
    }
    assert left["state"] == "left"
    assert left["connection"] == joined["connection"]
    await first.disconnect()


async def test_closed_channels_stop_delivering(open_channel, author, reader):
    socket = await connect(reader)
    await open_channel_on(socket, open_channel)
    await presence_of(socket, reader)

    await socket.send_json_to({"type": "channel.close", "channel": open_channel.pk})
    await settled(socket)
    await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="Niemand liest mit", reply_to_id=None
    )

    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_marking_read_over_the_socket_moves_the_pointer(open_channel, author, reader):
    message = await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="Gelesen?", reply_to_id=None
    )
    socket = await connect(reader)

    await socket.send_json_to(
        {"type": "channel.read", "channel": open_channel.pk, "message_id": message.pk}
    )
    await socket.send_json_to({"type": "ping"})
    await receive_until(socket, "pong")

    membership = await database_sync_to_async(membership_for)(viewer=reader, channel=open_channel)
    assert membership.last_read_id == message.pk
    await socket.disconnect()


async def test_hidden_messages_disappear_and_muted_members_are_refused(
    open_channel, author, reader
):

    moderator = await database_sync_to_async(MemberFactory)(roles=(Role.MODERATOR,))
    socket = await connect(reader)
    await open_channel_on(socket, open_channel)
    message = await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="Unpassend", reply_to_id=None
    )
    await receive_until(socket, "message.new")

    await database_sync_to_async(message_hide)(moderator=moderator, message=message)
    hidden = await receive_until(socket, "message.hidden")
    await database_sync_to_async(member_mute)(
        moderator=moderator, channel=open_channel, member=reader, minutes=10
    )
    await socket.send_json_to({"type": "message.post", "channel": open_channel.pk, "body": "Hm"})
    refused = await receive_until(socket, "error")

    tombstone = hidden.pop("markup")
    assert "von der Moderation ausgeblendet" in tombstone
    assert "Unpassend" not in tombstone
    assert hidden == {
        "type": "message.hidden",
        "channel": open_channel.pk,
        "message_id": message.pk,
    }
    assert refused["code"] == "forbidden"
    assert "stummgeschaltet" in refused["message"]
    assert await message_count() == 1
    await socket.disconnect()


async def test_a_crowd_opening_a_channel_at_once_keeps_every_tab_connected(
    open_channel, author, settings
):
    # A tiny queue: the newcomer cannot take every "here" answer, which must not break anyone.
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 2}}
    }
    tabs = [await connect(author) for _ in range(6)]
    for tab in tabs:
        await open_channel_on(tab, open_channel)
    await drain(tabs[0])

    for tab in tabs:
        await tab.send_json_to({"type": "ping"})
        assert await receive_until(tab, "pong") == {"type": "pong"}
    for tab in tabs:
        await tab.disconnect()


async def test_members_removed_by_a_membership_sync_stop_receiving(private_channel, author, reader):
    await database_sync_to_async(channel_members_set)(
        channel=private_channel, users=[author, reader]
    )
    socket = await connect(reader)
    await open_channel_on(socket, private_channel)

    await database_sync_to_async(channel_members_set)(channel=private_channel, users=[author])
    revoked = await receive_until(socket, "channel.revoked")
    await database_sync_to_async(message_post)(
        author=author, channel=private_channel, source="Nur noch für uns", reply_to_id=None
    )

    assert revoked == {"type": "channel.revoked", "channel": private_channel.pk}
    assert all(event["type"] != "message.new" for event in await drain(socket))
    await socket.disconnect()


async def test_a_process_subscribes_to_a_group_once_for_all_its_tabs(open_channel, author, reader):
    tabs = [await connect(author), await connect(author), await connect(reader)]
    for tab in tabs:
        await open_channel_on(tab, open_channel)
    fanout = local_fanout()
    layer_groups = fanout.layer.groups

    subscribed = {
        group: set(layer_groups.get(group, {}))
        for group in (discussion_group(open_channel.pk), member_group(author.pk))
    }
    local_tabs = len(fanout.groups[discussion_group(open_channel.pk)])
    await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="An alle Tabs", reply_to_id=None
    )
    delivered = [await receive_until(tab, "message.new") for tab in tabs]
    for tab in tabs:
        await tab.disconnect()

    assert subscribed == {
        discussion_group(open_channel.pk): {fanout.channel_name},
        member_group(author.pk): {fanout.channel_name},
    }
    assert local_tabs == 3
    assert {event["message"]["html"] for event in delivered} == {"<p>An alle Tabs</p>"}
    assert fanout.groups == {}
    assert discussion_group(open_channel.pk) not in layer_groups


async def test_a_watched_channel_delivers_its_messages_without_announcing_the_tab(
    open_channel, private_channel, author, reader
):
    watcher = await connect(reader)
    poster = await connect(author)
    await open_channel_on(poster, open_channel)
    await drain(poster)
    await watcher.send_json_to({"type": "channel.watch", "channel": open_channel.pk})
    await watcher.send_json_to({"type": "channel.watch", "channel": private_channel.pk})
    refused = await receive_until(watcher, "error")
    await settled(watcher)

    await database_sync_to_async(message_post)(
        author=author, channel=open_channel, source="Für die Liste", reply_to_id=None
    )
    delivered = await receive_until(watcher, "message.new")

    assert refused["code"] == "forbidden"
    assert refused["channel"] == private_channel.pk
    assert delivered["channel"] == open_channel.pk
    assert "Für die Liste" in delivered["message"]["markup"]
    assert not [event for event in await drain(poster) if event["type"] == "presence"]
    await watcher.disconnect()
    await poster.disconnect()
