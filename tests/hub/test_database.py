import pytest
from django.db import connection

from members.models import User

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


def test_postgresql_plans_a_repeated_query_once_per_connection():
    """Planning the ORM's joins took longer than running them: a statement run five times on
    a connection is prepared there (DATABASE_PREPARED_STATEMENTS)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for email in [f"person{number}@example.org" for number in range(6)]:
        assert not User.objects.filter(email=email, is_active=True).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"members_user"."email" = $%'],
        )
        assert cursor.fetchone()[0] == 1
