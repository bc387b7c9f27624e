"""The Elasticsearch index: one document per database index entry, under an alias.

`<SEARCH_INDEX_PREFIX>content` is an alias; a rebuild fills a new timestamped index and then
moves the alias in one atomic request, so searches never see a half-built index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from elasticsearch.dsl import (
    Date,
    DenseVector,
    Document,
    Index,
    InnerDoc,
    Keyword,
    MetaField,
    Nested,
    Text,
)

from search import analysis
from search.embedding import DIMENSIONS

INDEX_ANALYZER = "kollegium_german_index"
SEARCH_ANALYZER = "kollegium_german_search"


def _german_text(**kwargs: Any) -> Text:
    """Text with the project's German chain, plus a `baseline` subfield analysed with
    Elasticsearch's plain analyzer for the relevance comparison."""
    return Text(
        analyzer=INDEX_ANALYZER,
        search_analyzer=SEARCH_ANALYZER,
        fields={"baseline": Text(analyzer=analysis.BASELINE_ANALYZER)},
        **kwargs,
    )


class Passage(InnerDoc):
    """One embedded passage of the entry (`search.embedding`)."""

    vector = DenseVector(dims=DIMENSIONS, index=True, similarity="cosine")


class ContentDocument(Document):
    entry_id = Keyword()
    key = Keyword()
    kind = Keyword()
    audience = Keyword()
    title = _german_text(
        copy_to="content",
        term_vector="with_positions_offsets",
    )
    text = _german_text(copy_to="content", term_vector="with_positions_offsets")
    # Title and text together, so that every word of a query may be in either.
    content = _german_text()
    url = Keyword(index=False)
    topics = Keyword()
    administration_level = Keyword()
    state = Keyword()
    date = Date()
    # Nested, one vector per passage: a `knn` search scores a document by its best passage,
    # as the database backends do, and finds a long page by a later paragraph too.
    passages = Nested(Passage)

    class Meta:
        # The vectors are searched in their own index structure and never read back; kept in
        # the stored source, 384 numbers as JSON per passage, every hit fetched had to read
        # them. (The index is always rebuilt from the database, so nothing needs them there.)
        source = MetaField(excludes=["passages"])


def alias_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}content"


def new_index() -> Index:
    """A fresh, empty index definition with a unique name; not yet created."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    index = Index(f"{alias_name()}-{stamp}")
    index.settings(
        number_of_shards=1,
        number_of_replicas=settings.SEARCH_INDEX_REPLICAS,
        **analysis.elasticsearch_index_settings(),
    )
    index.document(ContentDocument)
    return index
