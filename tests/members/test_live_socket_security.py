"""The websocket's origin check and session end over true sockets: a Daphne process serving the
real application, the `websockets` client and HTTP through `requests`."""

import asyncio
import json
import re

import pytest
import requests
import websockets
from django.test import Client
from websockets.exceptions import InvalidStatus

from members.consumers import CLOSE_UNAUTHENTICATED
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_socket(server, session: str, origin: str | None = None):
    return await websockets.connect(
        f"{server.ws_url}/ws/live/",
        origin=origin or server.url,
        additional_headers={"Cookie": f"sessionid={session}"},
    )


async def pong(socket) -> dict:
    await socket.send(json.dumps({"type": "ping"}))
    return json.loads(await asyncio.wait_for(socket.recv(), 5))


def log_out(server, session: str) -> int:
    """The header's logout form, as a browser sends it."""
    browser = requests.Session()
    browser.cookies.set("sessionid", session)
    page = browser.get(server.url + "/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        server.url + "/konto/logout/",
        data={"csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    return response.status_code


def test_only_the_sites_own_origin_opens_a_socket(daphne_server):
    session = session_of(MemberFactory())
    other_port = f"http://127.0.0.1:{daphne_server.port + 1}"
    other_scheme = f"https://127.0.0.1:{daphne_server.port}"

    async def scenario() -> tuple[list[int], dict]:
        statuses = []
        for origin in (other_port, other_scheme, "http://evil.example"):
            with pytest.raises(InvalidStatus) as refused:
                await open_socket(daphne_server, session, origin)
            statuses.append(refused.value.response.status_code)
        socket = await open_socket(daphne_server, session)
        answer = await pong(socket)
        await socket.close()
        return statuses, answer

    statuses, answer = asyncio.run(scenario())

    assert statuses == [403, 403, 403]
    assert answer == {"type": "pong"}


def test_logout_over_http_closes_that_sessions_socket_only(daphne_server):
    member = MemberFactory()
    leaving, staying = session_of(member), session_of(member)

    async def scenario() -> tuple[int, int | None, dict]:
        closing = await open_socket(daphne_server, leaving)
        remaining = await open_socket(daphne_server, staying)
        await pong(closing)
        await pong(remaining)
        status = await asyncio.to_thread(log_out, daphne_server, leaving)
        await asyncio.wait_for(closing.wait_closed(), 1)
        answer = await pong(remaining)
        await remaining.close()
        return status, closing.close_code, answer

    status, code, answer = asyncio.run(scenario())

    assert status == 302
    assert code == CLOSE_UNAUTHENTICATED
    assert answer == {"type": "pong"}
