"""The compound splitter learned from a vocabulary and the abbreviations read from texts
(search.compounds, search.abbreviations), without a database."""

from __future__ import annotations

import pytest

from bench.analysis import demo_vocabulary, read_sample, split_right
from search.abbreviations import abbreviation_pairs
from search.analysis import GermanChain, is_abbreviation, seed_stopwords, seed_word_parts
from search.compounds import CompoundSplitter, learn_word_parts

VOCABULARY = {
    "haushalt": 5,
    "haushaltsplan": 2,
    "plan": 4,
    "aufstellung": 2,
    "haushaltsplanaufstellung": 1,
    "personen": 3,
    "personenkreis": 1,
    "kreis": 3,
    "beteiligung": 4,
    "beteiligungen": 1,
    "teil": 2,
    "streusalzlager": 1,
    "streusalzverbrauch": 1,
    "lager": 2,
    "verbrauch": 2,
    "warteschlange": 1,
    "warteschlangen": 1,
    "lange": 3,
}


def test_a_compound_of_known_words_is_split_with_linking_letters():
    splitter = CompoundSplitter(VOCABULARY)

    assert splitter.parts("haushaltsplanaufstellung") == ("haushalts", "plan", "aufstellung")
    assert splitter.split("personenkreis") == ("personen", "kreis")
    assert splitter.split("beteiligung") == ()


def test_a_piece_several_compounds_share_is_learned_and_a_chance_one_is_not():
    learned = learn_word_parts(VOCABULARY, curated=())

    assert "streusalz" in learned
    # Only in the forms of one compound: "Warteschlange" is no "wartesch" + "lange".
    assert "wartesch" not in learned
    # "teil" stands inside "Beteiligung", not at a part's start.
    assert "teil" not in learned


def test_curated_parts_are_left_to_the_curated_list():
    assert "plan" not in learn_word_parts(VOCABULARY, curated=("Plan",))


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("Das Onlinezugangsgesetz (OZG) gilt.", {("OZG", "Onlinezugangsgesetz")}),
        ("Das OZG (Onlinezugangsgesetz) gilt.", {("OZG", "Onlinezugangsgesetz")}),
        (
            "nach dem Tarifvertrag für den öffentlichen Dienst (TVöD)",
            {("TVöD", "Tarifvertrag für den öffentlichen Dienst")},
        ),
        ("mit künstlicher Intelligenz (KI) prüfen", {("KI", "künstlicher Intelligenz")}),
        ("Wir nutzen das (OZG).", set()),
        ("Das Haus (HQ) steht.", set()),
        ("Die Stadt (Kassel) plant.", set()),
    ],
)
def test_abbreviations_are_read_where_a_text_writes_them_out(text, pairs):
    assert abbreviation_pairs(text) == pairs


@pytest.mark.parametrize(
    ("word", "expected"),
    [("OZG", True), ("TVöD", True), ("KGSt", True), ("IT-PLR", True), ("E-Akte", False)],
)
def test_abbreviations_are_told_from_words(word, expected):
    assert is_abbreviation(word) is expected


def test_the_compound_sample_is_split_better_with_learned_parts():
    """The measured claim of bench/analysis.py --compounds: the parts learned from the demo
    library split more of the sample right than the curated list alone, and break no simple
    word the curated list leaves whole."""
    sample = read_sample()
    demo_words = {word.lower() for word in demo_vocabulary()}
    curated = GermanChain(seed_word_parts())
    learned = learn_word_parts(demo_vocabulary(), seed_word_parts(), seed_stopwords())
    with_learned = GermanChain([*seed_word_parts(), *learned])

    assert len(sample) == 500
    assert all(
        split.replace("|", "").lower() in demo_words for split, origin in sample if origin == "demo"
    )
    before = sum(split_right(curated, split) for split, _origin in sample)
    after = sum(split_right(with_learned, split) for split, _origin in sample)
    simple = [split for split, origin in sample if origin == "simplex"]
    assert after > before
    assert sum(split_right(with_learned, s) for s in simple) >= len(simple) - 1
