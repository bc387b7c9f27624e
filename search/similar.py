""" "Ähnliche Lösungen": practice pages, courses and solved questions that deal with the
same matter as an item or as a text someone is typing.

Every result comes from `search.api.search`, so what a viewer may not read is never among them
and the hybrid ranking applies once the index holds vectors. The lexical search needs half of a
query's words in a text, so the title and summary are not asked as they are: a long text would
find nothing but itself. Instead a few short queries are asked and their rankings fused:

- the title as written (what the item is about, and the best text for the vector half);
- the key words of title and summary in pairs. Of two words a text needs one, and a text sharing
  several key words ranks high in several lists. Key words are the rarest nouns of title and
  summary that other texts also use, title words first; words of organisation and state names
  say who wrote a text, not what it is about, and are left out.

Hits filed under a topic of the item rise a little: topics are the editors' word on what a text
is about.

The answer is cached per content generation (`core.page_cache`): any publication retires it.
It also varies with the viewer's audiences, so nobody receives what was found for another.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.page_cache import PUBLISHED_VALUE_SECONDS, cached_until_published, published_fragment_key
from core.sections import Section
from discussions.models import Question, QuestionState
from hub.models import PracticePage
from members.models import FederalState, Organisation
from peer_learning.models import CoursePage
from search.analysis import query_word, split_word_delimiters
from search.api import search, viewer_audiences
from search.models import Kind, SearchEntry, Term
from search.types import SearchHit, SearchRequest
from search.vocabulary import vocabulary_word

MAX_SIMILAR = 5
# Kinds that hold solutions to look at before writing one's own.
SOLUTION_KINDS = frozenset({Kind.PRACTICE.value, Kind.COURSE.value, Kind.QUESTION.value})
# Enough for a title and a summary; more text would only add words that are not picked.
MAX_TEXT_LENGTH = 1500
KEYWORDS = 4
# A title word counts as this much rarer than a summary word: the title names the matter.
TITLE_WEIGHT = 0.5
MIN_KEYWORD_LETTERS = 4
# A word found in more than this share of all entries says little about any of them.
COMMON_SHARE = 0.15
# Reciprocal rank fusion constant: small, so a first place in one list weighs more than
# middle places in two.
FUSION_RANK_OFFSET = 10
# A hit must be among the first three of one list, found by two or share a topic with the item:
# a single low place comes from one common word and is more often noise than a neighbour.
MIN_FUSED_SCORE = 1 / (FUSION_RANK_OFFSET + 2)
# What sharing a topic with the item adds: half a first place, so a topic neighbour rises above
# hits placed like it, but not above a clearly better match by words.
TOPIC_BONUS = 0.5 / FUSION_RANK_OFFSET
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


def similar_solutions(
    *, viewer: Any, key: str | None, text: str, kinds: Iterable[str], limit: int = MAX_SIMILAR
) -> list[SearchHit]:
    """Up to `limit` entries of `kinds` the viewer may read that deal with the matter of `text`:
    the title, a line break, then the summary. `key` ("practice:12") is the item the text
    belongs to, never among the results; None for a text not yet saved."""
    text = text[:MAX_TEXT_LENGTH].strip()
    # The search reads no known kind as "every kind"; here it means nothing to look for.
    kinds = frozenset(kinds) & frozenset(Kind.values)
    if not text or not kinds or limit < 1:
        return []
    audiences = ",".join(sorted(viewer_audiences(viewer)))
    digest = hashlib.sha256("\n".join((text, audiences, *sorted(kinds))).encode()).hexdigest()
    cache_key = "kollegium:similar:" + published_fragment_key(key or "-", digest, limit)
    hits = cache.get(cache_key)
    if hits is None:
        hits = _similar(viewer=viewer, key=key, text=text, kinds=kinds, limit=limit)
        cache.set(cache_key, hits, PUBLISHED_VALUE_SECONDS)
    return hits


def similar_queries(text: str, *, indexed: bool) -> list[str]:
    """The queries asked for `text` (title, line break, summary): the title, then the key words
    in pairs, rarest first. When the text is `indexed`, a summary word only it contains cannot
    find anything else; a title word can, through its compound parts."""
    title, _newline, summary = text.partition("\n")
    title_words = _content_words(title)
    summary_words = _content_words(summary)
    frequency = _document_frequencies([*title_words, *summary_words])
    lowest = 2 if indexed else 1
    highest = max(lowest, int(_entry_count() * COMMON_SHARE))
    excluded = _organisation_words()
    rarity: dict[str, tuple[float, str]] = {}
    for words, weight, floor in ((title_words, TITLE_WEIGHT, 0), (summary_words, 1.0, lowest)):
        for word in words:
            parts = _vocabulary_parts(word)
            count = frequency(parts)
            if parts & excluded or not floor <= count <= highest:
                continue
            folded = word.lower()
            score = count * weight
            if folded not in rarity or score < rarity[folded][0]:
                rarity[folded] = (score, word)
    chosen = [word for _score, word in sorted(rarity.values(), key=lambda entry: entry[0])]
    chosen = chosen[:KEYWORDS]
    pairs = [" ".join(chosen[index : index + 2]) for index in range(0, len(chosen), 2)]
    return list(dict.fromkeys(query for query in (title.strip(), *pairs) if query))


def _similar(
    *, viewer: Any, key: str | None, text: str, kinds: frozenset[str], limit: int
) -> list[SearchHit]:
    fused: dict[str, float] = {}
    found: dict[str, SearchHit] = {}
    for query in similar_queries(text, indexed=key is not None):
        request = SearchRequest(text=query, kinds=kinds, page_size=2 * limit + 1)
        hits = [hit for hit in search(request, viewer=viewer).hits if hit.key != key]
        for rank, hit in enumerate(hits):
            fused[hit.key] = fused.get(hit.key, 0.0) + 1 / (FUSION_RANK_OFFSET + rank)
            found.setdefault(hit.key, hit)
    for hit_key in _sharing_a_topic(key, candidates=list(fused)):
        fused[hit_key] += TOPIC_BONUS
    for hit_key in _unsolved_questions(list(fused)):
        del fused[hit_key]
    ranked = sorted(fused, key=lambda hit_key: fused[hit_key], reverse=True)
    return [found[hit_key] for hit_key in ranked[:limit] if fused[hit_key] >= MIN_FUSED_SCORE]


def _unsolved_questions(keys: list[str]) -> set[str]:
    """The questions among `keys` without a solution: a solution is what is offered here; an
    open question is still found by the search itself."""
    prefix = f"{Kind.QUESTION.value}:"
    ids = [int(key.removeprefix(prefix)) for key in keys if key.startswith(prefix)]
    if not ids:
        return set()
    solved = set(
        Question.objects.filter(pk__in=ids, state=QuestionState.SOLVED).values_list("pk", flat=True)
    )
    return {f"{prefix}{pk}" for pk in ids if pk not in solved}


def _sharing_a_topic(key: str | None, *, candidates: list[str]) -> set[str]:
    """The candidates filed under a topic of the item `key`: the editors' judgement of what a
    text is about, which the words alone often miss. Only ranks what the search returned."""
    if key is None or not candidates:
        return set()
    rows = SearchEntry.objects.filter(key__in=[key, *candidates]).values_list("key", "topics")
    topics: dict[str, set[str]] = {}
    for entry_key, entry_topics in rows:
        topics.setdefault(entry_key, set()).update(entry_topics)
    own = topics.get(key, set())
    return {candidate for candidate in candidates if own & topics.get(candidate, set())}


def _content_words(text: str) -> list[str]:
    """The capitalised words of `text` without surrounding punctuation that are not stop words
    and have a part of at least MIN_KEYWORD_LETTERS letters: German nouns (and a title's first
    word), as verbs, adjectives and numbers rarely name a text's matter."""
    words = []
    for raw in text.split():
        word = _EDGE_PUNCTUATION.sub("", raw)
        if not word or not word[0].isupper():
            continue
        parts = _vocabulary_parts(word)
        if not any(len(part) >= MIN_KEYWORD_LETTERS for part in parts):
            continue
        if all(query_word(piece) is None for piece in split_word_delimiters(word)):
            continue
        words.append(word)
    return words


def _vocabulary_parts(word: str) -> frozenset[str]:
    """The vocabulary words (`Term`) in `word`, lower case: "E-Akte" holds "eakte" and
    "akte"."""
    return frozenset(
        found.lower()
        for piece in split_word_delimiters(word)
        if (found := vocabulary_word(piece)) is not None
    )


def _document_frequencies(words: list[str]) -> Callable[[frozenset[str]], int]:
    """How many entries use a word, given its vocabulary parts (the most common part counts)."""
    parts = {part for word in words for part in _vocabulary_parts(word)}
    counts = dict(Term.objects.filter(word__in=parts).values_list("word", "document_frequency"))

    def frequency(word_parts: frozenset[str]) -> int:
        return max((counts.get(part, 0) for part in word_parts), default=0)

    return frequency


def _entry_count() -> int:
    return cached_until_published("similar:entries", SearchEntry.objects.count)


def _organisation_words() -> frozenset[str]:
    def compute() -> frozenset[str]:
        names = [
            *Organisation.objects.values_list("name", flat=True),
            *(str(label) for _value, label in FederalState.choices),
        ]
        words = (word for name in names for word in name.split())
        return frozenset(part for word in words for part in _vocabulary_parts(word))

    return cached_until_published("similar:organisation-words", compute)


# --- Below a practice page, course or question (core.sections) ---------------------------


def similar_section(request: HttpRequest, page: Any) -> Section | None:
    """ "Ähnliche Lösungen" below a published practice or course page or a question; None
    when nothing similar is found or the page is of another type."""
    if isinstance(page, PracticePage):
        key, text = f"{Kind.PRACTICE.value}:{page.pk}", f"{page.title}\n{page.summary}"
    elif isinstance(page, CoursePage):
        key, text = f"{Kind.COURSE.value}:{page.pk}", f"{page.title}\n{page.summary}"
    elif isinstance(page, Question):
        key, text = f"{Kind.QUESTION.value}:{page.pk}", f"{page.title}\n{page.message.source}"
    else:
        return None
    hits = similar_solutions(viewer=request.user, key=key, text=text, kinds=SOLUTION_KINDS)
    if not hits:
        return None
    return Section(
        title=_("Ähnliche Lösungen"),
        template="search/similar_section.html",
        items=[(hit, Kind(hit.kind).label) for hit in hits],
    )
