"""Regression guard: the judged query set on the database backend keeps its measured quality.

The floors are the figures bench/relevance.py measured on the demo content, minus a margin, so
a change to the analysis chain, the synonyms or the ranking that makes search clearly worse
fails here. Runs on SQLite by default and on PostgreSQL with `--database=postgresql`.
"""

import pytest
from django.core.management import call_command

from search import indexing
from tests.search.relevance import run_judged_set, score

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Measured with `python -m bench.relevance` (German chain of search/analysis.py): recall@10 0.65,
# nDCG@10 0.73, 16 % without results, on SQLite and PostgreSQL alike.
RECALL_FLOOR = 0.60
NDCG_FLOOR = 0.68
ZERO_RESULT_CEILING = 0.21


def test_judged_queries_find_the_practice_material_on_the_database_backend():
    call_command("seed_demo", verbosity=0)
    indexing.rebuild()

    outcomes = run_judged_set("database")
    # Paraphrases ("Umschreibung") share no word with their pages, so words alone cannot find
    # them; the floors were measured on the other categories and hold for those.
    overall = score([o for o in outcomes if o.judgement.category != "Umschreibung"])

    assert overall.recall >= RECALL_FLOOR, overall
    assert overall.ndcg >= NDCG_FLOOR, overall
    assert overall.zero_results <= ZERO_RESULT_CEILING, overall
