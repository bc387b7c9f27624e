"""The throwaway Redis server is real."""

import pytest
import redis

pytestmark = pytest.mark.engines


def test_server_is_real_redis(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.set("kollegium-test", "läuft")

    assert client.get("kollegium-test").decode() == "läuft"
    assert int(redis_server.version.split(".")[0]) >= 6
    client.close()
