"""Channel messages reach the index through tasks (`search.pending`), never on the commit
callbacks that deliver them live: open tabs hear of a change first, the index follows when the
task runs. New messages wait for a deferred batch; edits and deletions are tasks due at once;
a note left by a stopped or crashed process is picked up when a server or the task worker
starts, or by `search_index sync`."""

from __future__ import annotations

import io
import signal
import sys
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer
from daphne.testing import DaphneProcess
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from core.signals import process_started
from discussions.services.channels import channel_create
from discussions.services.messages import message_delete, message_edit, message_post
from search.api import SearchRequest, search
from search.models import PendingRefresh, SearchEntry
from search.pending import BATCH_SCHEDULED_KEY, refresh_pending, search_index_pending
from tests.factories import MemberFactory
from tests.search.conftest import DATABASE_TASKS, run_due_tasks, waiting_tasks

pytestmark = pytest.mark.django_db

BATCH = "search.pending.search_index_pending"
CHANGES = "search.pending.search_index_messages"


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
    return channel_create(creator=author, name="Beschaffung"), author


def use_database_tasks(settings) -> None:
    """Tasks queued for a worker, as in production, with batches one second apart."""
    settings.TASKS = DATABASE_TASKS
    settings.SEARCH_INDEX_DELAY = 1.0
    cache.delete(BATCH_SCHEDULED_KEY)


@pytest.fixture
def database_tasks(settings):
    use_database_tasks(settings)


def run_batch_now() -> None:
    waiting_tasks(BATCH).update(run_after=timezone.now() - timedelta(seconds=1))
    run_due_tasks(BATCH)


def test_new_messages_wait_for_one_deferred_batch(
    database_tasks, channel_with_author, django_capture_on_commit_callbacks
):
    channel, author = channel_with_author

    with django_capture_on_commit_callbacks(execute=True):
        first = message_post(author=author, channel=channel, source="Vergabevermerk gesucht")
    with django_capture_on_commit_callbacks(execute=True):
        second = message_post(author=author, channel=channel, source="Bauantrag digital")

    assert set(PendingRefresh.objects.values_list("source", flat=True)) == {
        f"message:{first.pk}",
        f"message:{second.pk}",
    }
    assert entry_text(first) is None and entry_text(second) is None
    (batch,) = waiting_tasks(BATCH)
    assert timezone.now() < batch.run_after <= timezone.now() + timedelta(seconds=1)
    assert run_due_tasks(BATCH) == []

    run_batch_now()

    assert "Vergabevermerk" in entry_text(first)
    assert "Bauantrag" in entry_text(second)
    assert not PendingRefresh.objects.exists()


def test_an_edit_and_a_deletion_are_tasks_due_at_once(
    database_tasks, channel_with_author, django_capture_on_commit_callbacks
):
    channel, author = channel_with_author
    with django_capture_on_commit_callbacks(execute=True):
        message = message_post(author=author, channel=channel, source="Erster Entwurf")
    run_batch_now()

    with django_capture_on_commit_callbacks(execute=True):
        message_edit(editor=author, message=message, source="Haushaltssperre erklärt")
    assert "Entwurf" in entry_text(message)
    run_due_tasks(CHANGES)
    assert "Haushaltssperre" in entry_text(message)

    with django_capture_on_commit_callbacks(execute=True):
        message_delete(actor=author, message=message)
    run_due_tasks(CHANGES)
    assert entry_text(message) is None
    assert not PendingRefresh.objects.exists()


def test_with_the_immediate_task_backend_every_change_is_indexed_after_its_commit(
    settings, channel_with_author, django_capture_on_commit_callbacks
):
    """Development and tests: no worker defers anything, so the index follows at once."""
    settings.SEARCH_INDEX_DELAY = 1.0
    channel, author = channel_with_author

    with django_capture_on_commit_callbacks(execute=True):
        message = message_post(author=author, channel=channel, source="Vergabevermerk gesucht")
    assert "Vergabevermerk" in entry_text(message)
    with django_capture_on_commit_callbacks(execute=True):
        message_edit(editor=author, message=message, source="Haushaltssperre erklärt")
    assert "Haushaltssperre" in entry_text(message)
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(actor=author, message=message)
    assert entry_text(message) is None
    assert not PendingRefresh.objects.exists()


# Open tabs hear of a change before the index follows, seen from outside: a channel layer that
# asks the search, as each live event goes out, what a member finds.


class SearchingLayer(InMemoryChannelLayer):
    heard: list[tuple[str, list[str]]] = []
    reader = None

    async def group_send(self, group: str, message: dict) -> None:
        event = message["payload"]["type"]
        if event.startswith("message."):
            self.heard.append((event, await sync_to_async(found_now)()))
        await super().group_send(group, message)


def found_now() -> list[str]:
    """Which of the message's two wordings a member finds."""
    return [
        word
        for word in ("Vergabevermerk", "Haushaltssperre")
        if search(SearchRequest(text=word), viewer=SearchingLayer.reader).total
    ]


@pytest.fixture
def searching_layer(settings, channel_with_author):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.SearchingLayer"}}
    SearchingLayer.heard = []
    SearchingLayer.reader = channel_with_author[1]
    return SearchingLayer.heard


def post_edit_delete(callbacks, channel, author, after_commit) -> list[list[str]]:
    """Post, edit and delete a message; what the member finds after each commit."""
    found = []
    with callbacks(execute=True):
        message = message_post(author=author, channel=channel, source="Vergabevermerk gesucht")
    after_commit()
    found.append(found_now())
    with callbacks(execute=True):
        message_edit(editor=author, message=message, source="Haushaltssperre erklärt")
    after_commit()
    found.append(found_now())
    with callbacks(execute=True):
        message_delete(actor=author, message=message)
    after_commit()
    found.append(found_now())
    return found


def test_open_tabs_hear_of_a_change_before_the_worker_indexes_it(
    database_tasks, searching_layer, channel_with_author, django_capture_on_commit_callbacks
):
    def worker_runs() -> None:
        run_batch_now()
        run_due_tasks(CHANGES)

    found = post_edit_delete(
        django_capture_on_commit_callbacks, *channel_with_author, after_commit=worker_runs
    )

    assert searching_layer == [
        ("message.new", []),
        ("message.edited", ["Vergabevermerk"]),
        ("message.deleted", ["Haushaltssperre"]),
    ]
    assert found == [["Vergabevermerk"], ["Haushaltssperre"], []]


def test_open_tabs_hear_of_a_change_before_the_index_follows_on_the_immediate_backend(
    searching_layer, channel_with_author, django_capture_on_commit_callbacks
):
    found = post_edit_delete(
        django_capture_on_commit_callbacks, *channel_with_author, after_commit=lambda: None
    )

    assert searching_layer == [
        ("message.new", []),
        ("message.edited", ["Vergabevermerk"]),
        ("message.deleted", ["Haushaltssperre"]),
    ]
    assert found == [["Vergabevermerk"], ["Haushaltssperre"], []]


def test_sync_indexes_what_a_stopped_process_left_waiting(channel_with_author):
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


def test_a_starting_process_has_a_worker_index_what_a_crash_left_waiting(
    settings, channel_with_author
):
    messages = left_by_a_crash(*channel_with_author)
    use_database_tasks(settings)

    process_started.send_robust(sender="asgi")

    # Start-up only queues the batch; a worker runs it.
    assert PendingRefresh.objects.count() == 2
    assert run_due_tasks(BATCH)
    assert "Bauantrag" in entry_text(messages[0])
    assert "Vergabevermerk" in entry_text(messages[1])
    assert not PendingRefresh.objects.exists()


@pytest.mark.parametrize("delay", [None, 1.0], ids=["no-batches", "immediate-backend"])
def test_without_deferred_batches_start_up_leaves_the_notes_to_sync(
    settings, channel_with_author, delay
):
    left_by_a_crash(*channel_with_author)
    settings.SEARCH_INDEX_DELAY = delay

    process_started.send_robust(sender="asgi")

    assert PendingRefresh.objects.count() == 2


def test_a_failing_start_up_drain_never_stops_the_process(
    settings, channel_with_author, monkeypatch, caplog
):
    left_by_a_crash(*channel_with_author)
    use_database_tasks(settings)

    def refuse(*args, **kwargs):
        raise RuntimeError("task queue unavailable")

    monkeypatch.setattr(type(search_index_pending), "enqueue", refuse)

    assert process_started.send_robust(sender="asgi")[-1][1] is None
    assert "Could not schedule indexing the messages left waiting" in caplog.text


def _serve_fresh_asgi_application():
    """In the server process: load `hub.asgi` as Daphne does at start."""
    # The test process may have imported the module already (consumer tests); a fresh
    # server loads it for the first time.
    sys.modules.pop("hub.asgi", None)
    from channels.routing import get_default_application

    return get_default_application()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_daphne_queues_what_a_crash_left_waiting_when_it_starts(settings, channel_with_author):
    messages = left_by_a_crash(*channel_with_author)
    use_database_tasks(settings)
    connections.close_all()
    server = DaphneProcess("127.0.0.1", _serve_fresh_asgi_application)
    server.start()
    try:
        assert server.ready.wait(timeout=30)
        assert until(lambda: waiting_tasks(BATCH).exists(), seconds=20)
    finally:
        server.terminate()
        server.join(timeout=10)
    run_due_tasks(BATCH)
    assert all(entry_text(message) for message in messages)


@pytest.fixture
def signal_handlers():
    """The worker installs its own handlers for these; the test run keeps pytest's."""
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    kept = {number: signal.getsignal(number) for number in numbers}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_worker_indexes_what_a_crash_left_waiting_when_it_starts(
    settings, channel_with_author, signal_handlers
):
    messages = left_by_a_crash(*channel_with_author)
    use_database_tasks(settings)

    # --batch: run what is queued (the batch its own start queued), then stop.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert not PendingRefresh.objects.exists()
    assert all(entry_text(message) for message in messages)
