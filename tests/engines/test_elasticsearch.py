"""The throwaway Elasticsearch node is a real Elasticsearch 8 that the DSL can work with."""

import pytest
from elasticsearch.dsl import Document, Keyword, Text, connections

pytestmark = [pytest.mark.engines, pytest.mark.slow]


class PracticeNote(Document):
    title = Text()
    administration = Keyword()

    class Index:
        name = "kollegium-test-practice-notes"


@pytest.fixture
def es_client(elasticsearch_server):
    client = elasticsearch_server.client()
    connections.add_connection("engine-test", client)
    yield client
    client.indices.delete(index=PracticeNote.Index.name, ignore_unavailable=True)
    connections.remove_connection("engine-test")
    client.close()


def test_node_reports_elasticsearch_8(es_client):
    nodes = es_client.nodes.info(filter_path="nodes.*.version,nodes.*.name")["nodes"]
    (node,) = nodes.values()

    assert node["version"].startswith("8.")
    assert es_client.cluster.health()["status"] == "green"


def test_dsl_creates_index_stores_and_finds_documents(es_client):
    PracticeNote.init(using="engine-test")
    PracticeNote(title="E-Akte in der Kommune einführen", administration="kommune").save(
        using="engine-test"
    )
    PracticeNote(title="Onlinezugangsgesetz umsetzen", administration="bund").save(
        using="engine-test"
    )
    PracticeNote._index.refresh(using="engine-test")

    hits = PracticeNote.search(using="engine-test").query("match", title="kommune").execute()

    assert [hit.title for hit in hits] == ["E-Akte in der Kommune einführen"]
    assert hits[0].administration == "kommune"


@pytest.mark.django_db
def test_healthz_asks_the_elasticsearch_cluster(elasticsearch_server, client, settings):
    settings.ELASTICSEARCH_URL = elasticsearch_server.url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["search"] == {
        "ok": True,
        "backend": "elasticsearch",
        "error": "",
    }
