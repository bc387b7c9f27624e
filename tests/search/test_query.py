from search.query import AllOf, Alternative, AnyOf, Clause, Phrase, formula, fts5_expression


def compound(full: str, *parts: str):
    """A word as the analysis chain reads it: the compound and its parts at one position."""
    return (((full, *parts),),)


def test_repeated_and_absorbed_terms_are_left_out():
    # "Datenportal" with its synonym "Open-Data-Portal": the synonym's joined form and its
    # parts, or its three words together, which the parts alone already meet.
    synonym_words = (
        (
            (("opendataportal", "open", "data", "portal"),),
            (("open",), ("data",), ("portal",)),
        ),
    )
    clause = Clause(
        "Datenportal",
        (
            Alternative("Datenportal", (compound("datenportal", "dat", "portal"),), False),
            Alternative("Open-Data-Portal", synonym_words, False),
        ),
    )

    assert formula([clause]) == AnyOf(
        ("datenportal", "dat", "portal", "opendataportal", "open", "data")
    )


def test_clauses_stay_required_and_phrases_stay_phrases():
    akte = Clause(
        '"elektronische Akte"',
        (
            Alternative('"elektronische Akte"', (compound("elektronisch"), compound("akt")), True),
            Alternative("E-Akte", (compound("eakt", "akt"),), False),
        ),
    )
    amt = Clause("Amt", (Alternative("Amt", (compound("amt"),), False),))

    assert formula([akte, amt]) == AllOf(
        (AnyOf((Phrase(("elektronisch", "akt")), "eakt", "akt")), "amt")
    )
    assert formula([akte, amt], require_all=False) == AnyOf(
        (Phrase(("elektronisch", "akt")), "eakt", "akt", "amt")
    )
    assert fts5_expression([akte, amt]) == '(("elektronisch akt" OR "eakt" OR "akt") AND "amt")'


def test_a_conjunction_without_a_shared_token_is_kept():
    clause = Clause(
        "E-Akte",
        (Alternative("E-Akte", (((("eakt",),), (("e",), ("akt",))),), False),),
    )

    assert formula([clause]) == AnyOf(("eakt", AllOf(("e", "akt"))))
