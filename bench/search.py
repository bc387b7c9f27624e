"""Benchmark: search speed with 100,000 indexed items, per backend.

Fills a fresh database with the demo network plus `seed_demo --scale` bulk data (practice pages,
channel messages and member profiles in equal parts), rebuilds the search index and measures, in
process (no HTTP in the figures), the query time of `search.api.search_with_backend` and of
`search.api.autocomplete` for a network member. Prints p50/p95 against the targets, the full
rebuild time and, for Elasticsearch, the bulk indexing throughput.

    make bench-search
    python -m bench.search --database sqlite --items 100000
    python -m bench.search --database postgresql --items 10000
    python -m bench.search --elasticsearch --items 100000
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.directory import database, percentile
from bench.relevance import elasticsearch

TARGET_ELASTICSEARCH_P95_MS = 50
TARGET_DATABASE_P95_MS = 150
TARGET_AUTOCOMPLETE_P95_MS = 30
TARGET_BULK_ITEMS_PER_SECOND = 2000
TARGET_ELASTICSEARCH_HYBRID_P95_MS = 60
# The Kollegium query's p95 at most this many times that of a plain `multi_match`.
TARGET_PLAIN_RATIO = 2
PLAIN_SCENARIO = "Einfaches multi_match (gleiche Aggregationen und Hervorhebung)"
NAME_WIDTH = len(PLAIN_SCENARIO) + 2
# Words people type often, next to the judged queries: broad terms hit thousands of items.
BROAD_QUERIES = ("Verwaltung", "Bürgeramt", "Datenschutz", "Vergabe", "Schulung", "Kommune")


def _timings(call: Callable[[str], Any], texts: list[str], requests: int) -> tuple[float, float]:
    # One pass over every text first: the figures are for a warm server (Elasticsearch's JIT,
    # the database's page cache), not for its first minute.
    for text in texts:
        call(text)
    samples = []
    for number in range(requests):
        text = texts[number % len(texts)]
        begin = time.perf_counter()
        call(text)
        samples.append((time.perf_counter() - begin) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def _plain_multi_match(viewer: Any) -> Callable[[str], Any]:
    """The yardstick for the Kollegium query on Elasticsearch: a plain `multi_match` over the
    `german`-analysed title and text, sent through the backend's client. Everything else is
    the Kollegium request body for "Suche, alle Arten": the audience filter, the facet
    aggregations, the highlighting (of the field searched), the page size and the exact total."""
    from django.conf import settings

    from search.api import SearchRequest, viewer_audiences
    from search.backends import Query
    from search.backends.elasticsearch import _client
    from search.backends.es_query import search_body
    from search.documents import alias_name
    from search.query import STRICT

    client = _client(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
    audiences = viewer_audiences(viewer)

    def call(text: str) -> Any:
        query = Query(
            request=SearchRequest(text=text), clauses=[], audiences=audiences, facet_labels={}
        )
        body = search_body(query, STRICT, baseline=True, page=1, mistyped=frozenset())
        body["query"]["bool"]["must"] = [
            {"multi_match": {"query": text, "fields": ["title.baseline", "text.baseline"]}}
        ]
        body["sort"] = ["_score", {"entry_id": "asc"}]
        return client.search(index=alias_name(), body=body)

    return call


def _kollegium_backend_only(viewer: Any) -> Callable[[str], Any]:
    """The Kollegium query as Elasticsearch answers it (`backend.search`, with its counts for
    the coverage ladder), without Django's part around it (audiences, facet labels, "Meinten
    Sie …?"): what the plain `multi_match` is compared with. Each text's query is built once."""
    from search.api import SearchRequest, _query
    from search.backends import get_backend

    backend = get_backend()
    queries: dict[str, Any] = {}

    def call(text: str) -> Any:
        if text not in queries:
            queries[text] = _query(SearchRequest(text=text), viewer)
        return backend.search(queries[text])

    return call


def _prefixes(texts: list[str]) -> list[str]:
    """What the autocomplete sees while someone types: growing beginnings of the first word."""
    words = [text.split()[0].strip("?") for text in texts]
    return [word[:length] for word in words for length in (3, 5, 8) if len(word) >= length]


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _items() -> dict[str, int]:
    from discussions.models import Message
    from hub.models import PracticePage
    from members.models import Profile
    from peer_learning.models import CoursePage, Session

    return {
        "Praxisbeispiele": PracticePage.objects.live().count(),
        "Nachrichten": Message.objects.count(),
        "Profile": Profile.objects.count(),
        "Kurse und Termine": CoursePage.objects.live().count() + Session.objects.count(),
    }


def run(engine: str, use_elasticsearch: bool, items: int, requests: int, vectors: bool) -> bool:
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kollegium-bench-")))
        label = stack.enter_context(database(engine, tmp))
        backend = "database"
        if use_elasticsearch:
            label = f"Elasticsearch {stack.enter_context(elasticsearch(tmp))} auf {label}"
            backend = "elasticsearch"
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"
        os.environ["DEBUG"] = "false"
        # Seeding and rebuilding must not embed 100,000 texts (hours): the vectors are measured
        # on the demo's real texts and reused (`_vectors`); searches force meaning on.
        os.environ["SEARCH_VECTORS"] = "false"
        import django

        django.setup()
        # The dev settings log every task and publication; the figures are what matters here.
        logging.disable(logging.INFO)
        from django.core.management import call_command

        from members.models import User
        from search import indexing
        from search.api import SearchRequest, autocomplete, search_with_backend
        from tests.search.relevance import judgements

        call_command("migrate", verbosity=0)
        demo = _demo_vectors() if vectors else None
        started = time.perf_counter()
        # --scale N adds N practice pages, N messages and N members.
        call_command(
            "seed_demo", "--scale", str(math.ceil(items / 3)), verbosity=0, stdout=io.StringIO()
        )
        seeded = time.perf_counter() - started
        counts = _items()
        total = sum(counts.values())
        started = time.perf_counter()
        indexing.rebuild()
        rebuilt = time.perf_counter() - started
        parts = ", ".join(f"{kind} {_number(count)}" for kind, count in counts.items())
        print(f"\n{label}: {_number(total)} Elemente ({parts}), angelegt in {seeded:.0f} s")
        rate = _number(total / rebuilt)
        print(f"Vollständiger Neuaufbau des Index: {rebuilt:.1f} s ({rate} Elemente/s)")

        viewer = User.objects.get(email__startswith="miriam.schulte")
        texts = [judgement.text for judgement in judgements()] + list(BROAD_QUERIES)
        scenarios: dict[str, Callable[[str], Any]] = {
            "Suche, alle Arten": lambda text: search_with_backend(
                SearchRequest(text=text), viewer=viewer, backend=backend
            ),
            "Suche, Praxis + Thema": lambda text: search_with_backend(
                SearchRequest(
                    text=text, kinds=frozenset({"practice"}), topics=frozenset({"e-akte"})
                ),
                viewer=viewer,
                backend=backend,
            ),
            "Suche, nach Datum, Seite 3": lambda text: search_with_backend(
                SearchRequest(text=text, sort="date", page=3), viewer=viewer, backend=backend
            ),
        }
        target = TARGET_ELASTICSEARCH_P95_MS if use_elasticsearch else TARGET_DATABASE_P95_MS
        print(f"{'Szenario':<{NAME_WIDTH}}{'p50 ms':>9}{'p95 ms':>9}  Ziel p95")
        ok = True
        p95s = {}
        for name, call in scenarios.items():
            p50, p95s[name] = _timings(call, texts, requests)
            met = p95s[name] < target
            ok = ok and met
            verdict = "erreicht" if met else "VERFEHLT"
            print(f"{name:<{NAME_WIDTH}}{p50:>9.1f}{p95s[name]:>9.1f}  < {target} ms {verdict}")
        if use_elasticsearch:
            p50, plain = _timings(_plain_multi_match(viewer), texts, requests)
            print(f"{PLAIN_SCENARIO:<{NAME_WIDTH}}{p50:>9.1f}{plain:>9.1f}  (Vergleichsmaß)")
            name = "Kollegium-Abfrage allein (alle Arten)"
            p50, alone = _timings(_kollegium_backend_only(viewer), texts, requests)
            print(f"{name:<{NAME_WIDTH}}{p50:>9.1f}{alone:>9.1f}  (ohne Django-Teil)")
            ratio = alone / plain
            met = ratio <= TARGET_PLAIN_RATIO
            ok = ok and met
            verdict = "erreicht" if met else "VERFEHLT"
            print(
                f"Verhältnis p95 Kollegium-Abfrage / einfaches multi_match: {ratio:.2f}× "
                f"(Ziel ≤ {TARGET_PLAIN_RATIO}×) {verdict}; mit dem Django-Teil "
                f"(Suche, alle Arten) {p95s['Suche, alle Arten'] / plain:.2f}×"
            )
        p50, p95 = _timings(
            lambda text: autocomplete(text, viewer=viewer), _prefixes(texts), requests
        )
        met = p95 < TARGET_AUTOCOMPLETE_P95_MS
        ok = ok and met
        verdict = "erreicht" if met else "VERFEHLT"
        print(f"{'Autovervollständigung':<{NAME_WIDTH}}{p50:>9.1f}{p95:>9.1f}  < 30 ms {verdict}")
        if use_elasticsearch:
            from search.backends import get_backend
            from search.models import SearchEntry

            # The full rebuild above also refilled the database index; this is the bulk load
            # alone: every stored entry into a new index, then the alias swap.
            documents = SearchEntry.objects.count()
            started = time.perf_counter()
            get_backend().rebuild()
            bulk = time.perf_counter() - started
            throughput = total / bulk
            met = throughput >= TARGET_BULK_ITEMS_PER_SECOND
            ok = ok and met
            verdict = "erreicht" if met else "VERFEHLT"
            print(
                f"Bulk-Indexierung: {_number(documents)} Dokumente in {bulk:.1f} s, "
                f"{_number(throughput)} Elemente/s (Ziel ≥ 2.000) {verdict}, "
                f"{_number(documents / bulk)} Dokumente/s"
            )
        if demo is not None:
            ok = _vectors(demo, backend, viewer, texts, requests, use_elasticsearch, engine) and ok
        return ok


def _query_embedding_one_core(texts: list[str], passages: list[str]) -> dict[str, float]:
    """Query embedding p50/p95 and passages per second on one core: OpenMP reads
    OMP_NUM_THREADS when the model's engine starts, so in a process of its own."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as source:
        json.dump({"texts": texts, "passages": passages}, source)
    environment = {**os.environ, "OMP_NUM_THREADS": "1"}
    # Our own interpreter and module with fixed arguments: nothing from outside.
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.search", "--embedding-worker", source.name],
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    Path(source.name).unlink()
    return json.loads(completed.stdout.splitlines()[-1])


def _embedding_worker(path: str) -> None:
    from search.embedding import embed_passages, embed_query

    data = json.loads(Path(path).read_text())
    texts = data["texts"]
    embed_query("Aufwärmen")
    samples = []
    for text in texts:
        begin = time.perf_counter()
        embed_query(f"{text} ")  # a new text each time: the query cache must not answer
        samples.append((time.perf_counter() - begin) * 1000)
    begin = time.perf_counter()
    embed_passages(data["passages"])
    rate = len(data["passages"]) / (time.perf_counter() - begin)
    print(
        json.dumps(
            {
                "p50": statistics.median(samples),
                "p95": percentile(samples, 0.95),
                "passages_per_second": rate,
            }
        )
    )


def _synthetic_vectors(demo: dict[str, Any]) -> int:
    """Every entry gets vectors, one per passage `passage_texts` gives it: a demo passage's
    real vector, picked by the entry id and nudged a little (so no two are equal), then
    normalised again. Embedding 100,000 real texts would take hours here."""
    import numpy as np

    from search.embedding import passage_texts, text_hash
    from search.models import EntryVector, SearchEntry

    rng = np.random.default_rng(7)
    real = np.vstack(list(demo.values()))
    EntryVector.objects.all().delete()
    created = 0
    rows: list[EntryVector] = []
    for entry in SearchEntry.objects.only("entry_id", "kind", "title", "text").iterator(2000):
        for number, text in enumerate(passage_texts(entry)):
            digest = text_hash(text)
            vector = demo.get(digest)
            if vector is None:
                vector = real[rng.integers(len(real))] + rng.normal(0, 0.01, real.shape[1])
                vector = (vector / np.linalg.norm(vector)).astype(np.float32)
            row = EntryVector(entry_id=entry.entry_id, passage=number, text_hash=digest)
            row.vector = vector.tobytes()
            rows.append(row)
        if len(rows) >= 5000:
            EntryVector.objects.bulk_create(rows, batch_size=1000)
            created += len(rows)
            rows = []
    EntryVector.objects.bulk_create(rows, batch_size=1000)
    return created + len(rows)


def _disk_bytes(engine: str) -> int | None:
    from django.db import connection

    from search.models import EntryVector

    table = EntryVector._meta.db_table
    with connection.cursor() as cursor:
        if engine == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        else:
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE %s", [f"%{table}%"])
            except Exception:
                return None
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


@dataclass(frozen=True)
class _Demo:
    vectors: dict[str, Any]  # text hash of a passage -> its real vector
    passages: list[str]
    passages_per_second: float


def _demo_vectors() -> _Demo:
    """The demo network alone, indexed and embedded for real (before the bulk data exists):
    the build throughput on real texts of every kind, and the vectors the bulk data reuses."""
    from django.core.management import call_command

    from search import indexing
    from search.embedding import embed_passages, passage_texts, text_hash
    from search.models import SearchEntry

    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    indexing.rebuild()
    passages = list(
        dict.fromkeys(
            text for entry in SearchEntry.objects.order_by("id") for text in passage_texts(entry)
        )
    )
    begin = time.perf_counter()
    vectors = embed_passages(passages)
    rate = len(passages) / (time.perf_counter() - begin)
    return _Demo(
        vectors={text_hash(text): row for text, row in zip(passages, vectors, strict=True)},
        passages=passages,
        passages_per_second=rate,
    )


def _vectors(
    demo: _Demo,
    backend: str,
    viewer: Any,
    texts: list[str],
    requests: int,
    use_elasticsearch: bool,
    engine: str,
) -> bool:
    """The search by meaning at this size: build throughput on the demo's real texts, query
    embedding on one core, hybrid query latency, memory and disk per 100,000 vectors."""
    import numpy as np

    from search.api import SearchRequest, search_with_backend
    from search.backends import get_backend
    from search.backends.vector_matrix import _matrix, announce_change
    from search.models import SearchEntry

    one_core = _query_embedding_one_core(texts, demo.passages[:40])
    build_rate = demo.passages_per_second
    passages = demo.passages
    started = time.perf_counter()
    stored = _synthetic_vectors(demo.vectors)
    announce_change()
    entries = SearchEntry.objects.count()
    per_item = stored / max(entries, 1)
    print(
        f"\nVektoren: {_number(len(passages))} echte Demo-Abschnitte eingebettet, "
        f"{build_rate:.1f} Abschnitte/s (alle Kerne), {one_core['passages_per_second']:.1f}/s "
        "auf einem Kern"
    )
    hours = 100_000 * per_item / build_rate / 3600
    print(
        f"Aufbau für 100.000 Elemente (je {per_item:.2f} Abschnitte): etwa {hours:.1f} h "
        "(hochgerechnet; nur Geändertes wird neu berechnet)"
    )
    print(
        f"Synthetische Vektoren für {_number(entries)} Einträge ({_number(stored)} Abschnitte, "
        f"echte Demo-Vektoren leicht verschoben) in {time.perf_counter() - started:.0f} s"
    )
    if use_elasticsearch:
        started = time.perf_counter()
        get_backend().rebuild()
        print(f"Elasticsearch mit Vektoren neu befüllt in {time.perf_counter() - started:.0f} s")
    else:
        started = time.perf_counter()
        matrix = _matrix()
        megabytes = matrix.vectors.nbytes / 1e6 * 100_000 / max(len(matrix.entry_ids), 1)
        print(
            f"Vektormatrix geladen in {time.perf_counter() - started:.1f} s; Speicher "
            f"{megabytes:.0f} MB je 100.000 Abschnitte (float32, {np.float32().nbytes * 384} B "
            "je Vektor)"
        )
    disk = _disk_bytes(engine)
    if disk:
        print(f"Platte: {disk / 1e6 * 100_000 / max(stored, 1):.0f} MB je 100.000 Abschnitte")
    print(
        f"Anfrage einbetten (OMP_NUM_THREADS=1): p50 {one_core['p50']:.1f} ms, "
        f"p95 {one_core['p95']:.1f} ms"
    )
    target = TARGET_ELASTICSEARCH_HYBRID_P95_MS if use_elasticsearch else TARGET_DATABASE_P95_MS
    p50, p95 = _timings(
        lambda text: search_with_backend(
            SearchRequest(text=text), viewer=viewer, backend=backend, vectors=True
        ),
        texts,
        requests,
    )
    met = p95 < target
    verdict = "erreicht" if met else "VERFEHLT"
    print(
        f"{'Hybridsuche, alle Arten':<{NAME_WIDTH}}{p50:>9.1f}{p95:>9.1f}  < {target} ms {verdict} "
        "(Anfragevektor aus dem Cache: die Einbettung steht eine Zeile darüber)"
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--elasticsearch", action="store_true", help="Elasticsearch statt Datenbanksuche messen."
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--no-vectors", action="store_true", help="Die Bedeutungssuche nicht messen."
    )
    parser.add_argument("--embedding-worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.embedding_worker:
        _embedding_worker(arguments.embedding_worker)
        return
    if arguments.items < 3:
        parser.error("--items braucht mindestens 3 Elemente.")
    run(
        arguments.database,
        arguments.elasticsearch,
        arguments.items,
        arguments.requests,
        not arguments.no_vectors,
    )


if __name__ == "__main__":
    main()
