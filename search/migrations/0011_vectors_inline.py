"""PostgreSQL: keep the full-text vectors in the entry's row (storage MAIN), compressed, rather
than in the TOAST table. A broad query tests every matched row's vector once per clause; read
from the TOAST table, each test costs an index lookup there. At 100,000 entries a query of eight
words matching 31,500 of them took 600 ms, with the vectors in the row 100 ms. The long `text`
and token columns are moved out of the row instead. Rows written before are rewritten, so that
the vectors (generated columns, computed again on update) take the new storage."""

from django.db import migrations

COLUMNS = ("search_vector", "title_vector")


def _storage(kind: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        columns = ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in COLUMNS)
        schema_editor.execute(f"ALTER TABLE search_searchentry {columns}")
        schema_editor.execute("UPDATE search_searchentry SET tokens = tokens")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0010_entry_indexed_at_index")]

    operations = [migrations.RunPython(_storage("MAIN"), _storage("EXTENDED"))]
