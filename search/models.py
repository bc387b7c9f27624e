"""The search app's tables.

The editors' additions to the German analysis lists (see search/analysis.py): the project's
curated base lists live in `search/wordlists/` and are always in force; editors extend them in
the Wagtail admin. Word parts shape the index, so they apply after a rebuild; synonyms are
applied at query time and work at once.

The database search index: one row per searchable thing, its analysed tokens, the vocabulary
for suggestions, and the outbox of changes Elasticsearch has not received yet. The rows are
derived data: `search.indexing` writes them after each commit and `manage.py search_index
rebuild` recreates them. SQLite keeps an FTS5 table and PostgreSQL a tsvector column over
`title_tokens` and `tokens`, and one over `title_tokens` alone for autocomplete (created by
migration, invisible to the ORM).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from search import analysis

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SYNONYM_TERM_MAX_LENGTH = 80
SYNONYM_TERM_MAX_WORDS = 6
SYNONYM_GROUP_MAX_TERMS = 12
# Letters, digits and the punctuation names of laws and programmes use ("OZG 2.0", "TV-L",
# "Informations- und Kommunikationstechnik", "B&B"); nothing that means something to a query
# parser or a synonym rule ("|", "=>", ",", quotes, "#").
_SYNONYM_TERM_RE = re.compile(r"^[^\W_]+(?:[ .\-/&'][^\W_]*)*$")


def _clean_text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


class WordPart(models.Model):
    """A word part the compound splitter looks for inside longer words ("beteiligung" in
    "Bürgerbeteiligung"), in addition to the project's base list."""

    text = models.CharField(
        _("Wortbestandteil"),
        max_length=analysis.WORD_PART_MAX_LENGTH,
        unique=True,
        help_text=_(
            "Ein einzelnes Wort aus Buchstaben (3 bis 20), z. B. „beteiligung“. Es wirkt erst, "
            "wenn der Suchindex neu aufgebaut wurde (manage.py search_index rebuild)."
        ),
    )
    normalized = models.CharField(
        max_length=2 * analysis.WORD_PART_MAX_LENGTH, unique=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("Wortbestandteil")
        verbose_name_plural = _("Wortbestandteile")
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalized = analysis.normalize_word(self.text)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.text = _clean_text(self.text).lower()
        if not self.text:
            raise ValidationError({"text": _("Bitte geben Sie einen Wortbestandteil ein.")})
        if not self.text.isalpha():
            raise ValidationError(
                {"text": _("Ein Wortbestandteil besteht nur aus Buchstaben, ohne Leerzeichen.")}
            )
        self.normalized = analysis.normalize_word(self.text)
        minimum, maximum = analysis.WORD_PART_MIN_LENGTH, analysis.WORD_PART_MAX_LENGTH
        if not minimum <= len(self.normalized) <= maximum:
            raise ValidationError(
                {
                    "text": _("Ein Wortbestandteil hat %(minimum)d bis %(maximum)d Buchstaben.")
                    % {"minimum": minimum, "maximum": maximum}
                }
            )
        base = {analysis.normalize_word(part) for part in analysis.seed_word_parts()}
        if self.normalized in base:
            raise ValidationError(
                {"text": _("„%(text)s“ steht schon in der Grundliste.") % {"text": self.text}}
            )
        other = WordPart.objects.exclude(pk=self.pk).filter(normalized=self.normalized).first()
        if other is not None:
            raise ValidationError(
                {
                    "text": _("„%(text)s“ ist schon als „%(other)s“ eingetragen.")
                    % {"text": self.text, "other": other.text}
                }
            )


class SynonymGroup(models.Model):
    """Terms that mean the same in a search: an abbreviation and its long form, or two names
    for one thing ("OZG" and "Onlinezugangsgesetz")."""

    terms = models.TextField(
        _("Begriffe"),
        help_text=_(
            "Ein Begriff je Zeile, mindestens zwei, z. B. „OZG“ und „Onlinezugangsgesetz“. Wer "
            "einen davon sucht, findet auch die anderen. Änderungen wirken sofort."
        ),
    )
    note = models.CharField(_("Anmerkung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Synonym oder Abkürzung")
        verbose_name_plural = _("Synonyme und Abkürzungen")
        ordering = ["terms"]

    def __str__(self) -> str:
        return " ↔ ".join(self.term_list())

    def term_list(self) -> tuple[str, ...]:
        return tuple(term for term in self.terms.splitlines() if term.strip())

    def clean(self) -> None:
        terms = list(dict.fromkeys(_clean_text(line) for line in self.terms.splitlines()))
        terms = [term for term in terms if term]
        self.terms = "\n".join(terms)
        errors: list[StrOrPromise] = [message for term in terms for message in _term_errors(term)]
        keys: dict[tuple[str, ...], str] = {}
        for term in terms:
            key = analysis.synonym_key(term)
            if key in keys:
                errors.append(
                    _("„%(term)s“ und „%(other)s“ sind für die Suche derselbe Begriff.")
                    % {"term": term, "other": keys[key]}
                )
            keys[key] = term
        if len({key for key in keys if key}) < 2:
            errors.append(_("Bitte geben Sie mindestens zwei verschiedene Begriffe an."))
        if len(terms) > SYNONYM_GROUP_MAX_TERMS:
            errors.append(
                _("Eine Gruppe hat höchstens %(count)d Begriffe.")
                % {"count": SYNONYM_GROUP_MAX_TERMS}
            )
        errors.extend(self._duplicates(keys))
        if errors:
            raise ValidationError({"terms": errors})

    def _duplicates(self, keys: dict[tuple[str, ...], str]) -> list[str]:
        existing: dict[tuple[str, ...], StrOrPromise] = {}
        for group in analysis.seed_synonym_groups():
            for term in group:
                existing[analysis.synonym_key(term)] = _("der Grundliste")
        for synonym_group in SynonymGroup.objects.exclude(pk=self.pk):
            for term in synonym_group.term_list():
                existing[analysis.synonym_key(term)] = f"„{synonym_group}“"
        return [
            _("„%(term)s“ steht schon in %(place)s.") % {"term": term, "place": existing[key]}
            for key, term in keys.items()
            if key in existing
        ]


class LearnedWordPart(models.Model):
    """A word part the compound splitter learned from the indexed texts (`search.compounds`).
    Each rebuild learns the list anew; like the editors' parts, it shapes the index."""

    text = models.CharField(
        _("Wortbestandteil"), max_length=analysis.WORD_PART_MAX_LENGTH, unique=True
    )

    class Meta:
        verbose_name = _("Gelernter Wortbestandteil")
        verbose_name_plural = _("Gelernte Wortbestandteile")
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


class LearnedAbbreviation(models.Model):
    """An abbreviation and its long form as an indexed text defines them ("Onlinezugangsgesetz
    (OZG)"). Written with the text's entries (`search.indexing`), so a text that no longer
    defines the pair takes it away; the curated and the editors' synonym groups take
    precedence."""

    source = models.CharField(max_length=64, db_index=True)
    abbreviation = models.CharField(_("Abkürzung"), max_length=20)
    long_form = models.CharField(_("Langform"), max_length=SYNONYM_TERM_MAX_LENGTH)

    class Meta:
        verbose_name = _("Gelernte Abkürzung")
        verbose_name_plural = _("Gelernte Abkürzungen")
        ordering = ["abbreviation", "long_form"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "abbreviation", "long_form"],
                name="search_learned_abbreviation_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} ↔ {self.long_form}"

    @admin.display(description=_("Gelernt aus"))
    def source_title(self) -> str:
        """The title of the text that defines the pair, as the index holds it."""
        entry = SearchEntry.objects.filter(source=self.source).order_by("entry_id").first()
        return entry.title if entry else self.source


def _term_errors(term: str) -> list[str]:
    errors = []
    if len(term) > SYNONYM_TERM_MAX_LENGTH:
        errors.append(
            _("„%(term)s…“ ist zu lang (höchstens %(count)d Zeichen).")
            % {"term": term[:30], "count": SYNONYM_TERM_MAX_LENGTH}
        )
    elif not _SYNONYM_TERM_RE.match(term):
        errors.append(
            _(
                "„%(term)s“ enthält unzulässige Zeichen. Erlaubt sind Buchstaben, Ziffern, "
                "Leerzeichen sowie . - / & und Apostroph."
            )
            % {"term": term}
        )
    elif len(term.split()) > SYNONYM_TERM_MAX_WORDS:
        errors.append(
            _("„%(term)s“ hat mehr als %(count)d Wörter.")
            % {"term": term, "count": SYNONYM_TERM_MAX_WORDS}
        )
    return errors


class Kind(models.TextChoices):
    PRACTICE = "practice", _("Praxisbeispiel")
    DOCUMENT = "document", _("Dokument")
    COURSE = "course", _("Impuls")
    SESSION = "session", _("Termin")
    MESSAGE = "message", _("Nachricht")
    QUESTION = "question", _("Frage")
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
            # The vector matrices' stamp asks for the newest write every second
            # (search.backends.vector_matrix): without the index, a scan of every entry.
            models.Index(fields=["indexed_at"], name="search_entry_indexed_at"),
        ]

    def __str__(self) -> str:
        return self.entry_id


class EntryVector(models.Model):
    """The meaning of one passage of an entry (`search.embedding`): a float32 vector of the
    passage's text. Keyed by the entry's id string, not by a foreign key: a refresh deletes
    and recreates the entries of a source, and a passage whose text is unchanged keeps its
    vector (`text_hash`) instead of being embedded again. Vectors of entries that are gone are
    deleted by `search.vectors`."""

    entry_id = models.CharField(max_length=80)
    passage = models.PositiveSmallIntegerField()
    text_hash = models.CharField(max_length=32)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry_id", "passage"], name="search_one_vector_per_passage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.passage}"


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
    "Meinten Sie …?" and for autocomplete. Its own token (`analysis.word_token`) tells which
    typed words Elasticsearch takes as spelt right (`search.vocabulary.mistypable_tokens`)."""

    word = models.CharField(max_length=100, unique=True)
    token = models.CharField(max_length=100, blank=True, db_index=True)
    document_frequency = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Suchbegriff")
        verbose_name_plural = _("Suchbegriffe")

    def __str__(self) -> str:
        return self.word

    @classmethod
    def of(cls, word: str, document_frequency: int = 0) -> Term:
        """An unsaved vocabulary word with its token."""
        return cls(
            word=word, token=analysis.word_token(word), document_frequency=document_frequency
        )


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


class PendingRefresh(models.Model):
    """A new channel message whose entries the next background batch adds (`search.pending`).
    One row per source: noting it again only moves `noted_at` on."""

    source = models.CharField(max_length=80, unique=True)
    noted_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Noch nicht indexierte Nachricht")
        verbose_name_plural = _("Noch nicht indexierte Nachrichten")

    def __str__(self) -> str:
        return self.source


class SearchGap(models.Model):
    """A query that found nothing or little, counted per week for the editors' report
    "Inhaltslücken". Who asked is never stored: no user, address or session, only the
    normalised text, the week and how many searches found how much."""

    query = models.CharField(_("Suchanfrage"), max_length=200)
    week = models.DateField(_("Woche"), help_text=_("Der Montag der Woche."))
    count = models.PositiveIntegerField(_("Anzahl"), default=0)
    result_count = models.PositiveIntegerField(_("Treffer"), default=0)

    class Meta:
        verbose_name = _("Inhaltslücke")
        verbose_name_plural = _("Inhaltslücken")
        ordering = ["-week", "-count", "query"]
        constraints = [
            models.UniqueConstraint(fields=["query", "week"], name="search_gap_query_week")
        ]
        indexes = [models.Index(fields=["week"], name="search_gap_week")]

    def __str__(self) -> str:
        return self.query
