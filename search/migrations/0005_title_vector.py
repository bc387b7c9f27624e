"""PostgreSQL: a tsvector of the titles alone, with its own GIN index, for autocomplete.

Prefix matching on the weighted `search_vector` cannot tell title from body in the index (the
weight is checked on every row), and its row estimates lead the planner to walk all entries by
date; a title-only vector answers a title prefix from the index."""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """ALTER TABLE search_searchentry ADD COLUMN title_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', title_tokens)) STORED""",
    "CREATE INDEX search_entry_title_vector ON search_searchentry USING GIN (title_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX search_entry_title_vector",
    "ALTER TABLE search_searchentry DROP COLUMN title_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_pending_refresh")]

    operations = [migrations.RunPython(_run(POSTGRESQL_FORWARD), _run(POSTGRESQL_BACKWARD))]
