"""Fixtures shared by the whole suite. The engine fixtures live in tests/engines/plugin.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from daphne.testing import DaphneProcess


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """allauth's rate limits and used TOTP codes live in the cache: each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_search_state() -> Iterator[None]:
    """The analysis lists and the vector matrix are kept per process and rechecked once a
    second: word parts, synonyms or vectors a test stored (and rolled back) must not shape the
    next test's search."""
    yield
    from search.analysis import lists_changed
    from search.backends.vector_matrix import announce_change

    lists_changed()
    announce_change()


@pytest.fixture(autouse=True)
def _search_vectors(request: pytest.FixtureRequest, settings: Any) -> None:
    """Embedding with the real model costs about a second per few entries: only tests marked
    `vectors` embed what they create; every other test searches by words alone."""
    if request.node.get_closest_marker("vectors") is None:
        settings.SEARCH_VECTORS = False


@pytest.fixture(autouse=True)
def rate_window_start(monkeypatch: pytest.MonkeyPatch) -> float:
    """The rate limits count in fixed windows (core.ratelimit): a burst that happens to cross
    into the next window would start counting afresh, and a test expecting a refusal would
    fail by the clock. Their clock stands still at the start of an hour, which starts a window
    of every period that divides an hour; tests of the windows set their own clock."""
    start = time.time() // 3600 * 3600
    monkeypatch.setattr("core.ratelimit.time", SimpleNamespace(time=lambda: start))
    return start


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


@dataclass
class LiveServer:
    """A Daphne process serving the real ASGI application against the test database."""

    process: DaphneProcess
    host: str = "127.0.0.1"

    @property
    def port(self) -> int:
        return self.process.port.value

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"


def _apply_settings_in_server(overrides: dict[str, Any]) -> None:
    """Override settings in the forked server and drop what was cached from the old values.

    Also give the server its own worker thread for sync code: threads do not survive a fork,
    so once an async test in this process has used asgiref's executor, the server would queue
    its database calls for a thread that does not exist and hang.
    """
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from django.conf import settings
    from django.test.signals import setting_changed

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)

    for name, value in overrides.items():
        setattr(settings, name, value)
        setting_changed.send(sender=settings.__class__, setting=name, value=value, enter=True)


def _start_live_server(overrides: dict[str, Any]) -> LiveServer:
    from channels.routing import get_default_application
    from django.db import connections

    # The server is a forked child: it must not inherit open database connections.
    connections.close_all()
    process = DaphneProcess(
        "127.0.0.1", get_default_application, setup=partial(_apply_settings_in_server, overrides)
    )
    process.start()
    while not process.ready.wait(timeout=1):
        if not process.is_alive():
            raise RuntimeError("The live Daphne server stopped while starting.")
    return LiveServer(process)


@pytest.fixture(scope="session")
def daphne_server_factory(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[Callable[..., LiveServer]]:
    """Start Daphne servers; keyword arguments override settings inside the server process."""
    started: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        with django_db_blocker.unblock():
            server = _start_live_server(overrides)
        started.append(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        server.process.join(timeout=10)


@pytest.fixture(scope="session")
def daphne_mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("daphne-mail")


@pytest.fixture(scope="session")
def daphne_server(
    daphne_server_factory: Callable[..., LiveServer], daphne_mail_dir: Path
) -> LiveServer:
    # The server is another process: the mail it sends goes to files the tests can read.
    return daphne_server_factory(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(daphne_mail_dir),
    )
