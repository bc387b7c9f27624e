"""New channel messages enter the index in background batches (`search.pending`), off the
thread that delivers them live; edits and deletions are indexed at once, and a note left by a
stopped process is picked up by `search_index sync`."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hub.discussions.services import channel_create, message_delete, message_edit, message_post
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
