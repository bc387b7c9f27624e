"""Websocket helpers for the discussion tests: a signed-in tab through the real ASGI stack."""

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from hub.asgi import application

ORIGIN = (b"origin", b"http://testserver")
HOST = (b"host", b"testserver")


def headers_for(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    return [HOST, ORIGIN, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


async def connect(user) -> WebsocketCommunicator:
    headers = await database_sync_to_async(headers_for)(user)
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected
    return communicator


async def receive_until(communicator, event_type: str, timeout: float = 10) -> dict:
    """The next event of a type; presence and typing events may arrive in between. The wait
    ends as soon as it arrives; the timeout only has to outlast a busy machine."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == event_type:
            return event


async def drain(communicator, timeout: float = 0.3) -> list[dict]:
    events = []
    while not await communicator.receive_nothing(timeout=timeout):
        events.append(await communicator.receive_json_from())
    return events


async def presence_of(communicator, member) -> dict:
    """The next presence event about another member (each tab also hears its own)."""
    while True:
        event = await receive_until(communicator, "presence")
        if event["member"]["id"] == member.pk:
            return event


async def open_channel_on(communicator, channel) -> None:
    await communicator.send_json_to({"type": "channel.open", "channel": channel.pk})
    assert await receive_until(communicator, "channel.opened") == {
        "type": "channel.opened",
        "channel": channel.pk,
    }


async def settled(socket) -> None:
    """Frames of one socket are handled in order: once the pong is back, all before it were."""
    await socket.send_json_to({"type": "ping"})
    await receive_until(socket, "pong")
