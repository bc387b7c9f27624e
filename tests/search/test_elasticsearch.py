"""Elasticsearch-only paths on a real node: the alias swap on rebuild, the outbox during a real
outage (the node stopped and restarted) replayed by the command and by the task, and the
command's report."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus

from discussions.services.messages import message_post
from search.api import SearchRequest, _query, search
from search.backends import ElasticsearchBackend, get_backend
from search.backends.es_query import search_body
from search.documents import alias_name
from search.indexing import rebuild
from search.models import OutboxItem, SearchEntry
from search.query import STRICT
from tests.engines.servers import REQUEST_TIMEOUT_SECONDS
from tests.factories import practice_page_create
from tests.search.conftest import DATABASE_TASKS, build_world, run_due_replays, waiting_replays

pytestmark = [pytest.mark.engines, pytest.mark.slow]


@pytest.fixture
def search_backend():
    """This module always needs Elasticsearch (overrides the parametrised fixture)."""
    return "elasticsearch"


@pytest.fixture
def elasticsearch(request, settings, elasticsearch_server):
    import uuid

    settings.ELASTICSEARCH_URL = elasticsearch_server.url
    settings.ELASTICSEARCH_TIMEOUT = REQUEST_TIMEOUT_SECONDS
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}-"
    elasticsearch_server.wait_until_green()
    ElasticsearchBackend().create_index()
    client = elasticsearch_server.client()
    yield client
    client.close()
    settings.ELASTICSEARCH_URL = elasticsearch_server.url
    ElasticsearchBackend().drop_indexes()


@pytest.fixture
def world(db, elasticsearch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        built = build_world()
    get_backend().refresh()
    return built


def keys(text, viewer=None):
    return [
        hit.key for hit in search(SearchRequest(text=text), viewer=viewer or AnonymousUser()).hits
    ]


def test_rebuild_swaps_the_alias_to_a_new_index(world, elasticsearch):
    (old_index,) = elasticsearch.indices.get_alias(name=alias_name())

    rebuild()

    (new_index,) = elasticsearch.indices.get_alias(name=alias_name())
    assert new_index != old_index
    assert not elasticsearch.indices.exists(index=old_index)
    assert isinstance(get_backend(), ElasticsearchBackend)
    results = search(SearchRequest(text="Beteiligung"), viewer=AnonymousUser())
    assert results.backend == "elasticsearch"
    assert results.hits[0].key == f"practice:{world.practice.pk}"


def test_outage_write_goes_to_outbox_and_sync_loses_nothing(
    world, elasticsearch, elasticsearch_outage, django_capture_on_commit_callbacks
):
    """The node really stops (its data kept), content changes while it is down, the same node
    comes back on the same port, and `search_index sync` catches it up."""
    from django.core.cache import cache

    channel = world.open_message.channel
    elasticsearch_outage.stop()

    with django_capture_on_commit_callbacks(execute=True):
        page = practice_page_create(
            title="Digitale Sitzungsvorlagen", summary="Ratsinformationssystem ohne Papier."
        )
        message = message_post(
            author=world.member, channel=channel, source="Wir verschicken Sitzungsvorlagen digital."
        )
        world.practice.unpublish()

    assert page.live
    written = {f"practice:{page.pk}", f"message:{message.pk}", f"practice:{world.practice.pk}"}
    waiting = set(OutboxItem.objects.values_list("entry_id", flat=True))
    assert written <= waiting
    during = search(SearchRequest(text="Sitzungsvorlagen"), viewer=world.member)
    assert during.degraded and during.backend in ("sqlite", "postgresql")
    assert {hit.key for hit in during.hits} == {f"practice:{page.pk}", f"message:{message.pk}"}
    with pytest.raises(CommandError, match="nicht erreichbar"):
        call_command("search_index", "sync", stdout=StringIO(), stderr=StringIO())
    assert set(OutboxItem.objects.values_list("entry_id", flat=True)) == waiting

    elasticsearch_outage.start()
    cache.clear()
    # The restarted node kept its data: what was indexed before the outage is there, the
    # changes made during it are not yet.
    before_sync = search(SearchRequest(text="Sitzungsvorlagen"), viewer=world.member)
    assert before_sync.backend == "elasticsearch" and before_sync.total == 0
    assert f"practice:{world.practice.pk}" in keys("Beteiligung")

    out = StringIO()
    call_command("search_index", "sync", stdout=out, stderr=StringIO())
    get_backend().refresh()

    assert f"{len(waiting)} Änderungen an Elasticsearch gesendet." in out.getvalue()
    assert not OutboxItem.objects.exists()
    after = search(SearchRequest(text="Sitzungsvorlagen"), viewer=world.member)
    assert after.backend == "elasticsearch" and not after.degraded
    assert {hit.key for hit in after.hits} == {f"practice:{page.pk}", f"message:{message.pk}"}
    assert f"practice:{world.practice.pk}" not in keys("Beteiligung")
    assert keys("Sitzungsvorlagen") == [f"practice:{page.pk}"]


def test_replay_task_catches_up_once_the_node_is_back(
    world, elasticsearch, elasticsearch_outage, settings, django_capture_on_commit_callbacks
):
    """No one runs `search_index sync`: the replay scheduled by the failed write does it."""
    settings.TASKS = DATABASE_TASKS
    elasticsearch_outage.stop()
    with django_capture_on_commit_callbacks(execute=True):
        page = practice_page_create(
            title="Digitale Sitzungsvorlagen", summary="Ratsinformationssystem ohne Papier."
        )
    waiting = OutboxItem.objects.count()
    assert waiting and waiting_replays().count() == 1

    elasticsearch_outage.start()
    # Time passes: the replay is due.
    waiting_replays().update(run_after=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        (replay,) = run_due_replays()
    get_backend().refresh()

    replay.refresh_from_db()
    assert replay.status == TaskResultStatus.SUCCESSFUL and replay.return_value == waiting
    assert not OutboxItem.objects.exists() and not waiting_replays().exists()
    results = search(SearchRequest(text="Sitzungsvorlagen"), viewer=AnonymousUser())
    assert results.backend == "elasticsearch" and not results.degraded
    assert [hit.key for hit in results.hits] == [f"practice:{page.pk}"]


def test_status_reports_counts_per_kind_and_outbox(world, elasticsearch):
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    report = out.getvalue()

    assert f"Elasticsearch: {alias_name()}" in report
    practice_line = next(line for line in report.splitlines() if line.startswith("Praxisbeispiel"))
    assert practice_line.split() == ["Praxisbeispiel", "2", "2", "2"]
    message_line = next(line for line in report.splitlines() if line.startswith("Nachricht"))
    assert message_line.split() == ["Nachricht", "2", "2", "2"]
    assert "Warteschlange (Outbox): 0" in report


def test_rebuild_command_shows_progress_and_result(world, elasticsearch):
    out, err = StringIO(), StringIO()
    call_command("search_index", "rebuild", stdout=out, stderr=err)

    assert "Suchindex neu aufgebaut:" in out.getvalue()
    assert "Datenbank-Index" in err.getvalue() and "Elasticsearch" in err.getvalue()


def test_word_search_hits_come_back_without_the_passage_vectors(world, elasticsearch):
    query = _query(SearchRequest(text="E-Akte"), AnonymousUser())
    body = search_body(query, STRICT, baseline=False, page=1, mistyped=frozenset())
    hits = elasticsearch.search(index=alias_name(), body=body)["hits"]["hits"]

    assert hits
    assert all("passages" not in hit["_source"] and hit["_source"]["key"] for hit in hits)


def test_the_stored_documents_leave_out_the_passage_vectors(world, elasticsearch):
    entry_id = SearchEntry.objects.values_list("entry_id", flat=True).first()

    stored = elasticsearch.get(index=alias_name(), id=entry_id)["_source"]

    assert stored["entry_id"] == entry_id
    assert "passages" not in stored


def test_a_word_the_texts_do_not_know_is_matched_with_typo_tolerance(world):
    assert f"practice:{world.practice.pk}" in keys("Bürgerhaushlt")
