"""New channel messages enter the index in background batches (`search.pending`), off the
thread that delivers them live; edits and deletions are indexed at once, and a note left by a
stopped or crashed process is picked up when a server or the task worker starts, or by
`search_index sync`."""

from __future__ import annotations

import io
import signal
import sys
import threading
import time
from datetime import timedelta

import pytest
from daphne.testing import DaphneProcess
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from discussions.services.channels import channel_create
from discussions.services.messages import message_delete, message_edit, message_post
from hub.signals import process_started
from search import pending
from search.models import PendingRefresh, SearchEntry
from search.pending import refresh_pending
from tests.factories import MemberFactory

# The batches run on a thread of their own, which sees only committed data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def entry_text(message) -> str | None:
    return (
        SearchEntry.objects.filter(source=f"message:{message.pk}")
        .values_list("text", flat=True)
        .first()
    )


def until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def channel_with_author():
    author = MemberFactory(email="autorin@verwaltung.example")
    return channel_create(creator=author, name="Vergabe"), author


def test_a_new_message_is_indexed_by_the_next_batch_shortly_after(settings, channel_with_author):
    settings.SEARCH_INDEX_DELAY = 0.5
    channel, author = channel_with_author

    message = message_post(author=author, channel=channel, source="Vergabevermerk gesucht")

    assert PendingRefresh.objects.filter(source=f"message:{message.pk}").exists()
    assert entry_text(message) is None
    assert until(lambda: entry_text(message) is not None)
    assert "Vergabevermerk" in entry_text(message)
    assert until(lambda: not PendingRefresh.objects.exists())


def test_an_edit_and_a_deletion_are_indexed_at_once(settings, channel_with_author):
    settings.SEARCH_INDEX_DELAY = 0.5
    channel, author = channel_with_author
    message = message_post(author=author, channel=channel, source="Erster Entwurf")

    message_edit(editor=author, message=message, source="Haushaltssperre erklärt")
    assert "Haushaltssperre" in entry_text(message)

    message_delete(actor=author, message=message)
    assert entry_text(message) is None
    # The batch that follows finds the message deleted and leaves it out.
    assert until(lambda: not PendingRefresh.objects.exists())
    assert entry_text(message) is None


def test_sync_indexes_what_a_stopped_process_left_waiting(settings, channel_with_author):
    channel, author = channel_with_author
    message = message_post(author=author, channel=channel, source="Bauantrag digital")
    SearchEntry.objects.filter(source=f"message:{message.pk}").delete()
    PendingRefresh.objects.create(
        source=f"message:{message.pk}", noted_at=timezone.now() - timedelta(minutes=5)
    )
    status = io.StringIO()
    call_command("search_index", "status", stdout=status)
    assert "Neue Nachrichten, noch nicht indexiert: 1" in status.getvalue()

    out = io.StringIO()
    call_command("search_index", "sync", stdout=out, verbosity=0)

    assert "1 wartende neue Nachrichten indexiert." in out.getvalue()
    assert "Bauantrag" in entry_text(message)
    assert not PendingRefresh.objects.exists()


def test_a_message_noted_again_during_a_batch_waits_for_the_next(channel_with_author):
    channel, author = channel_with_author
    first = message_post(author=author, channel=channel, source="Eins")
    second = message_post(author=author, channel=channel, source="Zwei")
    SearchEntry.objects.all().delete()
    now = timezone.now()
    PendingRefresh.objects.create(source=f"message:{first.pk}", noted_at=now - timedelta(1))
    PendingRefresh.objects.create(source=f"message:{second.pk}", noted_at=now + timedelta(1))

    assert refresh_pending() == 1

    assert entry_text(first) is not None
    assert entry_text(second) is None
    assert list(PendingRefresh.objects.values_list("source", flat=True)) == [f"message:{second.pk}"]


# After a crash: the notes are in the database, the entries are not, and nobody posts again.


def left_by_a_crash(channel, author) -> list:
    """Messages whose notes a crashed process left: noted, but never indexed."""
    messages = [
        message_post(author=author, channel=channel, source=source)
        for source in ("Bauantrag digital", "Vergabevermerk gesucht")
    ]
    SearchEntry.objects.all().delete()
    for message in messages:
        PendingRefresh.objects.create(
            source=f"message:{message.pk}", noted_at=timezone.now() - timedelta(minutes=5)
        )
    return messages


def test_a_starting_process_indexes_what_a_crash_left_waiting(settings, channel_with_author):
    messages = left_by_a_crash(*channel_with_author)
    settings.SEARCH_INDEX_DELAY = 0.5

    started = time.monotonic()
    process_started.send_robust(sender="asgi")

    # Start-up goes on at once; the batch thread indexes in the background.
    assert time.monotonic() - started < 0.5
    assert until(lambda: not PendingRefresh.objects.exists())
    assert "Bauantrag" in entry_text(messages[0])
    assert "Vergabevermerk" in entry_text(messages[1])


def test_without_background_batches_start_up_leaves_the_notes_to_sync(
    settings, channel_with_author
):
    left_by_a_crash(*channel_with_author)
    settings.SEARCH_INDEX_DELAY = None

    process_started.send_robust(sender="asgi")

    time.sleep(0.5)
    assert PendingRefresh.objects.count() == 2


def test_a_failing_start_up_drain_never_stops_the_process(
    settings, channel_with_author, monkeypatch, caplog
):
    settings.SEARCH_INDEX_DELAY = 0.5

    def refuse(thread):
        raise RuntimeError("can't start new thread")

    # As when the process may start no more threads.
    monkeypatch.setattr(threading.Thread, "start", refuse)
    monkeypatch.setattr(pending, "_worker", None)

    assert process_started.send_robust(sender="asgi")[-1][1] is None
    assert "Could not start indexing the messages left waiting" in caplog.text


def _serve_fresh_asgi_application():
    """In the server process: load `hub.asgi` as Daphne does at start, with batches on."""
    from django.conf import settings

    settings.SEARCH_INDEX_DELAY = 0.2
    # The test process may have imported the module already (consumer tests); a fresh
    # server loads it for the first time.
    sys.modules.pop("hub.asgi", None)
    from channels.routing import get_default_application

    return get_default_application()


def test_daphne_indexes_what_a_crash_left_waiting_when_it_starts(channel_with_author):
    messages = left_by_a_crash(*channel_with_author)
    connections.close_all()
    server = DaphneProcess("127.0.0.1", _serve_fresh_asgi_application)
    server.start()
    try:
        assert server.ready.wait(timeout=30)
        assert until(lambda: not PendingRefresh.objects.exists(), seconds=20)
    finally:
        server.terminate()
        server.join(timeout=10)
    assert all(entry_text(message) for message in messages)


@pytest.fixture
def signal_handlers():
    """The worker installs its own handlers for these; the test run keeps pytest's."""
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    kept = {number: signal.getsignal(number) for number in numbers}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def test_the_task_worker_indexes_what_a_crash_left_waiting_when_it_starts(
    settings, channel_with_author, signal_handlers
):
    messages = left_by_a_crash(*channel_with_author)
    settings.SEARCH_INDEX_DELAY = 0.2
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    # --batch: run what is queued (nothing), then stop; the batch thread goes on.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert until(lambda: not PendingRefresh.objects.exists())
    assert all(entry_text(message) for message in messages)
