import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_database_runs_as_configured():
    """SQLite: WAL mode with immediate writes. PostgreSQL (--database=postgresql): the real one."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone() == ("wal",)
            assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        else:
            cursor.execute("SELECT current_setting('server_version_num')::int")
            assert connection.vendor == "postgresql"
            assert cursor.fetchone()[0] >= 130000
