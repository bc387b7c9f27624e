"""The user's query as every backend understands it: clauses that must all match, each met by
any of its alternatives (the words as typed, or a synonym from the editors' list)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from search.analysis import (
    expand_query,
    query_tokens,
    split_word_delimiters,
    whitespace_tokens,
)

# Longer queries are cut; nobody types more, and the analysis cost grows with the length.
MAX_QUERY_LENGTH = 500
# More clauses than this add nothing but cost; the rest of the query is ignored.
MAX_CLAUSES = 32


# One query word as the index sees it: options (any may match), each option a conjunction
# of token groups (all must match), each group tokens at one position (any may match).
# "Datenportal" is one option of one group {datenportal, dat, portal}: the compound parts
# stand at the word's position as alternatives, as in Elasticsearch's token graph.
# "E-Akte" has two options: the joined form {eakt, akt}, or {e} and {akt} together.
WordMatch = tuple[tuple[tuple[str, ...], ...], ...]


@dataclass(frozen=True)
class Alternative:
    text: str
    words: tuple[WordMatch, ...]
    phrase: bool

    @property
    def phrase_tokens(self) -> tuple[str, ...]:
        """One token per word, its full form, for phrase matching."""
        return tuple(word[0][0][0] for word in self.words)


@dataclass(frozen=True)
class Clause:
    text: str
    alternatives: tuple[Alternative, ...]


def _group(piece: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(query_tokens(piece)))


def word_match(raw: str) -> WordMatch | None:
    """How one whitespace-separated word of a query must appear; None for stop words and
    punctuation."""
    pieces = split_word_delimiters(raw)
    joined = len(pieces) > 1 and pieces[0] == "".join(pieces[1:])
    parts = pieces[1:] if joined else pieces
    options = []
    if joined and (group := _group(pieces[0])):
        options.append((group,))
    groups = tuple(group for group in (_group(part) for part in parts) if group)
    if groups:
        options.append(groups)
    return tuple(options) or None


def _alternative(text: str, *, phrase: bool) -> Alternative | None:
    words = []
    for raw in whitespace_tokens(text):
        match = word_match(raw)
        if match is not None:
            words.append(match)
    if not words:
        return None
    return Alternative(text, tuple(words), phrase and len(words) > 1)


def parse(text: str) -> list[Clause]:
    """Clauses of the query; [] when nothing searchable is left (only punctuation, say)."""
    clauses = []
    for part in expand_query(text[:MAX_QUERY_LENGTH]):
        alternatives = []
        for index, raw in enumerate((part.text, *part.alternatives)):
            # The user's own words in quotes are a phrase; a synonym's words need only all
            # appear.
            alternative = _alternative(raw, phrase=index == 0 and len(part.text.split()) > 1)
            if alternative is not None:
                alternatives.append(alternative)
        if alternatives:
            clauses.append(Clause(part.text, tuple(alternatives)))
    return clauses[:MAX_CLAUSES]


def full_form(clause: Clause) -> Clause:
    """The clause as typed, without synonyms or compound parts: whether the word itself
    occurs, which is what "Meinten Sie …?" asks."""
    alternative = clause.alternatives[0]
    words = tuple(((word[0][0][:1],),) for word in alternative.words)
    return Clause(clause.text, (Alternative(alternative.text, words, phrase=False),))


def all_tokens(clauses: list[Clause]) -> frozenset[str]:
    return frozenset(
        token
        for clause in clauses
        for alternative in clause.alternatives
        for word in alternative.words
        for option in word
        for group in option
        for token in group
    )


# A boolean formula over tokens: a token, a phrase, or all / any of its parts.
Formula = Union[str, "Phrase", "AllOf", "AnyOf"]


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Formula, ...]


def _combine(kind: type[AllOf] | type[AnyOf], parts: list[Formula]) -> Formula:
    """`parts` joined by `kind`, nested joins of the same kind flattened and repeats dropped.
    Any-of also drops all-of parts that contain one of its own tokens (a or (a and b) is a):
    a compound's parts and its synonyms repeat words, and every repeated or redundant term is
    evaluated again for each matched row when the database scores it."""
    flat: list[Formula] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, kind) else (part,))
    unique = list(dict.fromkeys(flat))
    if kind is AnyOf:
        tokens = {part for part in unique if isinstance(part, str)}
        unique = [
            part
            for part in unique
            if not (isinstance(part, AllOf) and tokens.intersection(part.parts))
        ]
    return unique[0] if len(unique) == 1 else kind(tuple(unique))


def formula(clauses: list[Clause], *, require_all: bool = True) -> Formula:
    """What a document must contain to match: every clause (or, with `require_all` false, any
    clause), each met by one of its alternatives."""

    def word(match: WordMatch) -> Formula:
        return _combine(
            AnyOf,
            [
                _combine(AllOf, [_combine(AnyOf, list(group)) for group in option])
                for option in match
            ],
        )

    def alternative(alt: Alternative) -> Formula:
        if alt.phrase:
            return Phrase(alt.phrase_tokens)
        return _combine(AllOf, [word(match) for match in alt.words])

    clause_formulas = [
        _combine(AnyOf, [alternative(alt) for alt in clause.alternatives]) for clause in clauses
    ]
    return _combine(AllOf if require_all else AnyOf, clause_formulas)


def _render(item: Formula, *, quote, conjunction: str, disjunction: str, phrase) -> str:
    if isinstance(item, str):
        return quote(item)
    if isinstance(item, Phrase):
        return phrase(item.tokens)
    parts = [
        _render(part, quote=quote, conjunction=conjunction, disjunction=disjunction, phrase=phrase)
        for part in item.parts
    ]
    return "(" + (conjunction if isinstance(item, AllOf) else disjunction).join(parts) + ")"


def fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_expression(clauses: list[Clause], *, require_all: bool = True) -> str:
    """An FTS5 MATCH expression; every token is a quoted string, so no user input is read as
    FTS syntax."""
    return _render(
        formula(clauses, require_all=require_all),
        quote=fts5_string,
        conjunction=" AND ",
        disjunction=" OR ",
        phrase=lambda tokens: fts5_string(" ".join(tokens)),
    )


def tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(clauses: list[Clause], *, require_all: bool = True) -> str:
    """Text for PostgreSQL's to_tsquery('simple', …); every token is a quoted lexeme."""
    return _render(
        formula(clauses, require_all=require_all),
        quote=tsquery_lexeme,
        conjunction=" & ",
        disjunction=" | ",
        phrase=lambda tokens: "(" + " <-> ".join(tsquery_lexeme(t) for t in tokens) + ")",
    )
