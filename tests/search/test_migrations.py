"""Data migrations of the search app, run against the real schema history."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return MigrationExecutor(connection)


def test_the_vocabulary_words_get_their_tokens():
    before = _migrate(("search", "0011_vectors_inline"))
    old_term = before.loader.project_state([("search", "0011_vectors_inline")]).apps.get_model(
        "search", "Term"
    )
    old_term.objects.create(word="stellenanzeigen", document_frequency=2)
    old_term.objects.create(word="bürgerämter", document_frequency=1)

    after = _migrate(("search", "0012_term_token"))
    term = after.loader.project_state([("search", "0012_term_token")]).apps.get_model(
        "search", "Term"
    )

    assert dict(term.objects.values_list("word", "token")) == {
        "stellenanzeigen": "stellenanzeig",
        "bürgerämter": "burgeramt",
    }
