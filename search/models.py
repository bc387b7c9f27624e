"""The editors' additions to the German analysis lists (see search/analysis.py).

The project's curated base lists live in `search/wordlists/` and are always in force; editors
extend them in the Wagtail admin. Word parts shape the index, so they apply after a rebuild;
synonyms are applied at query time and work at once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from search import analysis

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
        others = WordPart.objects.exclude(pk=self.pk).filter(normalized=self.normalized)
        if others.exists():
            raise ValidationError(
                {
                    "text": _("„%(text)s“ ist schon als „%(other)s“ eingetragen.")
                    % {"text": self.text, "other": others.first().text}
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
        errors = [message for term in terms for message in _term_errors(term)]
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
        existing: dict[tuple[str, ...], str] = {}
        for group in analysis.seed_synonym_groups():
            for term in group:
                existing[analysis.synonym_key(term)] = _("der Grundliste")
        for group in SynonymGroup.objects.exclude(pk=self.pk):
            for term in group.term_list():
                existing[analysis.synonym_key(term)] = f"„{group}“"
        return [
            _("„%(term)s“ steht schon in %(place)s.") % {"term": term, "place": existing[key]}
            for key, term in keys.items()
            if key in existing
        ]


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
