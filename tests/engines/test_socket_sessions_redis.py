"""A logout handled by one worker closes the session's sockets on another: the close event
crosses the shared Redis channel layer, as in production with several Daphne workers."""

import asyncio
import time

import pytest

from members.consumers import CLOSE_UNAUTHENTICATED
from tests.engines.test_discussions_redis import channel_layers, two_workers  # noqa: F401
from tests.factories import MemberFactory
from tests.members.test_live_socket_security import log_out, open_socket, pong, session_of

pytestmark = [
    pytest.mark.engines,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_logout_on_one_worker_closes_the_sessions_socket_on_the_other(two_workers):  # noqa: F811
    first, second = two_workers
    member = MemberFactory()
    leaving, staying = session_of(member), session_of(member)

    async def scenario() -> tuple[int, int | None, float, dict]:
        closing = await open_socket(second, leaving)
        remaining = await open_socket(second, staying)
        await pong(closing)
        await pong(remaining)
        started = time.monotonic()
        status = await asyncio.to_thread(log_out, first, leaving)
        await asyncio.wait_for(closing.wait_closed(), 2)
        elapsed = time.monotonic() - started
        answer = await pong(remaining)
        await remaining.close()
        return status, closing.close_code, elapsed, answer

    status, code, elapsed, answer = asyncio.run(scenario())

    assert status == 302
    assert code == CLOSE_UNAUTHENTICATED
    # The HTTP round trip of the logout included.
    assert elapsed < 1.5
    assert answer == {"type": "pong"}
