"""Whether a phrase (a profile tag, a course or article title) speaks of what a text asks.

Matching runs the German search chain (`search.analysis`), so a tag meets the question in the
words the index would: "Bürgerbeteiligung" matches "Beteiligung der Bürger" (the compound's
parts are both there) and "Beteiligung der Bürger" matches "Bürgerbeteiligung im Quartier"
(the compound's tokens hold both words).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from search.analysis import QueryWord, compose_text, index_tokens, query_word

# A title speaks of the question when this many of its words are in it (or all, if fewer).
TITLE_WORDS_NEEDED = 2


@dataclass(frozen=True)
class TextTokens:
    """The analysed tokens of a text, as the index would store them."""

    tokens: frozenset[str]

    @classmethod
    def of(cls, *texts: str) -> TextTokens:
        return cls(frozenset(index_tokens(" ".join(texts))))

    def has(self, word: QueryWord) -> bool:
        """The word's own token, or all of its compound parts together."""
        return word.token in self.tokens or (
            bool(word.parts) and self.tokens.issuperset(word.parts)
        )


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
    """Every word of a short phrase (a tag) is in the text."""
    words = list(words)
    return bool(words) and all(text.has(word) for word in words)


def title_matches(words: Iterable[QueryWord], text: TextTokens) -> bool:
    """Enough of a title's words are in the text: all of a short title, else at least
    `TITLE_WORDS_NEEDED`."""
    words = list(words)
    found = sum(1 for word in words if text.has(word))
    return bool(words) and found >= min(len(words), TITLE_WORDS_NEEDED)
