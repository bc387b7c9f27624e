"""Scale-out: the channels-redis layer carries events between processes."""

import asyncio
import json

import pytest
import websockets
from channels_redis.core import RedisChannelLayer
from django.test import Client

from core.realtime import member_event, member_group
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.engines,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def redis_layers(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": "kollegium-test"},
        }
    }


def test_event_sent_from_this_process_reaches_a_consumer_in_a_daphne_process(
    redis_server, daphne_server_factory
):
    member = MemberFactory()
    client = Client()
    client.force_login(member)
    session = client.cookies["sessionid"].value
    server = daphne_server_factory(CHANNEL_LAYERS=redis_layers(redis_server.url))

    async def scenario() -> dict:
        async with websockets.connect(
            f"{server.ws_url}/ws/live/",
            origin=server.url,
            additional_headers={"Cookie": f"sessionid={session}"},
        ) as socket:
            # The consumer joins its group before accepting; a ping round trip proves it runs.
            await socket.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"type": "pong"}
            layer = RedisChannelLayer(hosts=[redis_server.url], prefix="kollegium-test")
            await layer.group_send(
                member_group(member.pk),
                member_event(member.pk, {"type": "notification.new", "count": 1}),
            )
            received = json.loads(await asyncio.wait_for(socket.recv(), 5))
            await layer.flush()
            return received

    assert asyncio.run(scenario()) == {"type": "notification.new", "count": 1}


def test_healthz_checks_the_redis_layer_round_trip(redis_server, client, settings):
    settings.CHANNEL_LAYERS = redis_layers(redis_server.url)

    body = client.get("/healthz").json()

    assert body["checks"]["channel_layer"] == {
        "ok": True,
        "backend": "RedisChannelLayer",
        "error": "",
    }
