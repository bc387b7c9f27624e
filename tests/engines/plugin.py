"""pytest plugin for the real engines (registered with `-p tests.engines.plugin`).

Engines are session-scoped: each starts once per run on a free loopback port and is removed
afterwards. Outside CI a missing engine skips its tests with a loud reason; with `CI` set it
fails them, so a broken install step can never hide behind a skip.

`pytest --database=postgresql` runs the suite against a throwaway PostgreSQL server instead of
SQLite. That server starts before Django is set up, because some models (Wagtail's search index)
take their shape from the database engine when they are imported.

With pytest-xdist (`-n 2`) the workers share that one PostgreSQL server; each has its own test
database, which pytest-django names after the worker. The session-scoped engine fixtures start
their servers in each worker whose tests ask for them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.engines import servers

T = TypeVar("T")

# Where the controller of an xdist run tells its workers about the PostgreSQL server it started.
SHARED_DATABASE_URL = "KOLLEGIUM_TEST_DATABASE_URL"

ENGINE_VERSIONS = pytest.StashKey[dict[str, str]]()
DATABASE_SERVER = pytest.StashKey[servers.PostgresServer]()
CLEANUP = pytest.StashKey[ExitStack]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="Database engine for the tests (postgresql starts a throwaway server).",
    )


def _unavailable(name: str, error: Exception) -> None:
    message = f"{name} could not be started: {error}"
    if os.environ.get("CI"):
        pytest.fail(f"CI requires every engine. {message}", pytrace=False)
    pytest.skip(f"!!! {name.upper()} UNAVAILABLE, TESTS SKIPPED !!! {message}")


def _record_version(config: pytest.Config, name: str, version: str) -> None:
    config.stash.setdefault(ENGINE_VERSIONS, {})[name] = version


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    cleanup = ExitStack()
    early_config.stash[CLEANUP] = cleanup
    shared_url = os.environ.get(SHARED_DATABASE_URL)
    if os.environ.get("PYTEST_XDIST_WORKER") and shared_url:
        os.environ["DATABASE_URL"] = shared_url
    elif early_config.known_args_namespace.database == "postgresql":
        workdir = Path(tempfile.mkdtemp(prefix="kollegium-postgres-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            server = cleanup.enter_context(servers.postgres_server(workdir))
        except servers.EngineUnavailable as error:
            raise pytest.UsageError(f"--database=postgresql: {error}") from error
        early_config.stash[DATABASE_SERVER] = server
        _record_version(early_config, "PostgreSQL", server.version)
        os.environ["DATABASE_URL"] = os.environ[SHARED_DATABASE_URL] = server.url("kollegium")
    return (yield)


def pytest_unconfigure(config: pytest.Config) -> None:
    if CLEANUP in config.stash:
        config.stash[CLEANUP].close()


def pytest_report_header(config: pytest.Config) -> str:
    return f"kollegium: database={config.getoption('database')}, CI={bool(os.environ.get('CI'))}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands the engines it started to the controller, which reports them."""
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        worker_output["engine_versions"] = dict(session.config.stash.get(ENGINE_VERSIONS, {}))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    versions = getattr(node, "workeroutput", {}).get("engine_versions", {})
    node.config.stash.setdefault(ENGINE_VERSIONS, {}).update(versions)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    versions = config.stash.get(ENGINE_VERSIONS, {})
    if versions:
        line = ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))
        terminalreporter.write_line(f"Engines used: {line}")


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
        _unavailable(name, error)
    request.addfinalizer(lambda: manager.__exit__(None, None, None))
    _record_version(request.config, name, server.version)
    return server


@pytest.fixture(scope="session")
def postgres_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> servers.PostgresServer:
    if DATABASE_SERVER in request.config.stash:
        return request.config.stash[DATABASE_SERVER]
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


@pytest.fixture
def elasticsearch_outage(
    elasticsearch_server: servers.ElasticsearchServer,
) -> Iterator[servers.ElasticsearchServer]:
    """The session's node for a test that stops it (`.stop()`) and starts it again
    (`.start()`). Whatever the test does or however it fails, the node runs again afterwards,
    with its data, for the other tests sharing it."""
    yield elasticsearch_server
    elasticsearch_server.start()
