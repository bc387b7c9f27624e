"""Word parts learned from the indexed texts: a compound splitter that needs no list per word.

The curated word-part list (`search/wordlists/word_parts.txt` and the editors' additions) cannot
cover German administrative vocabulary. This splitter learns from the vocabulary of the index
itself, in the manner of Koehn and Knight (2003): a long word is split where every part is a word
the texts also use on its own (or a curated part), with the linking letters German puts between
parts ("Haushalts|plan", "Personen|kreis", "Kinder|garten") and the inflection of the last part
("Bürger|ämter") taken off. Parts that the texts only use inside compounds are learned from the
compounds themselves: a piece that stands before (or after) different known words is a part
("Vergabe" in "Vergabeverfahren" and "Vergabestelle").

The result is a list of word parts, not a split per word: Elasticsearch's dictionary
decompounder and the Python chain both take a word list (`search.analysis.GermanChain`), so the
learned parts reach both the same way and apply after a rebuild, like the editors' parts. The
decompounder finds a listed part anywhere inside a word, so a part is learned only when at
least two compounds share it, and not when the vocabulary shows it more often inside other
parts than as one ("teil" in "Beteiligung", "person" in "Personalrat").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

from search.analysis import LINKING_LETTERS, GermanChain, light_stem, normalize_word

# Learned parts are longer than curated ones may be: three-letter pieces ("rat", "ort", "tag")
# hide in too many words by chance, which is why the curated list leaves them out as well.
LEARNED_PART_MIN_LENGTH = 4
LEARNED_PART_MAX_LENGTH = 20
# Shorter words are rarely compounds of two parts of at least four letters.
SPLIT_MIN_LENGTH = 2 * LEARNED_PART_MIN_LENGTH
# A piece only seen inside compounds counts as a part after this many different compounds.
PIECE_MIN_COMPOUNDS = 2
MAX_PARTS = 4


# What stands before a verb form ("einge|führt", "bereitzu|stellen") is no word part.
_VERB_PREFIX_ENDINGS = ("ge", "zu")
# Linking elements and inflection endings a part may carry in a compound, longest first.
_ENDINGS = ("ens", "ern", "es", "en", "er", "ns", "s", "n", "e")


class CompoundSplitter:
    """Splits normalised words into parts known from a vocabulary (word -> frequency)."""

    def __init__(
        self,
        vocabulary: Mapping[str, int],
        curated: Iterable[str] = (),
        stopwords: Iterable[str] = (),
    ) -> None:
        self.stopwords = frozenset(stopwords)
        self.curated = frozenset(curated)
        # Known forms as written (normalised), not stems: a stem would make "dien" of
        # "Dienstanweisung" a known word ("dienst" stems to "dien").
        self.frequency: Counter[str] = Counter()
        for word, count in vocabulary.items():
            if len(word) >= LEARNED_PART_MIN_LENGTH and word not in self.stopwords:
                self.frequency[word] += count
        # A curated part is as good as a word seen often.
        top = max(self.frequency.values(), default=1)
        for part in self.curated:
            self.frequency[part] = max(self.frequency[part], top)
        self._learn_pieces(vocabulary)

    def _known(self, part: str) -> int:
        """The frequency standing for this piece of a word, 0 if it is no known word: the word
        itself, or with a linking element or inflection ending taken off ("haushalts",
        "personen", "amter"), or without the final "e" a modifier drops ("schul")."""
        if part in self.stopwords:
            return 0
        frequency = self.frequency
        if part in frequency:
            return frequency[part]
        for ending in _ENDINGS:
            base = part[: -len(ending)]
            if part.endswith(ending) and len(base) >= LEARNED_PART_MIN_LENGTH and base in frequency:
                return frequency[base]
        return frequency.get(part + "e", 0)

    def _learn_pieces(self, vocabulary: Mapping[str, int]) -> None:
        """Pieces that stand before or after different known words are parts. Partners are
        counted by stem, so that the inflected forms of one compound ("Warteschlange",
        "Warteschlangen") do not make "wartesch" a part."""
        partners: dict[str, set[str]] = {}
        for word in vocabulary:
            if len(word) < SPLIT_MIN_LENGTH:
                continue
            for cut in range(LEARNED_PART_MIN_LENGTH, len(word) - LEARNED_PART_MIN_LENGTH + 1):
                left, right = word[:cut], word[cut:]
                known_left, known_right = self._known(left), self._known(right)
                if known_right and not known_left and not left.endswith(_VERB_PREFIX_ENDINGS):
                    partners.setdefault(left, set()).add(light_stem(right))
                elif known_left and not known_right and not self._linked(word, cut):
                    partners.setdefault(right, set()).add(light_stem(left))
        for piece, stems in partners.items():
            if len(stems) >= PIECE_MIN_COMPOUNDS:
                self.frequency[piece] = max(self.frequency[piece], len(stems))

    def _linked(self, word: str, cut: int) -> bool:
        """Whether the known part before `cut` goes on with a linking element: then the piece
        after it starts with that element ("abwägung|stabelle" is "abwägungs|tabelle")."""
        return any(self._known(word[: cut + extra]) for extra in (1, 2))

    def parts(self, word: str) -> tuple[str, ...]:
        """`split`, with parts that are compounds themselves split too ("bebauungsplan" of
        "Bebauungsplanverfahren")."""
        found: list[str] = []
        for part in self.split(word):
            found.extend(self.parts(part) or (part,))
        return tuple(found)

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a normalised word ("haushaltsplanaufstellung" -> "haushalts", "plan",
        "aufstellung"); () when it is no compound of known words. Of several splits the one
        whose parts are most frequent (geometric mean) wins, and only when that is no less than
        the word's own frequency, as Koehn and Knight rank them."""
        if len(word) < SPLIT_MIN_LENGTH or word in self.stopwords:
            return ()
        best = self._best_split(word)
        if best is None or len(best[1]) < 2:
            return ()
        score, parts = best
        if score < self._known(word):
            return ()
        return parts

    def _best_split(self, word: str) -> tuple[float, tuple[str, ...]] | None:
        # best[i]: the best split of word[i:] as (sum of log frequencies, parts).
        length = len(word)
        best: list[tuple[float, tuple[str, ...]] | None] = [None] * (length + 1)
        best[length] = (0.0, ())
        for start in range(length - 1, -1, -1):
            candidates = []
            for end in range(start + 1, min(length, start + LEARNED_PART_MAX_LENGTH) + 1):
                rest = best[end]
                if rest is None or len(rest[1]) >= MAX_PARTS:
                    continue
                if start == 0 and end == length:
                    continue  # the word itself is no split
                frequency = self._known(word[start:end])
                if frequency:
                    candidates.append((math.log(frequency) + rest[0], (word[start:end], *rest[1])))
            if candidates:
                best[start] = max(candidates, key=lambda c: (c[0] / len(c[1]), -len(c[1])))
        found = best[0]
        if found is None:
            return None
        log_sum, parts = found
        return math.exp(log_sum / len(parts)), parts


def _listed_form(part: str, word: str, forms_by_stem: Mapping[str, list[str]]) -> str:
    """The form of a part the word list holds: the shortest word of the vocabulary with the
    part's stem that stands in the compound ("haushalts" -> "haushalt", "amter" -> "amt"), so
    that the decompounder finds it in every inflected and linked form; else the part itself."""
    for form in forms_by_stem.get(light_stem(part), ()):
        if form in word:
            return form
    return part


def learn_word_parts(
    vocabulary: Mapping[str, int],
    curated: Iterable[str],
    stopwords: Iterable[str] = (),
) -> list[str]:
    """The word parts the vocabulary's compounds are made of, without the curated ones.

    `vocabulary` maps words of the indexed texts (any spelling) to the number of texts they
    occur in; `curated` is the curated part list. Each part is listed in the shortest form the
    decompounder still finds in all its compounds (`_listed_form`), and kept only when it is
    in place (`_aligned`).
    """
    normalized: Counter[str] = Counter()
    for word, count in vocabulary.items():
        normalized[normalize_word(word)] += count
    stop = frozenset(normalize_word(word) for word in stopwords)
    curated_parts = frozenset(normalize_word(part) for part in curated)
    splitter = CompoundSplitter(normalized, curated_parts, stop)
    splits = {word: splitter.parts(word) for word in normalized}
    forms_by_stem: dict[str, list[str]] = {}
    for word in sorted(normalized, key=len):
        forms_by_stem.setdefault(light_stem(word), []).append(word)
    curated_stems = {light_stem(part) for part in curated_parts}
    candidates: set[str] = set()
    for word, parts in splits.items():
        for part in parts:
            listed = _listed_form(part, word, forms_by_stem)
            if (
                LEARNED_PART_MIN_LENGTH <= len(listed) <= LEARNED_PART_MAX_LENGTH
                and light_stem(listed) not in curated_stems
                and listed not in stop
            ):
                candidates.add(listed)
    # One form per stem, the shortest: it stands inside the longer ones ("ablage", "ablagen").
    shortest: dict[str, str] = {}
    for listed in sorted(candidates, key=len):
        shortest.setdefault(light_stem(listed), listed)
    return sorted(_aligned(set(shortest.values()), splits))


def _aligned(candidates: set[str], splits: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The candidates that several compounds share at a part's start ("buchung" in
    "Terminbuchung" and "Raumbuchung", not "statt" only in forms of "Kindertagesstätte"), and
    that stand at a part's start in more words than elsewhere inside words."""
    finder = GermanChain(candidates, stopwords=())
    compounds: dict[str, set[str]] = {}
    aligned: Counter[str] = Counter()
    misplaced: Counter[str] = Counter()
    for word, parts in splits.items():
        # Where each part ends, by where it starts; an unsplit word is its own part.
        ends: dict[int, int] = {}
        position = 0
        for part in parts or (word,):
            ends[position] = position + len(part)
            position += len(part)
        seen: set[str] = set()
        for start, end in finder.part_spans(word):
            part = word[start:end]
            if part in seen:
                continue
            seen.add(part)
            # A candidate is in place when it is a part but for a linking element or an
            # inflection ending: "person" is in place in "Personen", not in "Personalrat".
            if start not in ends or not 0 <= ends[start] - end <= LINKING_LETTERS:
                misplaced[part] += 1
                continue
            aligned[part] += 1
            if len(parts) > 1:
                compounds.setdefault(part, set()).add(light_stem(word))
    return {
        part
        for part in candidates
        if len(compounds.get(part, ())) >= PIECE_MIN_COMPOUNDS and aligned[part] >= misplaced[part]
    }
