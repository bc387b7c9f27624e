import pytest
from django.db import connection

from hub.health import run_checks
from search.backends import DatabaseSearchBackend, get_search_backend

pytestmark = pytest.mark.django_db


def test_database_backend_is_the_default():
    backend = get_search_backend()

    assert isinstance(backend, DatabaseSearchBackend)


def test_database_backend_proves_full_text_search_works():
    result = DatabaseSearchBackend().health()

    assert result.ok
    expected = {"sqlite": "sqlite-fts5", "postgresql": "postgresql-fts"}[connection.vendor]
    assert result.backend == expected


def test_unreachable_elasticsearch_is_reported_not_raised(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 1

    result = run_checks()["search"]

    assert not result.ok
    assert result.error
