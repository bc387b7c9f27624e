"""The vocabulary of the indexed texts (`search.models.Term`): which words it counts, and
which of a query's words it knows."""

from __future__ import annotations

import re
from collections.abc import Iterable

from search.models import Term
from search.query import Clause, typed_tokens

# A word of the vocabulary ("Meinten Sie …?", autocomplete, typo tolerance): letters only, so
# "KI-Verordnung" holds the word "verordnung".
VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")
_WORD_WITH_PUNCTUATION = re.compile(rf"\W*({VOCABULARY_WORD.pattern})\W*")


def vocabulary_word(text: str) -> str | None:
    """`text` without the punctuation around it, if that is one word as the vocabulary counts
    words ("Bürgeramt?" -> "Bürgeramt"; "E-Akte" and "2024" are none)."""
    match = _WORD_WITH_PUNCTUATION.fullmatch(text)
    return match.group(1) if match else None


def known_tokens(tokens: Iterable[str]) -> set[str]:
    """Those of the `tokens` that are the own token of a vocabulary word, in one lookup."""
    tokens = set(tokens)
    if not tokens:
        return set()
    return set(Term.objects.filter(token__in=tokens).values_list("token", flat=True).distinct())


def mistypable_tokens(clauses: list[Clause]) -> frozenset[str]:
    """The tokens of the typed words that may hold a typo (`typed_tokens`): those that are no
    vocabulary word's own token. A known token is taken as typed, in whatever inflection the
    word was typed ("Stellenanzeige" where the texts say "Stellenanzeigen"): looking for its
    near spellings as well found near words rather than typos, and cost Elasticsearch most of
    a long query's time."""
    typed = typed_tokens(clauses)
    return frozenset(typed - known_tokens(typed))
