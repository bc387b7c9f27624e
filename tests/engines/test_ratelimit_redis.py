"""The rate limiter on the Redis cache that production uses: counting stays atomic when many
workers attempt at once."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings

from core.ratelimit import rate_limit_exceeded
from tests.engines.servers import RedisServer
from tests.ratelimits import simultaneous_successes

pytestmark = pytest.mark.engines


def test_concurrent_attempts_cannot_exceed_the_limit_on_redis(redis_server: RedisServer) -> None:
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "kollegium-ratelimit-test",
        }
    }
    with override_settings(CACHES=redis_cache):
        # The server serves the whole session: a scope of its own keeps earlier counts out.
        scope = f"test-{uuid.uuid4().hex}"
        allowed = simultaneous_successes(
            lambda: not rate_limit_exceeded(scope=scope, key="member:1", limit=25, period=3600),
            workers=16,
            attempts=6,
        )

    assert allowed == 25
