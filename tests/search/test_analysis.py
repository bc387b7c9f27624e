"""The German analysis chain, rule by rule, and the issue's examples."""

import itertools
import unicodedata

import pytest

from search.analysis import (
    GermanChain,
    QueryPart,
    QueryWord,
    elasticsearch_index_settings,
    expand_query,
    german_normalize,
    index_tokens,
    java_lowercase,
    light_stem,
    query_tokens,
    seed_stopwords,
    seed_synonym_groups,
    seed_word_parts,
    split_word_delimiters,
    whitespace_tokens,
)
from search.query import AllOf, Formula, Phrase, formula, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def chain():
    return GermanChain(seed_word_parts())


def holds(item: Formula, stored: set[str]) -> bool:
    if isinstance(item, str):
        return item in stored
    if isinstance(item, Phrase):
        return stored.issuperset(item.tokens)
    met = (holds(part, stored) for part in item.parts)
    return all(met) if isinstance(item, AllOf) else any(met)


def matches(query: str, text: str) -> bool:
    """What every backend asks of the stored tokens (phrases without their word order)."""
    return holds(formula(parse(query)), set(index_tokens(text)))


# The issue's examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Beteiligung", "Bürgerbeteiligung in der Kommune"),
        ("Kommunen", "Bürgerbeteiligung in der Kommune"),
        ("Datenportal", "Das Open-Data-Portal der Stadt"),
        ("Buergeramt", "Termine im Bürgeramt"),
        ("Bürgeramt", "Termine im Buergeramt"),
        ("Kommune", "Drei Kommunen berichten"),
        ("Labor", "Labore der Landesämter"),
        ("Labore", "Das Labor"),
        ("EAkte", "Die E-Akte kommt"),
        ("E-Akte", "Erfahrungen mit der EAkte"),
        ("Bürgerinnen", "Für Bürger*innen"),
        ("Bürger:innen", "Für Bürgerinnen"),
        ("Strasse", "Straße"),
    ],
)
def test_the_issue_examples_match(query, text):
    assert matches(query, text)


def test_unrelated_words_do_not_match():
    assert not matches("Feuerwehr", "Bürgerbeteiligung in der Kommune")


def test_a_query_compound_needs_all_of_its_parts():
    assert matches("Bürgeramt", "Das Amt berät Bürger")
    assert not matches("Bürgeramt", "Bürger fragen nach")
    assert not matches("Datenportal", "Ein Portal für alle")


def test_a_query_compound_is_split_where_its_parts_meet(chain):
    # "sport" stands across the seam of "verwaltungs" and "portal".
    assert chain.compound_cover("verwaltungsportal") == ["verwaltungs", "portal"]
    assert chain.query_word("Verwaltungsportal") == QueryWord(
        "verwaltungsportal", ("verwaltung", "portal"), "portal"
    )


def test_a_word_is_not_split_into_one_part_with_letters_left_over(chain):
    # "digital" leaves "isierung" over; "akte" only the "e" of "EAkte". "wasser" is still the
    # head of "Trinkwasser", for when the whole word finds too little.
    assert chain.query_word("Digitalisierung") == QueryWord("digitalisierung", (), None)
    assert chain.query_word("EAkte") == QueryWord("eakt", ("akt",), "akt")
    assert chain.query_word("Trinkwasser") == QueryWord("trinkwass", (), "wass")
    assert chain.query_word("Kommunen") == QueryWord("kommun", (), None)
    assert chain.query_word("und") is None


# Rule by rule ----------


def test_decomposed_umlauts_are_composed_first(chain):
    decomposed = unicodedata.normalize("NFD", "Bürgeramt")

    assert decomposed != "Bürgeramt"
    assert chain.tokens(decomposed) == chain.tokens("Bürgeramt")


@pytest.mark.parametrize("form", ["Bürger*innen", "Bürger:innen", "Bürger_innen", "Bürger/-innen"])
def test_gender_forms_become_one_word(chain, form):
    assert chain.tokens(form) == chain.tokens("Bürgerinnen")


def test_gender_separator_needs_a_letter_before_and_in_after(chain):
    assert chain.tokens("Kolleg*in") == chain.tokens("Kollegin")
    assert chain.tokens("10:in") == ["10"]  # "in" alone is a stop word
    assert "termin" in chain.tokens("Termin:Information")  # "In" starts a word here


def test_hyphenated_words_give_joined_form_and_parts():
    assert split_word_delimiters("E-Akte") == ["EAkte", "E", "Akte"]
    assert split_word_delimiters("Open-Data-Portal") == ["OpenDataPortal", "Open", "Data", "Portal"]


def test_word_delimiter_keeps_plain_words_and_strips_punctuation():
    assert split_word_delimiters("Kommune") == ["Kommune"]
    assert split_word_delimiters("Kommune.") == ["Kommune"]
    assert split_word_delimiters("„Kommune“") == ["Kommune"]
    assert split_word_delimiters("...") == []


def test_word_delimiter_does_not_split_case_changes_or_digits():
    assert split_word_delimiters("BürgerInnen") == ["BürgerInnen"]
    assert split_word_delimiters("B2B") == ["B2B"]


def test_word_delimiter_does_not_join_numbers():
    assert split_word_delimiters("1.000") == ["1", "000"]
    assert split_word_delimiters("TV-L-2") == ["TVL", "TV", "L", "2"]


def test_lowercase_is_per_character_like_java():
    assert java_lowercase("BÜRGERAMT") == "bürgeramt"
    assert java_lowercase("ΟΔΟΣ") == "οδοσ"  # no final sigma: Java maps letter by letter
    assert java_lowercase("İstanbul") == "istanbul"


@pytest.mark.parametrize(
    ("word", "normalized"),
    [
        ("bürgeramt", "burgeramt"),
        ("buergeramt", "burgeramt"),
        ("äußerung", "ausserung"),
        ("straße", "strasse"),
        ("öffentlich", "offentlich"),
        ("oeffentlich", "offentlich"),
        ("aerger", "arger"),
        ("quelle", "quelle"),
        ("neue", "neue"),
        ("bauer", "bauer"),
        ("mauer", "mauer"),
        ("", ""),
    ],
)
def test_german_normalization(word, normalized):
    assert german_normalize(word) == normalized


def lucene_normalization_state_machine(token: str) -> str:
    """GermanNormalizationFilter as Lucene writes it, letter by letter: the oracle for the
    regular expression the chain uses."""
    ordinary, vowel, umlaut = 0, 1, 2
    state, out = ordinary, []
    for char in token:
        if char in "ao":
            state = umlaut
        elif char == "u":
            state = umlaut if state == ordinary else vowel
        elif char == "e":
            deleted = state == umlaut
            state = vowel
            if deleted:
                continue
        elif char in "iqy":
            state = vowel
        elif char in "äöü":
            char, state = {"ä": "a", "ö": "o", "ü": "u"}[char], vowel
        elif char == "ß":
            char, state = "ss", ordinary
        else:
            state = ordinary
        out.append(char)
    return "".join(out)


def test_german_normalization_agrees_with_lucenes_state_machine():
    for length in range(1, 6):
        for letters in itertools.product("aouebiqyäüß", repeat=length):
            word = "".join(letters)
            assert german_normalize(word) == lucene_normalization_state_machine(word), word


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("kommune", "kommun"),
        ("kommunen", "kommun"),
        ("labor", "labor"),
        ("labore", "labor"),
        ("laboren", "labor"),
        ("beteiligung", "beteiligung"),
        ("bürgern", "burg"),
        ("akten", "akt"),
        ("amt", "amt"),
        ("häuser", "haus"),
        ("schnellste", "schnell"),
        ("gibst", "gib"),
        ("café", "café"),
    ],
)
def test_light_stemming(word, stem):
    assert light_stem(word) == stem


def test_compounds_get_their_listed_parts(chain):
    assert chain.tokens("Bürgerbeteiligung") == [
        "burgerbeteiligung",
        "burg",
        "beteiligung",
    ]
    assert "amt" in chain.tokens("Ordnungsamt")
    assert "portal" in chain.tokens("Datenportal")


def test_words_shorter_than_five_letters_are_not_split(chain):
    assert chain.tokens("Amts") == ["amt"]


def test_word_parts_come_from_the_list():
    plain = GermanChain([])
    listed = GermanChain(["Beteiligung"])

    assert plain.tokens("Bürgerbeteiligung") == ["burgerbeteiligung"]
    assert listed.tokens("Bürgerbeteiligung") == ["burgerbeteiligung", "beteiligung"]


def test_word_parts_are_normalised_like_the_text():
    chain = GermanChain(["Bürger", "Grüße"])

    assert chain.word_parts == {"burger", "grusse"}
    assert "burg" in chain.tokens("Buergerrechte")


def test_stop_words_are_dropped(chain):
    assert chain.tokens("die Verwaltung und der Bürger") == [
        "verwaltung",
        "verwaltung",
        "burg",
        "burg",
    ]
    assert "fur" in chain.stopwords  # "für" after normalisation


def test_stop_words_are_normalised_lowercase_words():
    assert all(word == word.lower() and " " not in word for word in seed_stopwords())


# Edge cases ----------


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "...", "!!! ??? ---", "„“ ‚‘ () []"])
def test_empty_and_punctuation_only_give_no_tokens(chain, text):
    assert chain.tokens(text) == []


def test_digits_stay(chain):
    assert chain.tokens("§ 35a VwVfG 2024") == ["35a", "vwvfg", "2024"]


def test_mixed_scripts(chain):
    assert chain.tokens("Москва 北京 Αθήνα") == ["москва", "北京", "αθήνα"]


def test_no_break_space_is_no_token_boundary_but_a_delimiter(chain):
    assert chain.tokens("Seite\u00a05") == ["seit", "5"]


def test_ten_thousand_characters(chain):
    text = "Bürgerbeteiligung " * 556
    assert len(text) > 10_000

    tokens = chain.tokens(text)

    assert tokens == ["burgerbeteiligung", "burg", "beteiligung"] * 556


def test_a_long_run_without_spaces_is_cut_like_lucene():
    assert [len(token) for token in whitespace_tokens("x" * 600)] == [255, 255, 90]
    assert [len(token) for token in whitespace_tokens("😀" * 200)] == [128, 72]


def test_public_functions_agree_with_the_chain(chain):
    text = "Bürgerbeteiligung in der Kommune"

    assert index_tokens(text) == chain.tokens(text)
    assert query_tokens(text) == chain.tokens(text)


# Elasticsearch settings ----------


def test_settings_define_both_analyzers_from_built_in_components():
    analysis = elasticsearch_index_settings()["analysis"]
    index = analysis["analyzer"]["kollegium_german_index"]

    assert analysis["analyzer"]["kollegium_german_search"] == index
    assert index["tokenizer"] == "kollegium_whitespace"
    assert [analysis["filter"].get(name, {}).get("type", name) for name in index["filter"]] == [
        "word_delimiter_graph",
        "lowercase",
        "german_normalization",
        "stop",
        "dictionary_decompounder",
        "stemmer",
    ]
    assert analysis["filter"]["kollegium_light_german_stemmer"]["language"] == "light_german"


def test_settings_embed_the_normalised_word_parts():
    word_list = elasticsearch_index_settings()["analysis"]["filter"]["kollegium_word_parts"][
        "word_list"
    ]

    assert "beteiligung" in word_list
    assert "burger" in word_list
    assert len(word_list) >= 300


def test_settings_compose_decomposed_letters():
    mappings = elasticsearch_index_settings()["analysis"]["char_filter"]["kollegium_compose"][
        "mappings"
    ]

    assert "u\u0308=>ü" in mappings
    assert "A\u0308=>Ä" in mappings


# Query expansion ----------


def test_abbreviation_gets_its_long_form():
    parts = expand_query("OZG Umsetzung")

    assert parts[0] == QueryPart("OZG", ("Onlinezugangsgesetz",))
    assert parts[1] == QueryPart("Umsetzung", ())


def test_long_form_gets_the_abbreviation_and_inflections_match():
    (part,) = expand_query("Bürgerämter")

    assert "Bürgerbüro" in part.alternatives
    assert "Bürgeramt" not in part.alternatives


def test_multi_word_synonym_becomes_one_part():
    parts = expand_query("elektronische Akte einführen")

    assert parts[0].text == "elektronische Akte"
    assert parts[0].alternatives == ("E-Akte",)  # "eAkte" is the same term as "E-Akte"
    assert parts[1] == QueryPart("einführen", ())


def test_hyphen_spelling_variants_are_the_same_term():
    (part,) = expand_query("e-akte")

    assert "elektronische Akte" in part.alternatives


def test_quoted_phrase_stays_together():
    parts = expand_query('"Open Data" in Kommunen')

    assert parts[0].text == "Open Data"
    assert "offene Daten" in parts[0].alternatives
    assert [part.text for part in parts[1:]] == ["in", "Kommunen"]


def test_punctuation_around_a_word_does_not_hide_its_synonyms():
    (part,) = expand_query("OZG?")

    assert part.text == "OZG?"
    assert part.alternatives == ("Onlinezugangsgesetz",)


@pytest.mark.parametrize("text", ["", "   ", '"', '""', '" "'])
def test_empty_queries_have_no_parts(text):
    assert expand_query(text) == []


def test_unbalanced_quote_is_ignored():
    assert [part.text for part in expand_query('"Open Data')] == ["Open Data"]


def test_syntax_characters_are_plain_text():
    parts = expand_query("(OZG AND E-Akte) OR * : ;DROP TABLE")

    assert [part.text for part in parts] == [
        "(OZG",
        "AND",
        "E-Akte)",
        "OR",
        "*",
        ":",
        ";DROP",
        "TABLE",
    ]
    assert parts[0].alternatives == ("Onlinezugangsgesetz",)


def test_a_ten_thousand_character_query_is_expanded():
    parts = expand_query("OZG " * 2500)

    assert len(parts) == 2500


def test_every_seed_group_has_at_least_two_terms():
    assert len(seed_synonym_groups()) >= 60
    assert all(len(group) >= 2 for group in seed_synonym_groups())
