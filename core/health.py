"""Health checks behind /healthz.

Apps register their checks in `AppConfig.ready()`; the hub runs them without knowing the apps
(search registers its own, since nothing may import search).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.db import connection

from core.fanout import channel_layer
from core.realtime import health_ping

logger = logging.getLogger(__name__)

CHANNEL_LAYER_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    backend: str
    error: str = ""


HealthCheck = Callable[[], CheckResult]
_checks: dict[str, HealthCheck] = {}


def register(name: str, check: HealthCheck) -> None:
    _checks[name] = check


def run_checks() -> dict[str, CheckResult]:
    results = {}
    for name, check in _checks.items():
        try:
            results[name] = check()
        except Exception as error:
            # A failing dependency is the answer a health check exists to give, not a crash.
            logger.warning("Health check %s failed: %s", name, error)
            results[name] = CheckResult(ok=False, backend="unknown", error=type(error).__name__)
    return results


def check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(ok=True, backend=connection.vendor)


def check_channel_layer() -> CheckResult:
    """Send a message to a fresh channel and read it back through the configured layer."""
    layer = channel_layer()
    backend = type(layer).__name__

    async def round_trip() -> bool:
        # The layers Kollegium runs (in-memory, Redis) take a prefix; the base class lacks it.
        channel = await layer.new_channel(prefix="healthz")  # type: ignore[call-arg]
        token = uuid.uuid4().hex
        await layer.send(channel, health_ping(token))
        message = await asyncio.wait_for(
            layer.receive(channel), timeout=CHANNEL_LAYER_TIMEOUT_SECONDS
        )
        return message.get("token") == token

    ok = async_to_sync(round_trip)()
    return CheckResult(ok=ok, backend=backend, error="" if ok else "message lost")
