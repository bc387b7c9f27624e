"""One search interface over two engines, chosen by settings.

Without ELASTICSEARCH_URL the database answers (SQLite FTS5, PostgreSQL full-text search);
with it, an Elasticsearch cluster through the official client.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connection
from elasticsearch import Elasticsearch

from hub.health import CheckResult


class DatabaseSearchBackend:
    name = "database"

    def health(self) -> CheckResult:
        """Prove the database can do full-text search, not merely that it answers."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("CREATE VIRTUAL TABLE temp.kollegium_healthz USING fts5(body)")
                cursor.execute("DROP TABLE temp.kollegium_healthz")
                engine = "sqlite-fts5"
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT to_tsvector('german', 'Bürgerbeteiligung')")
                engine = "postgresql-fts"
            else:
                return CheckResult(ok=False, backend=self.name, error="unsupported database")
        return CheckResult(ok=True, backend=engine)


class ElasticsearchSearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, timeout: int) -> None:
        self.client = Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False)

    def health(self) -> CheckResult:
        status = self.client.cluster.health()["status"]
        if status == "red":
            return CheckResult(ok=False, backend=self.name, error="cluster status red")
        return CheckResult(ok=True, backend=self.name)


@cache
def _elasticsearch_backend(url: str, timeout: int) -> ElasticsearchSearchBackend:
    return ElasticsearchSearchBackend(url, timeout)


def get_search_backend() -> DatabaseSearchBackend | ElasticsearchSearchBackend:
    if settings.ELASTICSEARCH_URL:
        return _elasticsearch_backend(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
    return DatabaseSearchBackend()
