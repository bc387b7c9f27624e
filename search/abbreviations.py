"""Abbreviations learned from the indexed texts: "Onlinezugangsgesetz (OZG)" and
"OZG (Onlinezugangsgesetz)" teach that OZG stands for Onlinezugangsgesetz.

The long form is found as Schwartz and Hearst (2003) find it: the abbreviation's letters, read
from the end, must appear in order in the words before the parenthesis, the first letter at the
start of a word, within a window of words that grows with the abbreviation's length. The pairs
act as synonym groups at query time (`search.analysis.expand_query`), below the curated and the
editors' groups.
"""

from __future__ import annotations

import re

from search.models import SYNONYM_TERM_MAX_LENGTH, SYNONYM_TERM_MAX_WORDS

# Two to ten letters or digits, with at least two capitals ("OZG", "TVöD", "EfA", "BITV 2.0" is
# written "BITV"): what German texts put in parentheses as a short form.
_ABBREVIATION = r"[A-ZÄÖÜ][A-Za-zÄÖÜäöüß0-9\-]{1,9}"
_WORD = r"[^\W\d_][\w\-]*"
# Up to the longest synonym term of words, each starting a word, separated by blanks.
_NAME = rf"(?<![\w\-])(?:{_WORD}[ \t]+){{0,{SYNONYM_TERM_MAX_WORDS - 1}}}{_WORD}"
_LONG_THEN_SHORT = re.compile(rf"({_NAME})[ \t]+\(({_ABBREVIATION})\)")
_SHORT_THEN_LONG = re.compile(rf"(?<![\w\-])({_ABBREVIATION})[ \t]+\(({_NAME})\)")


def _is_abbreviation(text: str) -> bool:
    return sum(1 for char in text if char.isupper()) >= 2


def _long_form(short: str, words: list[str]) -> str | None:
    """The shortest run of trailing `words` that spells `short` (Schwartz and Hearst)."""
    letters = [char.lower() for char in short if char.isalnum()]
    if not letters or letters[0].isdigit():
        return None
    window = min(len(letters) + 5, 2 * len(letters))
    candidate = " ".join(words[-window:])
    short_index, long_index = len(letters) - 1, len(candidate) - 1
    while short_index >= 0:
        char = letters[short_index]
        while long_index >= 0 and (
            candidate[long_index].lower() != char
            or (short_index == 0 and long_index > 0 and candidate[long_index - 1] not in " -")
        ):
            long_index -= 1
        if long_index < 0:
            return None
        long_index -= 1
        short_index -= 1
    start = candidate.rfind(" ", 0, long_index + 1) + 1
    return candidate[start:]


def _pair(short: str, long_words: list[str]) -> tuple[str, str] | None:
    if not _is_abbreviation(short):
        return None
    long_form = _long_form(short, long_words)
    if long_form is None:
        return None
    if (
        len(long_form) <= len(short)
        or len(long_form) > SYNONYM_TERM_MAX_LENGTH
        or long_form.isupper()
        or long_form[0].lower() != short[0].lower()
    ):
        return None
    return short, long_form


def abbreviation_pairs(text: str) -> set[tuple[str, str]]:
    """(abbreviation, long form) pairs that the text defines."""
    pairs = set()
    for match in _LONG_THEN_SHORT.finditer(text):
        pair = _pair(match.group(2), match.group(1).split())
        if pair:
            pairs.add(pair)
    for match in _SHORT_THEN_LONG.finditer(text):
        words = match.group(2).split()
        pair = _pair(match.group(1), words)
        # The whole parenthesis must be the long form, not only its last words.
        if pair and pair[1] == " ".join(words):
            pairs.add(pair)
    return pairs
