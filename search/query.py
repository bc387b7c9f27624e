"""The user's query as every backend understands it: clauses that must all match, each met by
any of its alternatives (the words as typed, or a synonym from the editors' list)."""

from __future__ import annotations

from dataclasses import dataclass

from search.analysis import expand_query, query_tokens

# Longer queries are cut; nobody types more, and the analysis cost grows with the length.
MAX_QUERY_LENGTH = 500
# More clauses than this add nothing but cost; the rest of the query is ignored.
MAX_CLAUSES = 32


@dataclass(frozen=True)
class Alternative:
    text: str
    tokens: tuple[str, ...]
    phrase: bool


@dataclass(frozen=True)
class Clause:
    text: str
    alternatives: tuple[Alternative, ...]


def parse(text: str) -> list[Clause]:
    """Clauses of the query; [] when nothing searchable is left (only punctuation, say)."""
    clauses = []
    for part in expand_query(text[:MAX_QUERY_LENGTH]):
        alternatives = []
        for index, alternative in enumerate((part.text, *part.alternatives)):
            tokens = tuple(query_tokens(alternative))
            if tokens:
                # The user's own words in quotes are a phrase; a synonym's words need only
                # all appear.
                phrase = index == 0 and len(part.text.split()) > 1
                alternatives.append(Alternative(alternative, tokens, phrase))
        if alternatives:
            clauses.append(Clause(part.text, tuple(alternatives)))
    return clauses[:MAX_CLAUSES]


def all_tokens(clauses: list[Clause]) -> frozenset[str]:
    return frozenset(
        token for clause in clauses for alt in clause.alternatives for token in alt.tokens
    )


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_expression(clauses: list[Clause], *, require_all: bool = True) -> str:
    """An FTS5 MATCH expression; every token is a quoted string, so no user input is read as
    FTS syntax."""
    groups = []
    for clause in clauses:
        options = []
        for alternative in clause.alternatives:
            if alternative.phrase:
                options.append(_fts5_string(" ".join(alternative.tokens)))
            else:
                options.append(
                    "(" + " AND ".join(_fts5_string(token) for token in alternative.tokens) + ")"
                )
        groups.append("(" + " OR ".join(options) + ")")
    return (" AND " if require_all else " OR ").join(groups)


def _tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(clauses: list[Clause], *, require_all: bool = True) -> str:
    """Text for PostgreSQL's to_tsquery('simple', …); every token is a quoted lexeme."""
    groups = []
    for clause in clauses:
        options = []
        for alternative in clause.alternatives:
            joiner = " <-> " if alternative.phrase else " & "
            options.append(
                "(" + joiner.join(_tsquery_lexeme(token) for token in alternative.tokens) + ")"
            )
        groups.append("(" + " | ".join(options) + ")")
    return (" & " if require_all else " | ").join(groups)
