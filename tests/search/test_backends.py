import pytest
from django.db import connection

from core.health import run_checks
from search.backends import DatabaseBackend, get_backend

pytestmark = pytest.mark.django_db


def test_database_backend_is_the_default():
    backend = get_backend()

    assert isinstance(backend, DatabaseBackend)


def test_database_backend_proves_full_text_search_works():
    result = DatabaseBackend().health()

    assert result.ok
    expected = {"sqlite": "sqlite-fts5", "postgresql": "postgresql-fts"}[connection.vendor]
    assert result.backend == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage only")
def test_postgresql_keeps_the_full_text_vectors_in_the_row():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'search_searchentry'::regclass AND attname IN ('search_vector', 'title_vector')"
        )
        storage = dict(cursor.fetchall())

    # MAIN: compressed in the row, not looked up in the TOAST table per clause tested.
    assert storage == {"search_vector": "m", "title_vector": "m"}


def test_unreachable_elasticsearch_is_reported_not_raised(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 1

    result = run_checks()["search"]

    assert not result.ok
    assert result.error


@pytest.mark.parametrize("sorted_matches", [500, 1], ids=["few-matches", "many-matches"])
def test_title_suggestions_list_the_newest_titles_first_and_undated_ones_last(
    sorted_matches, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from search.backends import database
    from search.indexing import index_items
    from tests.search.items import search_item

    monkeypatch.setattr(database, "SORTED_TITLE_MATCHES", sorted_matches)
    now = timezone.now()

    def item(key: str, title: str, *, audience: str = "public", age_days: int | None = None):
        date = None if age_days is None else now - timedelta(days=age_days)
        return search_item(key, title, audience=audience, date=date)

    index_items(
        [
            item("old", "Vergabe im Landkreis", age_days=30),
            item("undated", "Vergabestelle Kassel"),
            item("new", "Vergaberecht kompakt", age_days=1),
            item("hidden", "Vergabe intern", audience="members", age_days=0),
            item("other", "Personalgewinnung", age_days=0),
        ]
    )

    def titles(text: str, limit: int = 8) -> list[str]:
        suggestions = DatabaseBackend().suggest(text, frozenset({"public"}), limit)
        return [suggestion["label"] for suggestion in suggestions]

    assert titles("Verg") == [
        "Vergaberecht kompakt",
        "Vergabe im Landkreis",
        "Vergabestelle Kassel",
    ]
    assert titles("Verg", limit=2) == ["Vergaberecht kompakt", "Vergabe im Landkreis"]
    assert titles("Vergabe Land") == ["Vergabe im Landkreis"]
    assert titles("Bürgerbet") == []


def test_a_word_matches_only_within_the_audiences_asked_for():
    from search.indexing import index_items
    from search.models import Audience
    from search.query import parse
    from tests.search.items import search_item

    index_items(
        [
            search_item("open", "Wohngeld beantragen", kind="message"),
            search_item(
                "closed", "Haushaltssperre im Kreis", kind="message", audience=Audience.channel(7)
            ),
        ]
    )
    backend = DatabaseBackend()

    def matches(text: str, audiences: set[str]) -> bool:
        return backend.matches_anything(parse(text), frozenset(audiences))

    assert matches("Wohngeld", {"public"})
    assert not matches("Haushaltssperre", {"public", "members"})
    assert matches("Haushaltssperre", {"public", Audience.channel(7)})
    assert not matches("Wohngled", {"public", Audience.channel(7)})
