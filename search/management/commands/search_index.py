"""`manage.py search_index rebuild|sync|status`: keep the search indexes in shape.

rebuild  recreate the database index from the content, then a new Elasticsearch index that
         replaces the old one behind the alias (no downtime)
sync     index new messages a stopped process left waiting, then send the changes waiting in
         the outbox to Elasticsearch
status   documents per kind in the indexes versus the content, the new messages waiting for
         the index, and the outbox length
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

ACTIONS = ("rebuild", "sync", "status")


class Command(BaseCommand):
    help = "Suchindex verwalten: rebuild (neu aufbauen), sync (Warteschlange senden), status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", help="rebuild, sync oder status")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action not in ACTIONS:
            raise CommandError(
                f"Unbekannte Aktion {action!r}. Erlaubt sind: rebuild, sync oder status "
                "(z. B. „manage.py search_index status“)."
                if action
                else "Bitte eine Aktion angeben: rebuild, sync oder status."
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
        self.stdout.write(f"Warteschlange (Outbox): {OutboxItem.objects.count()}")
