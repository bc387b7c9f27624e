"""The database search index: one row per searchable thing, its analysed tokens, the vocabulary
for suggestions, and the outbox of changes Elasticsearch has not received yet.

The rows are derived data: `search.indexing` writes them after each commit and `manage.py
search_index rebuild` recreates them. SQLite keeps an FTS5 table and PostgreSQL a tsvector
column over `title_tokens` and `tokens` (created by migration, invisible to the ORM).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PRACTICE = "practice", _("Praxisbeispiel")
    DOCUMENT = "document", _("Dokument")
    COURSE = "course", _("Impuls")
    SESSION = "session", _("Termin")
    MESSAGE = "message", _("Nachricht")
    PROFILE = "profile", _("Profil")


class Audience:
    """Who may see an entry. A viewer sees the entries of every audience they belong to."""

    PUBLIC = "public"  # everyone, signed in or not
    OUTSIDERS = "outsiders"  # visitors and pending accounts (the public view of a profile)
    MEMBERS = "members"  # approved network members

    @staticmethod
    def channel(channel_id: int) -> str:
        return f"channel:{channel_id}"


class SearchEntry(models.Model):
    """One search result as a particular audience may see it.

    Most things have one entry; a profile has one per audience that sees different fields.
    """

    entry_id = models.CharField(max_length=80, unique=True)
    key = models.CharField(max_length=64)
    # The thing whose refresh writes this entry: a practice page owns its documents' entries,
    # a course its sessions'.
    source = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    audience = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    topics = models.JSONField(default=list, blank=True)
    administration_level = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=2, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    title_tokens = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Suchindex-Eintrag")
        verbose_name_plural = _("Suchindex-Einträge")
        indexes = [
            models.Index(fields=["audience", "kind"], name="search_entry_access"),
            models.Index(fields=["date"], name="search_entry_date"),
        ]

    def __str__(self) -> str:
        return self.entry_id


class EntryTopic(models.Model):
    """A topic slug of an entry, as a row so that topic facets are counted in SQL."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="topic_rows")
    slug = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "slug"], name="search_one_topic_per_entry")
        ]
        indexes = [models.Index(fields=["slug", "entry"], name="search_topic_facet")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.slug}"


class Term(models.Model):
    """A word of the indexed text with the number of entries it occurs in: the vocabulary for
    "Meinten Sie …?" and for autocomplete."""

    word = models.CharField(max_length=100, unique=True)
    document_frequency = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Suchbegriff")
        verbose_name_plural = _("Suchbegriffe")

    def __str__(self) -> str:
        return self.word


class OutboxItem(models.Model):
    """An entry Elasticsearch has not received because it was unreachable. Replaying reads the
    entry's current state from the database index, so one row per entry is enough."""

    entry_id = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Ausstehende Indexänderung")
        verbose_name_plural = _("Ausstehende Indexänderungen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.entry_id
