"""`manage.py search_index rebuild|sync|status`: keep the search indexes in shape.

rebuild  recreate the database index from the content, then a new Elasticsearch index that
         replaces the old one behind the alias (no downtime)
sync     index new messages a stopped process left waiting, then send the changes waiting in
         the outbox to Elasticsearch
vectors  embed every entry that has no vectors yet (after failed embeddings, or when
         SEARCH_VECTORS was off while content changed)
status   documents per kind in the indexes versus the content, the new messages waiting for
         the index, the entries without vectors, and the outbox length
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.backends import BackendUnavailable, DatabaseBackend, get_backend
from search.documents import alias_name
from search.indexing import database_counts, rebuild, total_sources
from search.models import Kind, OutboxItem, PendingRefresh, SearchEntry
from search.outbox import outbox_replay
from search.pending import refresh_pending
from search.vectors import missing_entry_ids, update_vectors, vectors_enabled

ACTIONS = ("rebuild", "sync", "vectors", "status")


class Command(BaseCommand):
    help = (
        "Suchindex verwalten: rebuild (neu aufbauen), sync (Warteschlange senden), "
        "vectors (fehlende Vektoren berechnen), status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", help="rebuild, sync, vectors oder status")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action not in ACTIONS:
            raise CommandError(
                f"Unbekannte Aktion {action!r}. Erlaubt sind: rebuild, sync, vectors oder "
                "status (z. B. „manage.py search_index status“)."
                if action
                else "Bitte eine Aktion angeben: rebuild, sync, vectors oder status."
            )
        self.show_progress = options["verbosity"] > 0
        getattr(self, f"_{action}")()

    def _bar(self, label: str, total: int | None) -> tqdm:
        return tqdm(desc=label, total=total, disable=not self.show_progress, file=self.stderr)

    def _rebuild(self) -> None:
        with self._bar("Datenbank-Index", total_sources()) as database_bar:
            elasticsearch_bar = None

            def elasticsearch_progress(count: int) -> None:
                nonlocal elasticsearch_bar
                if elasticsearch_bar is None:
                    elasticsearch_bar = self._bar("Elasticsearch", SearchEntry.objects.count())
                elasticsearch_bar.update(count)

            try:
                stored = rebuild(
                    progress=database_bar.update, elasticsearch_progress=elasticsearch_progress
                )
            except BackendUnavailable as error:
                raise CommandError(
                    "Der Datenbank-Index ist neu aufgebaut, Elasticsearch aber nicht erreichbar "
                    f"({error}). Später erneut „search_index rebuild“ ausführen."
                ) from error
            finally:
                if elasticsearch_bar is not None:
                    elasticsearch_bar.close()
        self.stdout.write(f"Suchindex neu aufgebaut: {stored} Einträge.")

    def _sync(self) -> None:
        refreshed = refresh_pending()
        if refreshed:
            self.stdout.write(f"{refreshed} wartende neue Nachrichten indexiert.")
        waiting = OutboxItem.objects.count()
        if not settings.ELASTICSEARCH_URL:
            self.stdout.write(
                "Elasticsearch ist nicht eingerichtet (ELASTICSEARCH_URL); "
                f"{waiting} Änderungen warten."
            )
            return
        with self._bar("Warteschlange", waiting) as bar:
            try:
                sent = outbox_replay(progress=bar.update)
            except BackendUnavailable as error:
                raise CommandError(
                    f"Elasticsearch ist nicht erreichbar ({error}); "
                    f"{OutboxItem.objects.count()} Änderungen warten weiter."
                ) from error
        self.stdout.write(f"{sent} Änderungen an Elasticsearch gesendet.")

    def _vectors(self) -> None:
        if not vectors_enabled():
            raise CommandError("Die Bedeutungssuche ist ausgeschaltet (SEARCH_VECTORS).")
        missing = missing_entry_ids()
        with self._bar("Vektoren", len(missing)) as bar:
            embedded = update_vectors(missing, progress=bar.update)
        self.stdout.write(f"{embedded} Abschnitte für {len(missing)} Einträge eingebettet.")

    def _status(self) -> None:
        content = database_counts()
        entries = DatabaseBackend().counts()
        documents: dict[str, int] | None = None
        elasticsearch_note = "nicht eingerichtet"
        if settings.ELASTICSEARCH_URL:
            try:
                documents = get_backend().counts()
                elasticsearch_note = alias_name()
            except BackendUnavailable as error:
                elasticsearch_note = f"nicht erreichbar ({error})"
        self.stdout.write(f"Elasticsearch: {elasticsearch_note}")
        header = f"{'Art':<16}{'Inhalte':>10}{'DB-Index':>10}{'Elasticsearch':>15}"
        self.stdout.write(header)
        for kind in Kind:
            self.stdout.write(
                f"{kind.label!s:<16}{content.get(kind.value, '–')!s:>10}"
                f"{entries.get(kind.value, 0):>10}"
                f"{(documents or {}).get(kind.value, 0) if documents is not None else '–'!s:>15}"
            )
        self.stdout.write(
            f"Neue Nachrichten, noch nicht indexiert: {PendingRefresh.objects.count()}"
        )
        if vectors_enabled():
            self.stdout.write(f"Einträge ohne Vektoren: {len(missing_entry_ids())}")
        else:
            self.stdout.write("Bedeutungssuche: ausgeschaltet (SEARCH_VECTORS)")
        self.stdout.write(f"Warteschlange (Outbox): {OutboxItem.objects.count()}")
