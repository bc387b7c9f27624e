"""The throwaway PostgreSQL server is real and can do what the platform needs of it."""

import psycopg
import pytest

pytestmark = pytest.mark.engines


def test_server_is_real_postgresql_with_german_full_text_search(postgres_server):
    with psycopg.connect(postgres_server.url()) as connection:
        version_query = "SELECT current_setting('server_version_num')::int"
        version = connection.execute(version_query).fetchone()[0]
        lexemes = connection.execute(
            "SELECT to_tsvector('german', 'Die Bürgerämter der Kommunen')::text"
        ).fetchone()[0]

    assert version >= 130000
    assert "kommun" in lexemes
    assert "die" not in lexemes.split("'")
