"""The harness itself: a missing engine skips loudly outside CI and fails in CI."""

import pytest

from tests.engines import plugin, servers


def test_missing_engine_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI requires every engine"):
        plugin._unavailable("Redis", servers.EngineUnavailable("redis-server not found"))


def test_missing_engine_skips_loudly_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="REDIS UNAVAILABLE"):
        plugin._unavailable("Redis", servers.EngineUnavailable("redis-server not found"))


def test_free_ports_are_on_loopback_and_usable():
    port = servers.free_port()

    assert 1024 < port < 65536
    assert not servers._port_open(port)
