"""The Python German chain and Elasticsearch's analyzers produce the same tokens.

The node gets the analysis-common components from the test analysis plugin
(tests/engines/elasticsearch/analysis-plugin), which builds the same Lucene classes a
production cluster uses; the index settings come from `elasticsearch_index_settings()`.
"""

import uuid

import pytest
from elasticsearch import Elasticsearch

from search.analysis import (
    BASELINE_ANALYZER,
    INDEX_ANALYZER,
    SEARCH_ANALYZER,
    elasticsearch_index_settings,
    index_tokens,
    query_tokens,
    seed_synonym_groups,
    seed_word_parts,
)
from tests.search.german_samples import DECOMPOSED, PHRASES

pytestmark = [pytest.mark.engines, pytest.mark.slow, pytest.mark.django_db]


def samples() -> list[str]:
    parts = seed_word_parts()
    inflected = [f"{part.capitalize()}en" for part in parts[::3]]
    compounds = [f"{a.capitalize()}{b}" for a, b in zip(parts[::7], parts[3::7], strict=False)]
    terms = [term for group in seed_synonym_groups() for term in group]
    return [*PHRASES, *DECOMPOSED, *parts, *inflected, *compounds, *terms]


@pytest.fixture
def analysis_index(elasticsearch_server):
    client = elasticsearch_server.client()
    name = f"kollegium-test-analysis-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=name, settings=elasticsearch_index_settings())
    yield client, name
    client.indices.delete(index=name, ignore_unavailable=True)
    client.close()


def analyse(client: Elasticsearch, index: str, analyzer: str, text: str) -> list[str]:
    response = client.indices.analyze(index=index, analyzer=analyzer, text=text)
    return [token["token"] for token in response["tokens"]]


def test_there_are_a_few_hundred_samples():
    assert len(set(samples())) > 600


def test_python_chain_matches_the_index_analyzer(analysis_index):
    client, index = analysis_index

    differences = {
        text: (python, elastic)
        for text in samples()
        if (python := index_tokens(text))
        != (elastic := analyse(client, index, INDEX_ANALYZER, text))
    }

    assert differences == {}


def test_python_chain_matches_the_search_analyzer(analysis_index):
    client, index = analysis_index

    differences = {
        text: (python, elastic)
        for text in samples()
        if (python := query_tokens(text))
        != (elastic := analyse(client, index, SEARCH_ANALYZER, text))
    }

    assert differences == {}


def test_ten_thousand_characters_without_a_space(analysis_index):
    client, index = analysis_index
    text = "Bürgerbeteiligung" * 600

    assert index_tokens(text) == analyse(client, index, INDEX_ANALYZER, text)


def test_the_baseline_german_analyzer_is_available(analysis_index):
    client, index = analysis_index

    tokens = analyse(client, index, BASELINE_ANALYZER, "Die Bürgerbeteiligungen der Kommunen")

    assert tokens == ["burgerbeteiligung", "kommun"]
