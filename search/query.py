"""The user's query as every backend understands it: clauses, each met by any of its
alternatives (the words as typed, or a synonym from the editors' list), of which a text must
meet at least half and ranks higher the more it meets."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple, TypeVar, Union

from search.analysis import (
    expand_query,
    is_abbreviation,
    query_tokens,
    query_word,
    split_word_delimiters,
    whitespace_tokens,
)

# Longer queries are cut; nobody types more, and the analysis cost grows with the length.
MAX_QUERY_LENGTH = 500
# More clauses than this add nothing but cost; the rest of the query is ignored.
MAX_CLAUSES = 32


# A boolean formula over tokens: a token, a phrase, or all / any of its parts.
Formula = Union[str, "Phrase", "AllOf", "AnyOf"]


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]
    # As typed, for Elasticsearch, which reads stop-word gaps from its own analysis.
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Formula, ...]


_Join = TypeVar("_Join", AllOf, AnyOf)


@dataclass(frozen=True)
class Word:
    """One whitespace-separated query word: its own token, which a phrase and "Meinten Sie
    …?" look for, and what a document must contain to match it. "Datenportal" matches
    "datenportal" or both "dat" and "portal"; "E-Akte" matches "eakt" or "akt" (the joined
    form's part), or "e" and "akt" together. `relaxed` also lets a compound's head stand in
    for it ("portal"), for when the query finds too little."""

    token: str
    match: Formula
    relaxed: Formula


@dataclass(frozen=True)
class Alternative:
    text: str
    words: tuple[Word, ...]
    phrase: bool
    # A synonym's words written as one ("Bürger Service" -> "burgerservic"), which meets the
    # clause as well as the phrase does.
    joined: str | None = None

    @property
    def phrase_tokens(self) -> tuple[str, ...]:
        return tuple(word.token for word in self.words)


@dataclass(frozen=True)
class Clause:
    text: str
    alternatives: tuple[Alternative, ...]


class _PieceMatch(NamedTuple):
    token: str
    strict: Formula
    relaxed: Formula


def _piece_match(piece: str) -> _PieceMatch | None:
    word = query_word(piece)
    if word is None:
        return None
    strict: Formula = word.token
    if word.parts:
        strict = _combine(AnyOf, [word.token, _combine(AllOf, list(word.parts))])
    relaxed = _combine(AnyOf, [strict, word.head]) if word.head else strict
    return _PieceMatch(word.token, strict, relaxed)


def word_match(raw: str) -> Word | None:
    """How one whitespace-separated word of a query must appear; None for stop words and
    punctuation."""
    pieces = split_word_delimiters(raw)
    joined = len(pieces) > 1 and pieces[0] == "".join(pieces[1:])
    matches = [_piece_match(piece) for piece in pieces]
    found = [match for match in matches if match is not None]
    if not found:
        return None
    if joined and matches[0] is not None:
        # The joined form ("EAkte"), or its words together ("E" and "Akte").
        whole, words = found[0], found[1:]
        if not words:
            return Word(whole.token, whole.strict, whole.relaxed)
        return Word(
            whole.token,
            _combine(AnyOf, [whole.strict, _combine(AllOf, [w.strict for w in words])]),
            _combine(AnyOf, [whole.relaxed, _combine(AllOf, [w.relaxed for w in words])]),
        )
    return Word(
        found[0].token,
        _combine(AllOf, [match.strict for match in found]),
        _combine(AllOf, [match.relaxed for match in found]),
    )


def _alternative(text: str, *, phrase: bool) -> Alternative | None:
    words = []
    for raw in whitespace_tokens(text):
        match = word_match(raw)
        if match is not None:
            words.append(match)
    if not words:
        return None
    return Alternative(text, tuple(words), phrase and len(words) > 1)


def _long_form(text: str) -> Alternative | None:
    """An abbreviation's long form as a query must meet it: a name of several words stands
    together, as a phrase (its words stemmed, so "kommunalen Wärmeagentur" meets "Kommunale
    Wärmeagentur") or written as one word ("Bürger Service", "Bürgerservice"). Its words
    anywhere in a text would find every text that shares the name's common words
    ("Bundesamt für Sicherheit in der Informationstechnik" for "BSI": every "Sicherheit")."""
    alternative = _alternative(text, phrase=True)
    if alternative is None or not alternative.phrase:
        return alternative
    pieces = whitespace_tokens(text)
    whole = query_word("".join(pieces)) if all(piece.isalpha() for piece in pieces) else None
    return replace(alternative, joined=whole.token if whole is not None else None)


def parse(text: str) -> list[Clause]:
    """Clauses of the query; [] when nothing searchable is left (only punctuation, say)."""
    clauses = []
    for part in expand_query(text[:MAX_QUERY_LENGTH]):
        # The user's own words in quotes (or a multi-word synonym term) are a phrase; the
        # long forms of an abbreviation must keep together, other synonyms' words need only
        # all appear.
        first = _alternative(part.text, phrase=len(part.text.split()) > 1)
        if is_abbreviation(part.text):
            synonyms = [_long_form(raw) for raw in part.alternatives]
        else:
            synonyms = [_alternative(raw, phrase=False) for raw in part.alternatives]
        alternatives = [alt for alt in (first, *synonyms) if alt is not None]
        if alternatives:
            clauses.append(Clause(part.text, tuple(alternatives)))
    return clauses[:MAX_CLAUSES]


def full_form(clause: Clause) -> Clause:
    """The clause as typed, without synonyms or compound parts: whether the word itself
    occurs, which is what "Meinten Sie …?" asks."""
    alternative = clause.alternatives[0]
    words = tuple(Word(word.token, word.token, word.token) for word in alternative.words)
    return Clause(clause.text, (Alternative(alternative.text, words, phrase=False),))


def _formula_tokens(item: Formula) -> Iterator[str]:
    if isinstance(item, str):
        yield item
    elif isinstance(item, Phrase):
        yield from item.tokens
    else:
        for part in item.parts:
            yield from _formula_tokens(part)


def typed_tokens(clauses: list[Clause]) -> frozenset[str]:
    """The own token of every word the user typed, without compound parts, heads or
    synonyms: the only tokens a typo can be in. Parts and synonyms come from the editors'
    lists, which are spelt right."""
    return frozenset(
        token
        for clause in clauses
        for alternative in clause.alternatives[:1]
        if alternative.text == clause.text
        for token in alternative.phrase_tokens
    )


def all_tokens(clauses: list[Clause]) -> frozenset[str]:
    return frozenset(
        token
        for clause in clauses
        for alternative in clause.alternatives
        for word in alternative.words
        for token in _formula_tokens(word.relaxed)
    )


def _combine(kind: type[_Join], parts: list[Formula]) -> Formula:
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


@dataclass(frozen=True)
class Breadth:
    """How much of the query a document must meet: most of its clauses (at least half) or any
    one, and whether a compound's head alone stands in for a word. Documents meeting more
    clauses rank first, whichever breadth found them."""

    most: bool = True
    heads: bool = False


STRICT = Breadth()

# With fewer matches than this, a query is asked again more broadly.
BROADEN_BELOW = 10


def required(clauses: list[Clause], breadth: Breadth = STRICT) -> int:
    """How many clauses a document must meet: half of them rounded up, so that one text holding
    every word does not shut out the texts holding most of them, yet a long question's single
    common word does not match on its own."""
    if not breadth.most:
        return min(1, len(clauses))
    return (len(clauses) + 1) // 2


def clause_formula(clause: Clause, breadth: Breadth = STRICT) -> Formula:
    """What a document must contain to meet one clause: any of its alternatives."""

    def alternative(alt: Alternative) -> Formula:
        if alt.phrase:
            phrase = Phrase(alt.phrase_tokens, alt.text)
            return _combine(AnyOf, [phrase, alt.joined]) if alt.joined else phrase
        return _combine(
            AllOf, [word.relaxed if breadth.heads else word.match for word in alt.words]
        )

    return _combine(AnyOf, [alternative(alt) for alt in clause.alternatives])


def formula(clauses: list[Clause], breadth: Breadth = STRICT) -> Formula:
    """What a document must contain to be a candidate: every clause when all are required,
    otherwise any of them (the backends then count the clauses met, `required`)."""
    parts = [clause_formula(clause, breadth) for clause in clauses]
    if required(clauses, breadth) == len(clauses):
        return _combine(AllOf, parts)
    return _combine(AnyOf, parts)


# Beyond this many clauses the candidate condition's windows cost the index more than they save.
WINDOWED_CLAUSES = 12
# Up to this many windows the condition names every set of clauses a candidate must touch.
ALL_WINDOWS = 20


def candidate_formula(clauses: list[Clause], breadth: Breadth = STRICT) -> Formula:
    """`formula` as a tighter condition the full-text index can answer before a row is read.
    A text meeting `required` of n clauses meets at least one in every n - required + 1 of
    them, so every such window of clauses must hold one: exactly "at least `required`" when
    every window is named, and with the n consecutive (cyclic) windows for longer queries still
    no text that meets one clause alone. The backend counts the clauses met as before; this
    only spares it the texts that share a single common word with a long question."""
    parts = [clause_formula(clause, breadth) for clause in clauses]
    count = len(parts)
    needed = required(clauses, breadth)
    if needed in (1, count) or count > WINDOWED_CLAUSES:
        return formula(clauses, breadth)
    size = count - needed + 1
    if math.comb(count, size) <= ALL_WINDOWS:
        windows = [list(window) for window in itertools.combinations(parts, size)]
    else:
        cyclic = parts + parts
        windows = [cyclic[start : start + size] for start in range(count)]
    return _combine(AllOf, [_combine(AnyOf, window) for window in windows])


def broader(clauses: list[Clause], breadth: Breadth, total: int) -> Breadth | None:
    """How to ask again after `total` matches, or None to keep them. Too few: with compound
    heads standing in ("Bürgerbeteiligung" then also finds "Jugendbeteiligung"). Nothing with
    most of the words: for any of them, first without heads, which would flood a question such
    as "Wie verkürzen wir Wartezeiten im Bürgeramt?" with every "Amt"."""
    if not breadth.heads and total < BROADEN_BELOW:
        with_heads = replace(breadth, heads=True)
        if formula(clauses, with_heads) != formula(clauses, breadth):
            return with_heads
    if breadth.most and not total and required(clauses, breadth) > 1:
        return Breadth(most=False)
    return None


def reachable(clauses: list[Clause], start: Breadth = STRICT) -> list[Breadth]:
    """Every breadth the query may be asked at, in the order `broader` tries them: the steps
    it takes when nothing matches, which are all the steps there are."""
    steps = [start]
    while (wider := broader(clauses, steps[-1], 0)) is not None:
        steps.append(wider)
    return steps


def settled(clauses: list[Clause], start: Breadth, total_at: Callable[[Breadth], int]) -> Breadth:
    """The breadth to answer at: from `start`, broader while `broader` asks for it.
    `total_at` gives a breadth's number of matches; counting up to BROADEN_BELOW is enough."""
    breadth = start
    while (wider := broader(clauses, breadth, total_at(breadth))) is not None:
        breadth = wider
    return breadth


def indexed_sequence(phrase: Phrase) -> tuple[str, ...]:
    """A phrase's tokens as the database index holds them, compound parts included: it stores
    a compound's parts right after the compound, so only the whole sequence is adjacent there
    ("kommunal warmeagentur warm agentur nord"). A part that repeats its compound's token
    ("elektronisch" in "elektronische") is asked once: the stored pair holds it adjacently
    anyway. Elasticsearch stacks the parts on the compound's position and analyses `text`
    itself."""
    if not phrase.text:
        return phrase.tokens
    tokens = query_tokens(phrase.text)
    return tuple(
        token for index, token in enumerate(tokens) if not index or token != tokens[index - 1]
    )


def _render(
    item: Formula,
    *,
    quote: Callable[[str], str],
    conjunction: str,
    disjunction: str,
    phrase: Callable[[tuple[str, ...]], str],
) -> str:
    if isinstance(item, str):
        return quote(item)
    if isinstance(item, Phrase):
        return phrase(indexed_sequence(item))
    parts = [
        _render(part, quote=quote, conjunction=conjunction, disjunction=disjunction, phrase=phrase)
        for part in item.parts
    ]
    return "(" + (conjunction if isinstance(item, AllOf) else disjunction).join(parts) + ")"


def fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_expression(clauses: list[Clause], breadth: Breadth = STRICT) -> str:
    """An FTS5 MATCH expression; every token is a quoted string, so no user input is read as
    FTS syntax."""
    return _render(
        formula(clauses, breadth),
        quote=fts5_string,
        conjunction=" AND ",
        disjunction=" OR ",
        phrase=lambda tokens: fts5_string(" ".join(tokens)),
    )


def tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(
    clauses: list[Clause], breadth: Breadth = STRICT, *, candidates: bool = False
) -> str:
    """Text for PostgreSQL's to_tsquery('simple', …); every token is a quoted lexeme. With
    `candidates`, the index's condition (`candidate_formula`) rather than the match formula."""
    return _render(
        (candidate_formula if candidates else formula)(clauses, breadth),
        quote=tsquery_lexeme,
        conjunction=" & ",
        disjunction=" | ",
        phrase=lambda tokens: "(" + " <-> ".join(tsquery_lexeme(t) for t in tokens) + ")",
    )
