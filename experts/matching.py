"""Whether a phrase (a profile tag, a course or article title) speaks of what a text asks.

Matching runs the German search chain (`search.analysis`), so a tag meets the question in the
words the index would: "Bürgerbeteiligung" matches "Beteiligung der Bürger" (the compound's
parts are both there) and "Beteiligung der Bürger" matches "Bürgerbeteiligung im Quartier"
(the compound's tokens hold both words).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from search.analysis import (
    QueryWord,
    compose_text,
    index_tokens,
    light_stem,
    normalize_word,
    query_word,
    split_word_delimiters,
)

# A title speaks of the question when this many of its words are in it (or all, if fewer).
TITLE_WORDS_NEEDED = 2


@dataclass(frozen=True)
class TextTokens:
    """A text as the index stores it (`tokens`, compound parts included) and its whole words
    alone (`words`, stemmed, hyphenated words also in their parts: "E-Akte" is "eakt", "e" and
    "akt")."""

    tokens: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, *texts: str) -> TextTokens:
        text = compose_text(" ".join(texts))
        words = {
            light_stem(normalize_word(part))
            for piece in text.split()
            for part in split_word_delimiters(piece)
        }
        return cls(frozenset(index_tokens(text)), frozenset(words))

    def has(self, word: QueryWord) -> bool:
        """The word's own token, or all of its compound parts together, anywhere in the
        text's tokens: "Bürger" is in "Bürgerbeteiligung"."""
        return word.token in self.tokens or self._has_parts(word)

    def has_word(self, word: QueryWord) -> bool:
        """The word as a whole word of the text, or all of its compound parts: "Führung" is
        not in "Einführung", though the index finds the part there."""
        return word.token in self.words or self._has_parts(word)

    def _has_parts(self, word: QueryWord) -> bool:
        return bool(word.parts) and self.tokens.issuperset(word.parts)


def phrase_words(phrase: str) -> list[QueryWord]:
    """The phrase's words as the search matches query words, stop words left out; a hyphenated
    word counts as one ("E-Akte" as "EAkte", whose token the index stores as well)."""
    words = []
    for piece in compose_text(phrase).split():
        joined = "".join(char for char in piece if char.isalnum())
        word = query_word(joined) if joined else None
        if word is not None:
            words.append(word)
    return words


def phrase_matches(words: Iterable[QueryWord], text: TextTokens) -> bool:
    """Every word of a short phrase (a tag) is in the text. A one-word tag must stand as a word
    (or all its parts must); the words of a longer tag may also be compound parts of the text,
    so "Beteiligung der Bürger" matches "Bürgerbeteiligung"."""
    words = list(words)
    if len(words) == 1:
        return text.has_word(words[0])
    return bool(words) and all(text.has(word) for word in words)


def title_matches(words: Iterable[QueryWord], text: TextTokens) -> bool:
    """Enough of a title's words stand in the text as words: all of a short title, else at
    least `TITLE_WORDS_NEEDED`."""
    words = list(words)
    found = sum(1 for word in words if text.has_word(word))
    return bool(words) and found >= min(len(words), TITLE_WORDS_NEEDED)
