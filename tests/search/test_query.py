import itertools

import pytest

from search.query import (
    AllOf,
    Alternative,
    AnyOf,
    Breadth,
    Clause,
    Formula,
    Phrase,
    Word,
    broader,
    candidate_formula,
    clause_formula,
    formula,
    fts5_expression,
    parse,
    reachable,
    required,
    settled,
    tsquery_expression,
    typed_tokens,
    word_match,
)

pytestmark = pytest.mark.django_db


def test_a_compound_matches_its_own_token_or_all_of_its_parts():
    assert word_match("Bürgeramt") == Word(
        "burgeramt",
        AnyOf(("burgeramt", AllOf(("burg", "amt")))),
        AnyOf(("burgeramt", "amt")),
    )
    assert word_match("Kommunen") == Word("kommun", "kommun", "kommun")


def test_a_hyphenated_word_matches_its_joined_form_or_its_words():
    # The joined form's parts and the three words ask for the same, so it is asked once.
    assert word_match("Open-Data-Portal").match == AnyOf(
        ("opendataportal", AllOf(("open", "data", "portal")))
    )
    # "akt" alone already meets "e" and "akt" together.
    assert word_match("E-Akte") == Word("eakt", AnyOf(("eakt", "akt")), AnyOf(("eakt", "akt")))


def test_stop_words_and_punctuation_ask_for_nothing():
    assert word_match("die") is None
    assert word_match("--") is None


def test_repeated_terms_are_asked_once():
    portal = Alternative("Portal", (Word("portal", "portal", "portal"),), False)
    datenportal = Alternative(
        "Datenportal",
        (
            Word(
                "datenportal",
                AnyOf(("datenportal", AllOf(("dat", "portal")))),
                AnyOf(("datenportal", "portal")),
            ),
        ),
        False,
    )
    clause = Clause("Datenportal", (datenportal, portal, portal))

    assert formula([clause]) == AnyOf(("datenportal", "portal"))


def test_phrases_stay_phrases_and_half_the_clauses_are_required():
    e_akte = AnyOf(("eakt", "akt"))
    akte = Clause(
        '"elektronische Akte"',
        (
            Alternative(
                "elektronische Akte",
                (Word("elektronisch", "elektronisch", "elektronisch"), Word("akt", "akt", "akt")),
                True,
            ),
            Alternative("E-Akte", (Word("eakt", e_akte, e_akte),), False),
        ),
    )
    amt = Clause("Amt", (Alternative("Amt", (Word("amt", "amt", "amt"),), False),))
    kommun = Word("kommun", "kommun", "kommun")
    kommune = Clause("Kommune", (Alternative("Kommune", (kommun,), False),))

    assert clause_formula(akte) == AnyOf((Phrase(("elektronisch", "akt")), "eakt", "akt"))
    assert [required(clauses) for clauses in ([akte], [akte, amt], [akte, amt, kommune])] == [
        1,
        1,
        2,
    ]
    assert required([akte, amt, kommune, amt], Breadth(most=False)) == 1
    assert formula([akte]) == AnyOf((Phrase(("elektronisch", "akt")), "eakt", "akt"))
    assert formula([akte, amt]) == AnyOf((Phrase(("elektronisch", "akt")), "eakt", "akt", "amt"))
    assert fts5_expression([akte, amt]) == '("elektronisch akt" OR "eakt" OR "akt" OR "amt")'
    assert tsquery_expression([akte, amt]) == (
        "(('elektronisch' <-> 'akt') | 'eakt' | 'akt' | 'amt')"
    )


def test_a_query_with_few_matches_is_asked_again_with_compound_heads_then_any_word():
    clauses = parse("Haushaltsplanung Feuerwehr Kommune")
    with_heads = Breadth(heads=True)

    assert broader(clauses, Breadth(), 9) == with_heads
    assert formula(clauses, with_heads) == AnyOf(
        ("haushaltsplanung", "planung", "feuerwehr", "kommun", "gemeind")
    )
    assert broader(clauses, with_heads, 0) == Breadth(most=False)
    assert broader(clauses, Breadth(most=False), 4) == Breadth(most=False, heads=True)
    assert broader(clauses, Breadth(most=False, heads=True), 0) is None
    assert broader(clauses, with_heads, 3) is None
    assert broader(clauses, Breadth(), 10) is None


def test_a_query_without_compounds_goes_straight_to_any_word():
    clauses = parse("Feuerwehr Kommune Haushalt")

    assert broader(clauses, Breadth(), 0) == Breadth(most=False)
    assert broader(parse("Feuerwehr Kommune"), Breadth(), 0) is None
    assert broader(parse("Feuerwehr"), Breadth(), 0) is None


def test_every_step_the_ladder_may_take_is_known_before_asking():
    three = parse("Haushaltsplanung Feuerwehr Kommune")

    assert reachable(three) == [
        Breadth(),
        Breadth(heads=True),
        Breadth(most=False),
        Breadth(most=False, heads=True),
    ]
    assert reachable(parse("Haushaltsplanung Feuerwehr")) == [Breadth(), Breadth(heads=True)]
    assert reachable(parse("Feuerwehr Kommune Haushalt")) == [Breadth(), Breadth(most=False)]
    assert reachable(parse("Feuerwehr")) == [Breadth()]


def test_the_ladder_stops_at_the_first_breadth_with_enough_matches():
    clauses = parse("Haushaltsplanung Feuerwehr Kommune")
    asked = []

    def total_at(breadth: Breadth) -> int:
        asked.append(breadth)
        return {Breadth(): 0, Breadth(heads=True): 0, Breadth(most=False): 12}[breadth]

    assert settled(clauses, Breadth(), total_at) == Breadth(most=False)
    assert asked == reachable(clauses)[:3]
    assert settled(clauses, Breadth(), lambda breadth: 10) == Breadth()


def test_only_the_users_own_words_may_be_mistyped():
    clauses = parse("Bürgeramt Datenportal")

    # Synonyms and compound parts come from the editors' lists, spelt right.
    assert typed_tokens(clauses) == {"burgeramt", "datenportal"}
    assert all(len(clause.alternatives) > 1 for clause in clauses)


def _holds(item: Formula, tokens: set[str]) -> bool:
    if isinstance(item, str):
        return item in tokens
    if isinstance(item, AllOf):
        return all(_holds(part, tokens) for part in item.parts)
    if isinstance(item, AnyOf):
        return any(_holds(part, tokens) for part in item.parts)
    raise AssertionError(item)


@pytest.mark.parametrize("words", [3, 4, 5, 6, 8, 12])
def test_the_candidates_condition_keeps_every_text_meeting_enough_clauses(words):
    names = ["rathaus", "kreistag", "feuerwehr", "haushalt", "schule", "wald", "hafen", "brucke"]
    names += ["markt", "kirche", "bahnhof", "park"]
    clauses = parse(" ".join(names[:words]))
    tokens = [clause.alternatives[0].words[0].token for clause in clauses]
    condition = candidate_formula(clauses)
    needed = required(clauses)

    for met in range(words + 1):
        for chosen in itertools.combinations(tokens, met):
            if met >= needed:
                assert _holds(condition, set(chosen)), chosen
            elif words <= 6:
                # Every window is named: exactly the texts meeting enough clauses.
                assert not _holds(condition, set(chosen)), chosen
    # A text sharing a single word with a question of several words is no candidate.
    assert not any(_holds(condition, {token}) for token in tokens)


def test_the_candidates_condition_is_exact_for_short_queries():
    clauses = parse("Rathaus Kreistag Feuerwehr")
    condition = candidate_formula(clauses)
    tokens = [clause.alternatives[0].words[0].token for clause in clauses]

    assert not _holds(condition, {tokens[0]})
    assert _holds(condition, {tokens[0], tokens[2]})
    assert formula(parse("Rathaus")) == candidate_formula(parse("Rathaus"))
