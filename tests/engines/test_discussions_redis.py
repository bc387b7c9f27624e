"""Scale-out of discussions: two Daphne processes share one Redis channel layer.

Members on different worker processes talk in one channel: what is posted through one process
reaches a reader on the other in under a second, and a burst of 1,000 messages arrives
complete.
"""

import asyncio
import json
import time

import pytest
import websockets
from django.test import Client

from discussions.models import Message
from discussions.services.channels import channel_create, channel_join
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.engines,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BURST = 1000


LAYERS = {
    # What production uses (hub/settings/base.py).
    "pubsub": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {}},
    # The list-based layer works as well: each process joins a group once.
    "core": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"capacity": 2000}},
}


@pytest.fixture(params=sorted(LAYERS))
def channel_layers(request, redis_server) -> dict:
    layer = LAYERS[request.param]
    config = {"hosts": [redis_server.url], "prefix": "kollegium-discussions-test"}
    return {"default": {"BACKEND": layer["BACKEND"], "CONFIG": {**layer["CONFIG"], **config}}}


@pytest.fixture
def two_workers(channel_layers, daphne_server_factory):
    overrides = {
        "CHANNEL_LAYERS": channel_layers,
        # The burst tests delivery, not the per-member rate limit.
        "DISCUSSIONS_POST_RATE_COUNT": BURST * 2,
    }
    return daphne_server_factory(**overrides), daphne_server_factory(**overrides)


@pytest.fixture
def conversation():
    sender, reader = MemberFactory(), MemberFactory()
    channel = channel_create(creator=sender, name="Skalierung")
    channel_join(user=reader, channel=channel)
    return channel, session_of(sender), session_of(reader)


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_socket(server, session: str, channel_id: int):
    socket = await websockets.connect(
        f"{server.ws_url}/ws/live/",
        origin=server.url,
        additional_headers={"Cookie": f"sessionid={session}"},
        max_queue=None,
    )
    await socket.send(json.dumps({"type": "channel.open", "channel": channel_id}))
    while json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] != "channel.opened":
        pass
    return socket


async def next_of_type(socket, event_type: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if event["type"] == event_type:
            return event


def test_a_message_reaches_a_reader_on_the_other_worker_within_a_second(two_workers, conversation):
    first, second = two_workers
    channel, sender_session, reader_session = conversation

    async def scenario() -> tuple[dict, float]:
        sender = await open_socket(first, sender_session, channel.pk)
        reader = await open_socket(second, reader_session, channel.pk)
        # The reader's presence on worker two reaching worker one shows both are subscribed.
        await next_of_type(sender, "presence", 5)
        started = time.monotonic()
        await sender.send(
            json.dumps({"type": "message.post", "channel": channel.pk, "body": "Über Redis"})
        )
        event = await next_of_type(reader, "message.new", 5)
        elapsed = time.monotonic() - started
        await sender.close()
        await reader.close()
        return event, elapsed

    event, elapsed = asyncio.run(scenario())

    assert event["message"]["html"] == "<p>Über Redis</p>"
    assert elapsed < 1.0
    assert Message.objects.get().source == "Über Redis"


@pytest.mark.slow
def test_a_burst_of_1000_messages_arrives_complete_on_the_other_worker(two_workers, conversation):
    first, second = two_workers
    channel, sender_session, reader_session = conversation

    async def scenario() -> tuple[list[int], int]:
        sender = await open_socket(first, sender_session, channel.pk)
        reader = await open_socket(second, reader_session, channel.pk)
        await next_of_type(sender, "presence", 5)
        for number in range(BURST):
            await sender.send(
                json.dumps({"type": "message.post", "channel": channel.pk, "body": f"Nr. {number}"})
            )
        received: list[int] = []
        errors = 0
        while len(received) < BURST:
            event = json.loads(await asyncio.wait_for(reader.recv(), 30))
            if event["type"] == "message.new":
                received.append(event["message"]["id"])
            errors += event["type"] == "error"
        await sender.close()
        await reader.close()
        return received, errors

    received, errors = asyncio.run(scenario())

    stored = list(Message.objects.order_by("id").values_list("id", flat=True))
    assert errors == 0
    assert len(stored) == BURST
    assert received == stored
