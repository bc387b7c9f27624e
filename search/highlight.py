"""Snippets with the matching words marked, computed on the original text.

A word is marked when the analysis chain turns it into a token the query asked for, so
"Bürgerbeteiligung" lights up for "Beteiligung" exactly when it was found for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.analysis import index_tokens

SNIPPET_LENGTH = 240
_WORD = re.compile(r"\w+(?:[-*:/]\w+)*")


@lru_cache(maxsize=20_000)
def _word_tokens(word: str) -> frozenset[str]:
    return frozenset(index_tokens(word))


def _matches(text: str, tokens: frozenset[str]) -> list[tuple[int, int]]:
    if not tokens:
        return []
    return [match.span() for match in _WORD.finditer(text) if _word_tokens(match.group()) & tokens]


def _window(text: str, spans: list[tuple[int, int]], length: int) -> tuple[int, int]:
    """The stretch of `length` characters holding the most matches, starting at a word."""
    if len(text) <= length:
        return 0, len(text)
    best_start, best_count = 0, 0
    for start, _end in spans:
        begin = max(0, start - length // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + length)
        if count > best_count:
            best_start, best_count = begin, count
    if best_start:
        space = text.rfind(" ", 0, best_start + 1)
        best_start = space + 1 if space > best_start - 30 else best_start
    end = min(len(text), best_start + length)
    if end < len(text):
        space = text.rfind(" ", best_start, end)
        end = space if space > best_start + length // 2 else end
    return best_start, end


def highlight(text: str, tokens: frozenset[str], *, length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped excerpt of `text` around the matches, each match in <mark>."""
    text = " ".join(text.split())
    spans = _matches(text, tokens)
    start, end = _window(text, spans, length)
    pieces = ["… " if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above
