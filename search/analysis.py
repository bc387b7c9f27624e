"""Temporary stand-in for the German analysis chain (Contract A); replaced by the
search-analysis branch on merge. Plain Unicode-aware lowercase word tokens."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_PART = re.compile(r'"([^"]+)"|(\S+)')


def _tokens(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def index_tokens(text: str) -> list[str]:
    return _tokens(text)


def query_tokens(text: str) -> list[str]:
    return _tokens(text)


@dataclass(frozen=True)
class QueryPart:
    text: str
    alternatives: tuple[str, ...] = ()


def expand_query(text: str) -> list[QueryPart]:
    parts = []
    for match in _PART.finditer(text):
        part = match.group(1) or match.group(2)
        if _tokens(part):
            parts.append(QueryPart(text=part, alternatives=()))
    return parts


def elasticsearch_index_settings() -> dict:
    return {
        "analysis": {
            "analyzer": {
                "kollegium_german_index": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase"],
                },
                "kollegium_german_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase"],
                },
            }
        }
    }


# The real module names "german"; the test node has no analysis-common until the test plugin
# of the analysis branch lands, so the stand-in uses an analyzer the node has.
BASELINE_ANALYZER = "standard"
