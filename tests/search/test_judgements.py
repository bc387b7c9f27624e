"""The judged query set is well-formed and the relevance measures compute what they claim."""

import math

import pytest

from hub.knowledge.blocks import CalloutKind
from hub.knowledge.demo import DemoArticle, demo_articles
from search.analysis import expand_query, index_tokens
from tests.search.relevance import (
    CATEGORIES,
    Judgement,
    Outcome,
    judgements,
    ndcg_at,
    recall_at,
    score,
    score_by_category,
)


def test_judged_set_covers_every_category_with_enough_queries():
    judged = judgements()

    assert len(judged) >= 45
    counts = {category: sum(1 for j in judged if j.category == category) for category in CATEGORIES}
    assert all(count >= 5 for count in counts.values()), counts
    assert {j.category for j in judged} == set(CATEGORIES)
    assert len({j.text for j in judged}) == len(judged)


def test_judged_set_contains_the_examples_of_the_issue():
    by_text = {j.text: j for j in judgements()}

    assert by_text["Beteiligung"].grades["buergerbeteiligung-in-der-kommune"] == 2
    assert by_text["Datenportal"].grades["open-data-portal-muenchen"] == 2
    assert by_text["Buergeramt"].grades["terminvergabe-buergeramt"] == 2
    assert by_text["OZG"].grades["gewerbeanmeldung-online"] == 2
    assert by_text["Onlinezugangsgesetz"].grades["ozg-aenderungsgesetz-kommunen"] == 2
    assert "buergerbeteiligung-in-der-kommune" in by_text["Kommunen Bürgerbeteiligung"].grades
    assert by_text["Labore"].grades == by_text["Labor"].grades


def test_every_judged_page_is_demo_content_and_grades_are_one_or_two():
    demo_slugs = {article.slug for article in demo_articles()}

    for judgement in judgements():
        assert judgement.grades, judgement.text
        assert set(judgement.grades) <= demo_slugs, judgement.text
        assert set(judgement.grades.values()) <= {1, 2}, judgement.text


PARAPHRASE = "Umschreibung"
# The chain stems lightly and splits only listed compounds, so equal tokens alone would let
# "Etat" (a synonym of "Haushalt") pass for a page with "Produkthaushalt", or "familiär" for one
# with "Familien": a word part (one token inside the other) or a long common beginning counts as
# a shared word too.
SHARED_PART_MIN_LENGTH = 4
SHARED_STEM_MIN_LENGTH = 6


def _page_tokens(article: DemoArticle) -> set[str]:
    """The tokens indexing stores for a demo practice page: title, summary and the callouts,
    whose kind Wagtail indexes by value and label."""
    kinds = " ".join(f"{value} {label}" for value, label in CalloutKind.choices)
    parts = (article.situation, article.approach, article.result, article.lessons)
    text = "\n".join([article.summary, *parts, article.legal_basis, kinds])
    return set(index_tokens(article.title)) | set(index_tokens(text))


def _query_tokens(text: str) -> set[str]:
    """The query's tokens, with every synonym the curated list adds at query time."""
    tokens: set[str] = set()
    for part in expand_query(text):
        for term in (part.text, *part.alternatives):
            tokens.update(index_tokens(term))
    return tokens


def _shared(query_token: str, page_token: str) -> bool:
    if query_token == page_token:
        return True
    shorter, longer = sorted((query_token, page_token), key=len)
    if len(shorter) >= SHARED_PART_MIN_LENGTH and shorter in longer:
        return True
    stem = query_token[:SHARED_STEM_MIN_LENGTH]
    return len(stem) == SHARED_STEM_MIN_LENGTH and page_token.startswith(stem)


def test_shared_words_include_word_parts_and_inflections():
    assert _shared("haushalt", "produkthaushalt")
    assert _shared("familiar", "famili")
    assert _shared("information", "informiert")
    assert not _shared("ausgewahlt", "ausgelost")
    assert not _shared("tag", "tagsub")


@pytest.mark.django_db
def test_paraphrase_queries_share_no_word_with_their_relevant_pages():
    articles = {article.slug: article for article in demo_articles()}
    paraphrases = [j for j in judgements() if j.category == PARAPHRASE]

    assert len(paraphrases) >= 20
    for judgement in paraphrases:
        query = _query_tokens(judgement.text)
        for slug in judgement.grades:
            page = _page_tokens(articles[slug])
            shared = sorted((q, p) for q in query for p in page if _shared(q, p))
            assert not shared, (judgement.text, slug, shared)


def test_demo_library_has_sixty_distinct_practice_pages_with_known_authors_and_topics():
    from hub.demo_topics import TOPICS
    from members.demo import PEOPLE, demo_email

    articles = demo_articles()
    authors = {demo_email(first, last).split("@")[0] for first, last, *_rest in PEOPLE}
    topic_names = {name for name, _description in TOPICS}

    assert len(articles) >= 60
    assert len({article.slug for article in articles}) == len(articles)
    assert {article.author for article in articles} <= authors
    assert all(article.topics and set(article.topics) <= topic_names for article in articles)


def test_ndcg_is_one_for_the_ideal_order_and_drops_for_worse_orders():
    grades = {"a": 2, "b": 1}

    assert ndcg_at(["a", "b"], grades) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], grades) == pytest.approx(
        (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    )
    assert ndcg_at(["x", "a"], grades) == pytest.approx((3 / math.log2(3)) / (3 + 1 / math.log2(3)))
    assert ndcg_at([], grades) == 0.0


def test_recall_counts_relevant_pages_within_the_cutoff():
    grades = {"a": 2, "b": 1, "c": 1, "d": 1}
    ranked = ["x"] * 9 + ["a", "b"]

    assert recall_at(ranked, grades) == pytest.approx(0.25)
    assert recall_at(["d", "c", "b", "a"], grades) == 1.0


def test_scores_average_per_category_and_count_zero_result_queries():
    found = Outcome(Judgement("Labore", "Flexion", {"a": 2}), ranked=("a",), total=1)
    missed = Outcome(Judgement("Labor", "Flexion", {"a": 2}), ranked=(), total=0)
    other = Outcome(Judgement("OZG", "Abkürzungen", {"b": 2}), ranked=("x", "b"), total=2)

    table = score_by_category([found, missed, other])

    assert table["Flexion"].ndcg == pytest.approx(0.5)
    assert table["Flexion"].recall == pytest.approx(0.5)
    assert table["Flexion"].zero_results == pytest.approx(0.5)
    assert table["Abkürzungen"].recall == 1.0
    assert table["Fragen"].queries == 0
    assert table["Gesamt"] == score([found, missed, other])
    assert table["Gesamt"].zero_results == pytest.approx(1 / 3)
