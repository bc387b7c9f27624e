"""The outbox replays itself: a change that could not reach Elasticsearch schedules one delayed
replay task on the database task backend, a replay that fails schedules the next one later, and
nothing piles up. Elasticsearch is unreachable here (a closed port); the replay that succeeds
runs against the real node in tests/search/test_elasticsearch.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks import TaskResultStatus

from search.models import OutboxItem
from search.outbox import REPLAY_SCHEDULED_KEY
from tests.engines.servers import free_port
from tests.factories import practice_page_create
from tests.search.conftest import DATABASE_TASKS, run_due_replays, waiting_replays


@pytest.fixture
def unreachable_elasticsearch(db, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"
    settings.ELASTICSEARCH_TIMEOUT = 1
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def write_during_outage(callbacks, title):
    with callbacks(execute=True):
        return practice_page_create(title=title)


def assert_runs_in(result, delay):
    expected = timezone.now() + delay
    assert expected - timedelta(seconds=10) <= result.run_after <= expected


def test_failed_writes_schedule_one_delayed_replay(
    unreachable_elasticsearch, database_tasks, django_capture_on_commit_callbacks
):
    first = write_during_outage(django_capture_on_commit_callbacks, "Digitale Sitzungsvorlagen")
    second = write_during_outage(django_capture_on_commit_callbacks, "Papierlose Ratsarbeit")

    assert {f"practice:{first.pk}", f"practice:{second.pk}"} <= set(
        OutboxItem.objects.values_list("entry_id", flat=True)
    )
    (replay,) = waiting_replays()
    assert_runs_in(replay, timedelta(seconds=30))
    assert cache.get(REPLAY_SCHEDULED_KEY)
    assert run_due_replays() == []


def test_a_replay_while_elasticsearch_is_still_down_tries_again_later(
    unreachable_elasticsearch, database_tasks, django_capture_on_commit_callbacks
):
    write_during_outage(django_capture_on_commit_callbacks, "Digitale Sitzungsvorlagen")
    waiting = OutboxItem.objects.count()

    for attempt, delay in enumerate((60, 120, 240), start=1):
        waiting_replays().update(run_after=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            (ran,) = run_due_replays()

        ran.refresh_from_db()
        assert ran.status == TaskResultStatus.FAILED
        assert ran.exception_class_path == "search.backends.elasticsearch.ElasticsearchUnavailable"
        assert OutboxItem.objects.count() == waiting
        assert set(OutboxItem.objects.values_list("attempts", flat=True)) == {attempt}
        (next_replay,) = waiting_replays()
        assert_runs_in(next_replay, timedelta(seconds=delay))


def test_the_delay_between_replays_is_capped(
    unreachable_elasticsearch, database_tasks, django_capture_on_commit_callbacks
):
    write_during_outage(django_capture_on_commit_callbacks, "Digitale Sitzungsvorlagen")
    OutboxItem.objects.update(attempts=40)
    waiting_replays().update(run_after=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        run_due_replays()

    (next_replay,) = waiting_replays()
    assert_runs_in(next_replay, timedelta(minutes=30))


def test_a_lost_replay_is_scheduled_again_by_the_next_failed_write(
    unreachable_elasticsearch, database_tasks, django_capture_on_commit_callbacks
):
    write_during_outage(django_capture_on_commit_callbacks, "Digitale Sitzungsvorlagen")
    waiting_replays().delete()
    cache.delete(REPLAY_SCHEDULED_KEY)  # what the flag's expiry does

    write_during_outage(django_capture_on_commit_callbacks, "Papierlose Ratsarbeit")

    assert waiting_replays().count() == 1


def test_without_a_deferring_task_backend_the_outbox_waits_for_the_command(
    unreachable_elasticsearch, django_capture_on_commit_callbacks
):
    """The immediate backend (development, tests) would retry in the same request."""
    page = write_during_outage(django_capture_on_commit_callbacks, "Digitale Sitzungsvorlagen")

    assert page.live
    assert OutboxItem.objects.filter(entry_id=f"practice:{page.pk}", attempts=0).exists()
    assert not cache.get(REPLAY_SCHEDULED_KEY)


def test_a_replay_after_elasticsearch_was_switched_off_stops_retrying(
    unreachable_elasticsearch, database_tasks, settings, django_capture_on_commit_callbacks
):
    write_during_outage(django_capture_on_commit_callbacks, "Digitale Sitzungsvorlagen")
    settings.ELASTICSEARCH_URL = ""
    waiting_replays().update(run_after=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        (ran,) = run_due_replays()

    ran.refresh_from_db()
    assert ran.status == TaskResultStatus.SUCCESSFUL and ran.return_value == 0
    assert not waiting_replays().exists()
