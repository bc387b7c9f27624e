"""Fixtures shared by the whole suite.

Real engines are session-scoped: each starts once per run on a free loopback port and is
removed afterwards. Outside CI a missing engine skips its tests with a loud reason; with `CI`
set it fails them, so a broken install step can never hide behind a skip.

`pytest --database=postgresql` runs the database tests against the throwaway PostgreSQL
server instead of SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.engines import servers

T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="Database engine for the tests (postgresql starts a throwaway server).",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"kollegium: database={config.getoption('database')}, CI={bool(os.environ.get('CI'))}"


def _start_engine(
    request: pytest.FixtureRequest,
    name: str,
    starter: Callable[[Path], AbstractContextManager[T]],
    workdir: Path,
) -> T:
    try:
        manager = starter(workdir)
        server = manager.__enter__()
    except servers.EngineUnavailable as error:
        message = f"{name} could not be started: {error}"
        if os.environ.get("CI"):
            pytest.fail(f"CI requires every engine. {message}", pytrace=False)
        pytest.skip(f"!!! {name.upper()} UNAVAILABLE, TESTS SKIPPED !!! {message}")
    request.addfinalizer(lambda: manager.__exit__(None, None, None))
    request.config.stash.setdefault(ENGINE_VERSIONS, {})[name] = server.version
    return server


ENGINE_VERSIONS = pytest.StashKey[dict[str, str]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    versions = config.stash.get(ENGINE_VERSIONS, {})
    if versions:
        line = ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))
        terminalreporter.write_line(f"Engines used: {line}")


@pytest.fixture(scope="session")
def postgres_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> servers.PostgresServer:
    workdir = tmp_path_factory.mktemp("postgres")
    return _start_engine(request, "PostgreSQL", servers.postgres_server, workdir)


@pytest.fixture(scope="session")
def redis_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> servers.RedisServer:
    workdir = tmp_path_factory.mktemp("redis")
    return _start_engine(request, "Redis", servers.redis_server, workdir)


@pytest.fixture(scope="session")
def elasticsearch_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> servers.ElasticsearchServer:
    workdir = tmp_path_factory.mktemp("elasticsearch")
    return _start_engine(request, "Elasticsearch", servers.elasticsearch_server, workdir)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request: pytest.FixtureRequest, django_db_modify_db_settings_parallel_suffix: None
) -> None:
    """Point the default database at the throwaway PostgreSQL server when asked to."""
    if request.config.getoption("database") != "postgresql":
        return
    from django.conf import settings
    from django.db import connections

    server: servers.PostgresServer = request.getfixturevalue("postgres_server")
    default = settings.DATABASES["default"]
    default.update(
        ENGINE="django.db.backends.postgresql",
        NAME="kollegium",
        USER=server.user,
        PASSWORD="",
        HOST=server.host,
        PORT=str(server.port),
        OPTIONS={},
        TEST={},
    )
    connections.close_all()
    if hasattr(connections._connections, "default"):
        del connections["default"]
    connections.configure_settings(settings.DATABASES)


@pytest.fixture
def member(db: None) -> Any:
    from tests.factories import MemberFactory

    return MemberFactory()


@pytest.fixture
def member_client(client: Any, member: Any) -> Any:
    client.force_login(member)
    return client


@pytest.fixture
def home_page(db: None) -> Any:
    from hub.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def root_page(db: None) -> Any:
    from wagtail.models import Page

    return Page.objects.get(depth=1)
