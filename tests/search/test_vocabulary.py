"""The vocabulary of the indexed texts: which of a query's words it knows, and so which typed
words Elasticsearch matches with typo tolerance."""

import pytest

from search.models import Term
from search.query import parse
from search.vocabulary import known_words, mistypable_tokens, vocabulary_word

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary(db):
    Term.objects.bulk_create(
        Term(word=word, document_frequency=1) for word in ("bürgerhaushalt", "wohngeld")
    )


def test_known_words_are_looked_up_at_once(vocabulary, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert known_words({"wohngeld", "wohngled"}) == {"wohngeld"}
    with django_assert_num_queries(0):
        assert known_words(set()) == set()


def test_a_word_as_the_vocabulary_counts_it():
    assert vocabulary_word("Bürgeramt?") == "Bürgeramt"
    assert vocabulary_word("E-Akte") is None
    assert vocabulary_word("2024") is None


def test_only_words_the_vocabulary_does_not_know_may_be_typos(vocabulary):
    clauses = parse("Bürgerhaushalt Wohngled E-Akte")

    # "E-Akte" is no vocabulary word: it cannot be told, so it keeps the typo tolerance.
    assert mistypable_tokens(clauses) == {"wohngled", "eakt"}
