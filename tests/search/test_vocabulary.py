"""The vocabulary of the indexed texts: which of a query's words it knows, and so which typed
words Elasticsearch matches with typo tolerance."""

import pytest

from search.analysis import query_word
from search.models import Term
from search.query import parse
from search.vocabulary import known_tokens, mistypable_tokens, vocabulary_word

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary(db):
    Term.objects.bulk_create(
        Term.of(word, document_frequency=1)
        for word in ("bürgerhaushalt", "wohngeld", "stellenanzeigen")
    )


def test_known_tokens_are_looked_up_at_once(vocabulary, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert known_tokens(["wohngeld", "wohngled", "stellenanzeig"]) == {
            "wohngeld",
            "stellenanzeig",
        }
    with django_assert_num_queries(0):
        assert known_tokens([]) == set()


@pytest.mark.parametrize("word", ["Stellenanzeigen", "Bürgerhaushalt", "Wohngeldes", "Ämter"])
def test_a_vocabulary_word_has_the_token_of_the_same_query_word(word):
    assert Term.of(word.lower()).token == query_word(word).token


def test_a_word_as_the_vocabulary_counts_it():
    assert vocabulary_word("Bürgeramt?") == "Bürgeramt"
    assert vocabulary_word("E-Akte") is None
    assert vocabulary_word("2024") is None


def test_only_words_the_vocabulary_does_not_know_may_be_typos(vocabulary):
    clauses = parse("Bürgerhaushalt Wohngled E-Akte")

    # "E-Akte" is no vocabulary word: it cannot be told, so it keeps the typo tolerance.
    assert mistypable_tokens(clauses) == {"wohngled", "eakt"}


def test_another_inflection_or_spelling_of_a_known_word_is_no_typo(vocabulary):
    # The texts say "Stellenanzeigen" and "Bürgerhaushalt"; the stemmer and the German
    # normalisation fold these forms into the same tokens.
    clauses = parse("Stellenanzeige Buergerhaushalt Stellenanzeign")

    assert mistypable_tokens(clauses) == {"stellenanzeign"}
