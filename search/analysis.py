"""The German analysis chain, defined once and used by every search backend.

Elasticsearch builds the chain from analysis-common components (`elasticsearch_index_settings`);
the database backends run the same chain in Python (`index_tokens`, `query_tokens`) on stored
text and on queries. The Python steps are faithful ports of the Lucene classes behind those
components, and a parity test compares both on the real node token for token.

The chain, in order, and why the order is what it is:

1. Char filters. Unicode NFC first, so that a decomposed "u + combining diaeresis" (copied from
   PDFs or macOS) is the same "ü" every later step expects. Then gender forms ("Bürger*innen",
   "Bürger:innen", "Bürger_innen", "Bürger/-innen") lose their separator and become
   "Bürgerinnen": this has to happen before tokenising, or the separator would split the word.
   Elasticsearch has no NFC without the ICU plugin, so there a `mapping` char filter composes
   the decomposed Latin letters (the only decompositions German text meets in practice); the
   Python chain does full NFC.
2. Whitespace tokenizer, then a word delimiter: the delimiter needs to see the whole
   "E-Akte" or "Open-Data-Portal" to emit the parts ("E", "Akte") and the joined form
   ("EAkte", "OpenDataPortal"). A Unicode word tokenizer would have split at the hyphen
   already and lost the joined form. It also strips punctuation ("Kommune." -> "Kommune").
3. Lowercase, then German normalisation (ä->a, ö->o, ü->u, ß->ss, ae/oe/ue folded): the
   normaliser only handles lower-case letters, and it must come before stop words and word
   parts so that "Buergeramt", "Bürgeramt" and "BÜRGERAMT" all meet the same (normalised)
   stop-word and word-part lists.
4. Stop words, before decompounding, so that word parts are never dropped as stop words.
5. Compound splitting with the curated word-part list (Lucene's dictionary decompounder: the
   original token plus every listed part found inside it, at the same position). It runs
   before stemming because the parts are looked up in the full inflected word
   ("Bürgerbeteiligungen" contains "beteiligung"), whereas stemming first could cut a part's
   last letters ("Behördenkarte" -> "behordenkart" would lose "karte").
6. Light German stemming (Lucene's GermanLightStemmer, not Snowball) on every token, parts
   included, so "Kommunen" and the part "kommune" of "Partnerkommune" both become "kommun".

Query words go through the same chain. A query compound matches its own token or all of its
parts together (`GermanChain.query_word`): "Datenportal" finds "Open-Data-Portal" (which holds
"dat" and "portal"), while a document with the whole compound still scores higher (it matches
the compound and its parts). Requiring every part, not any, keeps "Bürgeramt" from finding
every text that mentions "Bürger". Elasticsearch's search analyzer still stacks the parts at
the word's position; it serves the title boost, and content is matched by the same formula as
on the database (`search.query.formula`). Synonyms and abbreviations are not part of the chain:
`expand_query` applies the editable list at query time, so an edit works at once on every
backend without a rebuild. Word parts are index-time data: after changing them the index needs
a rebuild (`manage.py search_index rebuild`), which reads `elasticsearch_index_settings()` anew.
Besides the curated list and the editors' parts, the chain takes the parts a rebuild learned
from the indexed texts (`search.compounds`), and `expand_query` the abbreviations the texts
write out (`search.abbreviations`), below the curated and the editors' groups.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.core.cache import cache as django_cache

BASELINE_ANALYZER = "german"  # Elasticsearch's plain analyzer, for the relevance baseline

INDEX_ANALYZER = "kollegium_german_index"
SEARCH_ANALYZER = "kollegium_german_search"

WORDLIST_DIR = Path(__file__).parent / "wordlists"
WORD_PART_MIN_LENGTH = 3
WORD_PART_MAX_LENGTH = 20
COMPOUND_MIN_LENGTH = 5
# A query word found to hold one listed part is matched through it only when no more than this
# many letters are left over: a linking "s" or the "e" of "eakte", not the "isierung" of
# "digitalisierung".
LINKING_LETTERS = 2
MAX_TOKEN_LENGTH = 255
_TOKEN_CACHE_SIZE = 200_000

# Python and Java spell "a letter" and "a letter or digit" differently; both patterns must
# remove exactly the same separators.
_GENDER_SEPARATOR_PYTHON = r"(?<=[^\W\d_])(?:[*:_·]|/-?)(?=[iI]n(?:nen)?(?![^\W_]))"
_GENDER_SEPARATOR_JAVA = r"(?<=\p{L})(?:[*:_·]|/-?)(?=[iI]n(?:nen)?(?![\p{L}\p{N}]))"
_GENDER_SEPARATOR = re.compile(_GENDER_SEPARATOR_PYTHON)

# Character.isWhitespace in Java: no-break spaces are not whitespace, the separators are.
_JAVA_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
)
_WHITESPACE_SPLIT = re.compile("[" + re.escape(_JAVA_WHITESPACE) + "]+")

# Latin letters whose decomposed spelling Elasticsearch's mapping char filter composes.
_COMPOSED_LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


# Lucene ports ----------


def java_lowercase(text: str) -> str:
    """Lowercase code point by code point, as Lucene's LowerCaseFilter (Character.toLowerCase).

    Python's str.lower() applies context rules (final sigma) and multi-character mappings
    (İ -> i + dot) that Java's per-character mapping does not.
    """
    if text.isascii():
        return text.lower()
    lowered = text.lower()
    if len(lowered) == len(text) and "Σ" not in text:
        return lowered
    return "".join(char.lower()[0] for char in text)


# GermanNormalizationFilter's state machine drops an "e" after "a" or "o", and after a "u" that
# follows an ordinary letter (not after "au", "eu", "qu", "ie", ...): one regular expression
# says the same, and umlauts and ß are then folded with a translation table.
_UMLAUT_E = re.compile(r"(?<=[ao])e|(?<=^u)e|(?<=[^aoueiqyäöü]u)e")
_UMLAUT_FOLDING = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def german_normalize(token: str) -> str:
    """Lucene's GermanNormalizationFilter: umlauts and ß folded, "ae", "oe", "ue" to a, o, u,
    except where "ue" is no umlaut ("neue", "Bauer", "Quelle")."""
    if "e" in token:
        token = _UMLAUT_E.sub("", token)
    return token.translate(_UMLAUT_FOLDING)


_STEM_FOLDING = str.maketrans("äàáâöòóôïìíîüùúû", "aaaaooooiiiiuuuu")
_ST_ENDING = frozenset("bdfghklmnt")


@lru_cache(maxsize=_TOKEN_CACHE_SIZE)
def light_stem(token: str) -> str:
    """Lucene's GermanLightStemmer (Savoy's light stemmer): accents folded, then two steps
    that strip inflection endings only from words long enough to keep a stem."""
    word = token.translate(_STEM_FOLDING)
    length = len(word)
    if length > 5 and word.endswith("ern"):
        word = word[:-3]
    elif length > 4 and word[-2] == "e" and word[-1] in "mnrs":
        word = word[:-2]
    elif (length > 3 and word[-1] == "e") or (
        length > 3 and word[-1] == "s" and word[-2] in _ST_ENDING
    ):
        word = word[:-1]
    length = len(word)
    if length > 5 and word.endswith("est"):
        return word[:-3]
    if length > 4 and word[-2] == "e" and word[-1] in "rn":
        return word[:-2]
    if length > 4 and word.endswith("st") and word[-3] in _ST_ENDING:
        return word[:-2]
    return word


_LOWER, _UPPER, _DIGIT, _DELIMITER = 0x01, 0x02, 0x04, 0x08
_ALPHA = _LOWER | _UPPER
_NO_SPLIT = _ALPHA | _DIGIT  # what Lucene assigns to each half of a surrogate pair
_MARK_OR_LETTER = frozenset({"Lt", "Lm", "Lo", "Mn", "Me", "Mc"})
_NUMBER = frozenset({"Nd", "Nl", "No"})


@cache
def _char_type(char: str) -> int:
    """WordDelimiterIterator's character classes (default table below U+0100, the Unicode
    category above; characters outside the BMP are surrogate pairs in Java and never split)."""
    code = ord(char)
    if code > 0xFFFF:
        return _NO_SPLIT
    category = unicodedata.category(char)
    if code < 0x100:
        if char.islower() or char in "ªº":
            return _LOWER
        if char.isupper():
            return _UPPER
        if category == "Nd":
            return _DIGIT
        return _DELIMITER
    if category == "Lu":
        return _UPPER
    if category == "Ll":
        return _LOWER
    if category in _MARK_OR_LETTER:
        return _ALPHA
    if category in _NUMBER:
        return _DIGIT
    return _DELIMITER


# Letters and digits that are no delimiter for Lucene either (it treats ² ³ ¹ ¼ ½ ¾ as one).
_PLAIN_WORD = re.compile(r"[^\W_\u00b2\u00b3\u00b9\u00bc-\u00be]+")


def split_word_delimiters(token: str) -> list[str]:
    """Lucene's WordDelimiterGraphFilter with the flags this chain uses: word and number parts,
    joined words, no splitting on case change or between letters and digits.

    Parts are the runs between delimiter characters; consecutive word parts are also emitted
    joined ("E-Akte" -> "EAkte", "E", "Akte"), sorted as Lucene sorts them (by start, longer
    first).
    """
    if _PLAIN_WORD.fullmatch(token):
        return [token]
    subwords: list[tuple[int, int]] = []
    start = None
    for index, char in enumerate(token):
        if _char_type(char) & _DELIMITER:
            if start is not None:
                subwords.append((start, index))
                start = None
        elif start is None:
            start = index
    if start is not None:
        subwords.append((start, len(token)))
    if len(subwords) <= 1:
        return [token[s:e] for s, e in subwords]

    parts: list[tuple[int, int, str]] = []
    joined: list[tuple[int, int]] = []
    joined_type = 0

    def flush() -> None:
        if len(joined) > 1:
            text = "".join(token[s:e] for s, e in joined)
            parts.append((joined[0][0], joined[-1][1], text))
        joined.clear()

    for start, end in subwords:
        kind = _char_type(token[start])
        kind = _ALPHA if kind in (_LOWER, _UPPER) else kind
        if joined and not (joined_type & kind):
            flush()
        if kind & _ALPHA:
            if not joined:
                joined_type = kind
            joined.append((start, end))
        parts.append((start, end, token[start:end]))
    flush()
    parts.sort(key=lambda part: (part[0], -part[1]))
    return [text for _start, _end, text in parts]


def whitespace_tokens(text: str) -> list[str]:
    """Lucene's WhitespaceTokenizer: split at Java whitespace, cut tokens at 255 UTF-16 units."""
    tokens = []
    for token in _WHITESPACE_SPLIT.split(text):
        if not token:
            continue
        if len(token) * 2 < MAX_TOKEN_LENGTH:
            tokens.append(token)
            continue
        piece_start, units = 0, 0
        for index, char in enumerate(token):
            units += 2 if ord(char) > 0xFFFF else 1
            if units >= MAX_TOKEN_LENGTH:
                tokens.append(token[piece_start : index + 1])
                piece_start, units = index + 1, 0
        if piece_start < len(token):
            tokens.append(token[piece_start:])
    return tokens


def normalize_word(word: str) -> str:
    """A word as the chain's lists store it: NFC, lower case, German normalisation."""
    return german_normalize(java_lowercase(unicodedata.normalize("NFC", word.strip())))


def word_token(word: str) -> str:
    """The own token of one word of letters, as the chain makes it of a query word
    ("Stellenanzeigen" and "Stellenanzeige" -> "stellenanzeig"), without compound parts."""
    return light_stem(normalize_word(word))


def compose_text(text: str) -> str:
    """Unicode NFC, the chain's first step."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


# The chain ----------


@dataclass(frozen=True)
class QueryWord:
    """A word of a query as every backend matches it: its own token, or all of its compound
    parts together ("datenportal", or "dat" and "portal"). When that finds too little, the
    compound's last part, its head in German, stands in for it ("beteiligung" for
    "burgerbeteiligung", "wass" for "trinkwass")."""

    token: str
    parts: tuple[str, ...]
    head: str | None


class GermanChain:
    """The whole chain over fixed word-part and stop-word lists (see the module docstring)."""

    def __init__(self, word_parts: Iterable[str], stopwords: Iterable[str] | None = None) -> None:
        self.word_parts = frozenset(
            part
            for part in (normalize_word(word) for word in word_parts)
            if WORD_PART_MIN_LENGTH <= len(part) <= WORD_PART_MAX_LENGTH
        )
        self._prefixes = frozenset(
            part[:length] for part in self.word_parts for length in range(1, len(part) + 1)
        )
        self._heads = frozenset(part[:WORD_PART_MIN_LENGTH] for part in self.word_parts)
        self.stopwords = frozenset(
            normalize_word(word) for word in (seed_stopwords() if stopwords is None else stopwords)
        )
        self._token_cache: dict[str, tuple[str, ...]] = {}

    def tokens(self, text: str) -> list[str]:
        result: list[str] = []
        for analysed in self._analysed_words(text):
            result.extend(analysed)
        return result

    def _analysed_words(self, text: str) -> list[tuple[str, ...]]:
        words = []
        cache = self._token_cache
        for raw in _WHITESPACE_SPLIT.split(compose_text(text)):
            if not raw:
                continue
            analysed = cache.get(raw)
            if analysed is None:
                if len(cache) >= _TOKEN_CACHE_SIZE:
                    cache.clear()
                analysed = cache[raw] = self._analyse(raw)
            words.append(analysed)
        return words

    def _normalized_words(self, raw: str) -> list[str]:
        words = []
        for token in whitespace_tokens(_GENDER_SEPARATOR.sub("", raw)):
            for part in split_word_delimiters(token):
                normalized = german_normalize(java_lowercase(part))
                if normalized not in self.stopwords:
                    words.append(normalized)
        return words

    def _analyse(self, raw: str) -> tuple[str, ...]:
        out: list[str] = []
        for normalized in self._normalized_words(raw):
            out.append(light_stem(normalized))
            out.extend(light_stem(inner) for inner in self.decompound(normalized))
        return tuple(out)

    def query_word(self, piece: str) -> QueryWord | None:
        """A query word without delimiters as the backends match it; None for a stop word."""
        words = self._normalized_words(compose_text(piece))
        if not words:
            return None
        normalized = words[0]
        token = light_stem(normalized)
        cover = self.compound_cover(normalized)
        if not cover:
            return QueryWord(token, (), None)
        last = cover[-1]
        ends_word = any(
            normalized[: len(normalized) - linking].endswith(last)
            for linking in range(LINKING_LETTERS + 1)
        )
        last_stem = light_stem(last)
        head = last_stem if ends_word and last_stem != token else None
        left_over = len(normalized) - sum(len(part) for part in cover)
        if len(cover) < 2 and left_over > LINKING_LETTERS:
            return QueryWord(token, (), head)
        parts = tuple(dict.fromkeys(light_stem(part) for part in cover))
        return QueryWord(token, () if parts == (token,) else parts, head)

    def part_spans(self, token: str) -> list[tuple[int, int]]:
        """Where listed word parts stand inside the token, by start and then length."""
        spans = []
        heads, prefixes, word_parts = self._heads, self._prefixes, self.word_parts
        length = len(token)
        for start in range(length - WORD_PART_MIN_LENGTH + 1):
            if token[start : start + WORD_PART_MIN_LENGTH] not in heads:
                continue
            for end in range(
                start + WORD_PART_MIN_LENGTH, min(start + WORD_PART_MAX_LENGTH, length) + 1
            ):
                candidate = token[start:end]
                if candidate in word_parts:
                    spans.append((start, end))
                elif candidate not in prefixes:
                    break
        return spans

    def decompound(self, token: str) -> list[str]:
        """Lucene's DictionaryCompoundWordTokenFilter: every listed word part inside the token,
        by start and then length (lengths counted in UTF-16 units, as Java does)."""
        utf16_length = len(token)
        if token and max(token) > "\uffff":
            utf16_length += sum(1 for char in token if char > "\uffff")
        if utf16_length < COMPOUND_MIN_LENGTH:
            return []
        return [token[start:end] for start, end in self.part_spans(token)]

    def compound_cover(self, token: str) -> list[str]:
        """The listed parts, other than the token itself, that cover most of its letters without
        overlapping (the fewest on a tie): "verwaltungsportal" is "verwaltungs" and "portal",
        not "verwaltung" and "sport". A query compound matches through all of these parts; the
        parts found across their seams ("sport") would only ask for words the user never meant.
        """
        if len(token) < COMPOUND_MIN_LENGTH:
            return []
        ends_by_start: dict[int, list[int]] = {}
        for start, end in self.part_spans(token):
            if end - start < len(token):
                ends_by_start.setdefault(start, []).append(end)
        # best[i]: (letters covered, minus the parts used, the spans) for token[i:].
        best: list[tuple[int, int, tuple[tuple[int, int], ...]]] = [(0, 0, ())] * (len(token) + 1)
        for start in range(len(token) - 1, -1, -1):
            candidates = [best[start + 1]]
            for end in ends_by_start.get(start, ()):
                covered, fewer, spans = best[end]
                candidates.append((covered + end - start, fewer - 1, ((start, end), *spans)))
            best[start] = max(candidates)
        return [token[start:end] for start, end in best[0][2]]

    def elasticsearch_settings(self) -> dict:
        word_delimiter = {
            "type": "word_delimiter_graph",
            "generate_word_parts": True,
            "generate_number_parts": True,
            "catenate_words": True,
            "catenate_numbers": False,
            "catenate_all": False,
            "split_on_case_change": False,
            "split_on_numerics": False,
            "preserve_original": False,
            "stem_english_possessive": False,
        }
        analyzer = {
            "type": "custom",
            "char_filter": ["kollegium_compose", "kollegium_gender_forms"],
            "tokenizer": "kollegium_whitespace",
            "filter": [
                "kollegium_word_delimiter",
                "lowercase",
                "kollegium_german_normalization",
                "kollegium_german_stop",
                "kollegium_word_parts",
                "kollegium_light_german_stemmer",
            ],
        }
        return {
            "analysis": {
                "char_filter": {
                    "kollegium_compose": {
                        "type": "mapping",
                        "mappings": list(_composition_rules()),
                    },
                    "kollegium_gender_forms": {
                        "type": "pattern_replace",
                        "pattern": _GENDER_SEPARATOR_JAVA,
                        "replacement": "",
                    },
                },
                "tokenizer": {
                    "kollegium_whitespace": {
                        "type": "whitespace",
                        "max_token_length": MAX_TOKEN_LENGTH,
                    }
                },
                "filter": {
                    "kollegium_word_delimiter": word_delimiter,
                    "kollegium_german_normalization": {"type": "german_normalization"},
                    "kollegium_german_stop": {
                        "type": "stop",
                        "stopwords": sorted(self.stopwords),
                    },
                    "kollegium_word_parts": {
                        "type": "dictionary_decompounder",
                        "word_list": sorted(self.word_parts),
                        "min_word_size": COMPOUND_MIN_LENGTH,
                        "min_subword_size": WORD_PART_MIN_LENGTH,
                        "max_subword_size": WORD_PART_MAX_LENGTH,
                        "only_longest_match": False,
                    },
                    "kollegium_light_german_stemmer": {
                        "type": "stemmer",
                        "language": "light_german",
                    },
                },
                "analyzer": {INDEX_ANALYZER: analyzer, SEARCH_ANALYZER: dict(analyzer)},
            }
        }


@cache
def _composition_rules() -> tuple[str, ...]:
    """`mapping` char filter rules composing every decomposed Latin letter (u + U+0308 => ü)."""
    rules = []
    for low, high in _COMPOSED_LATIN_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            decomposed = unicodedata.normalize("NFD", char)
            if decomposed != char and unicodedata.normalize("NFC", decomposed) == char:
                rules.append(f"{decomposed}=>{char}")
    return tuple(rules)


# Word lists: the project's seed files plus what editors added ----------------------------------


def _read_list(name: str) -> list[str]:
    lines = (WORDLIST_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def seed_word_parts() -> tuple[str, ...]:
    return tuple(_read_list("word_parts.txt"))


@cache
def seed_stopwords() -> tuple[str, ...]:
    return tuple(_read_list("stopwords.txt"))


@cache
def seed_synonym_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(term.strip() for term in line.split("|") if term.strip())
        for line in _read_list("synonyms.txt")
    )


LISTS_VERSION_KEY = "search:analysis:lists-version"
_RECHECK_SECONDS = 1.0


@dataclass
class _Lists:
    chain: GermanChain
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    longest_synonym: int
    version: object
    checked_at: float


_current: _Lists | None = None


def lists_changed() -> None:
    """Forget the cached lists in every process (called when editors change a list)."""
    global _current
    _current = None
    django_cache.set(LISTS_VERSION_KEY, time.time_ns(), timeout=None)


def lists_version() -> object:
    """Which word lists the chain runs on now: changes when editors change a list, so values
    derived from analysed text can be kept under it."""
    return _lists().version


def _lists() -> _Lists:
    """The chain and synonyms over seed files plus the editors' entries.

    Other processes learn about an edit through a version number in the shared cache, checked
    at most once a second so that indexing does not pay a cache round trip per text.
    """
    global _current
    now = time.monotonic()
    current = _current
    if current is not None and now - current.checked_at < _RECHECK_SECONDS:
        return current
    version = django_cache.get(LISTS_VERSION_KEY)
    if current is not None and current.version == version:
        current.checked_at = now
        return current
    from search.models import LearnedWordPart, SynonymGroup, WordPart

    chain = GermanChain(
        [
            *seed_word_parts(),
            *WordPart.objects.values_list("text", flat=True),
            *LearnedWordPart.objects.values_list("text", flat=True),
        ]
    )
    groups = [*seed_synonym_groups(), *(group.term_list() for group in SynonymGroup.objects.all())]
    synonyms = _synonym_index(groups)
    for key, alternatives in _synonym_index(_learned_abbreviations(synonyms.keys())).items():
        synonyms.setdefault(key, alternatives)
    longest = max((len(key) for key in synonyms), default=1)
    _current = _Lists(chain, synonyms, longest, version, now)
    return _current


def _learned_abbreviations(curated: Collection[tuple[str, ...]]) -> list[tuple[str, str]]:
    """The learned abbreviation pairs in force: per abbreviation the long form most texts use
    (the shorter on a tie), unless a curated or editors' group (`curated`, their terms' keys)
    already has either term: those groups win."""
    from search.models import LearnedAbbreviation

    sources: dict[tuple[str, ...], dict[tuple[str, ...], set[str]]] = {}
    spelling: dict[tuple[str, ...], str] = {}
    for source, short, long in LearnedAbbreviation.objects.values_list(
        "source", "abbreviation", "long_form"
    ):
        short_key, long_key = synonym_key(short), synonym_key(long)
        if short_key in curated or long_key in curated or short_key == long_key:
            continue
        sources.setdefault(short_key, {}).setdefault(long_key, set()).add(source)
        spelling.setdefault(short_key, short)
        spelling[long_key] = min(spelling.get(long_key, long), long, key=lambda t: (len(t), t))
    pairs = []
    for short_key, long_forms in sources.items():
        long_key = max(long_forms, key=lambda key: (len(long_forms[key]), -len(key), key))
        pairs.append((spelling[short_key], spelling[long_key]))
    return pairs


def synonym_key(text: str) -> tuple[str, ...]:
    """How a synonym term or a run of query words is compared: normalised, stemmed words with
    surrounding punctuation removed ("Bürgerämter," and "Bürgeramt" meet)."""
    words = []
    for word in _WHITESPACE_SPLIT.split(compose_text(text)):
        stripped = "".join(char for char in word if not _char_type(char) & _DELIMITER)
        if stripped:
            words.append(light_stem(normalize_word(stripped)))
    return tuple(words)


def _synonym_index(groups: Iterable[Iterable[str]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each term's key mapped to the other terms of its groups, one spelling per key."""
    index: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
    for group in groups:
        keyed = {synonym_key(term): term for term in reversed(tuple(group))}
        keyed.pop((), None)
        for key in keyed:
            alternatives = index.setdefault(key, {})
            for other_key, other in reversed(keyed.items()):
                if other_key != key:
                    alternatives.setdefault(other_key, other)
    return {key: tuple(values.values()) for key, values in index.items()}


# Public interface ----------


def index_tokens(text: str) -> list[str]:
    """The German chain for stored text: NFC, gender forms, hyphen joins, lowercase, German
    normalisation, compound parts from the word-part list, light stemming. Same tokens as the
    Elasticsearch `kollegium_german_index` analyzer."""
    return _lists().chain.tokens(text)


def query_tokens(text: str) -> list[str]:
    """The chain for query text: the same chain as for stored text, compound parts included
    (see the module docstring). Same tokens as the `kollegium_german_search` analyzer."""
    return _lists().chain.tokens(text)


def query_word(piece: str) -> QueryWord | None:
    """One query word without delimiters ("Datenportal", not "Open-Data-Portal") as the
    backends match it; None for a stop word."""
    return _lists().chain.query_word(piece)


_LOWER_CASE_RUN = re.compile(r"[^\W\d_A-ZÄÖÜ]{3}")


def is_abbreviation(text: str) -> bool:
    """Whether a query word is written as an abbreviation: at least two capitals, and capitals
    for half its letters or no three lower-case letters in a row ("OZG", "TVöD", "KGSt",
    "IT-PLR"; not "E-Akte" or "eAkte")."""
    if not text or any(char.isspace() for char in text):
        return False
    letters = [char for char in text if char.isalpha()]
    capitals = sum(1 for char in letters if char.isupper())
    return capitals >= 2 and (2 * capitals >= len(letters) or not _LOWER_CASE_RUN.search(text))


@dataclass(frozen=True)
class QueryPart:
    """A word or phrase of the user's query with its synonyms. A part whose text contains a
    space is a phrase (typed in quotes, or a multi-word synonym such as "elektronische Akte")."""

    text: str  # the user's word or quoted phrase, as typed
    alternatives: tuple[str, ...]  # raw-text synonyms/abbreviation expansions (may be empty)


_QUERY_PIECES = re.compile(r'"([^"]*)"|([^\s"]+)')


def expand_query(text: str) -> list[QueryPart]:
    """Split the user's query into words/phrases and attach the synonyms from the one editable
    list (OZG -> Onlinezugangsgesetz, E-Akte -> elektronische Akte, ...). Applied at query time
    by every backend: a part matches if the part OR any alternative matches.

    Quoted phrases stay together (an unmatched quote is ignored). Runs of unquoted words that
    form a multi-word synonym term become one part; the longest such run wins.
    """
    lists = _lists()
    parts: list[QueryPart] = []
    words: list[str] = []

    def flush_words() -> None:
        index = 0
        while index < len(words):
            for length in range(min(lists.longest_synonym, len(words) - index), 0, -1):
                run = " ".join(words[index : index + length])
                alternatives = lists.synonyms.get(synonym_key(run))
                if alternatives is not None or length == 1:
                    parts.append(QueryPart(run, alternatives or ()))
                    index += length
                    break
        words.clear()

    for match in _QUERY_PIECES.finditer(compose_text(text)):
        phrase, word = match.groups()
        if word is not None:
            words.append(word)
            continue
        flush_words()
        phrase = " ".join(phrase.split())
        if phrase:
            parts.append(QueryPart(phrase, lists.synonyms.get(synonym_key(phrase), ())))
    flush_words()
    return parts


def elasticsearch_index_settings() -> dict:
    """The `settings` body for a new index: {"analysis": {...}} with analyzers
    `kollegium_german_index`, `kollegium_german_search`; the current word-part list is embedded,
    so changing it needs a rebuild."""
    return _lists().chain.elasticsearch_settings()
