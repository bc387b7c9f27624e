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
import logging
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.directory import database, percentile
from bench.relevance import elasticsearch

TARGET_ELASTICSEARCH_P95_MS = 50
TARGET_DATABASE_P95_MS = 150
TARGET_AUTOCOMPLETE_P95_MS = 30
TARGET_BULK_ITEMS_PER_SECOND = 2000
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


def run(engine: str, use_elasticsearch: bool, items: int, requests: int) -> bool:
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kollegium-bench-")))
        label = stack.enter_context(database(engine, tmp))
        backend = "database"
        if use_elasticsearch:
            label = f"Elasticsearch {stack.enter_context(elasticsearch(tmp))} auf {label}"
            backend = "elasticsearch"
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"
        os.environ["DEBUG"] = "false"
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
        print(f"{'Szenario':<30}{'p50 ms':>9}{'p95 ms':>9}  Ziel p95")
        ok = True
        for name, call in scenarios.items():
            p50, p95 = _timings(call, texts, requests)
            met = p95 < target
            ok = ok and met
            verdict = "erreicht" if met else "VERFEHLT"
            print(f"{name:<30}{p50:>9.1f}{p95:>9.1f}  < {target} ms {verdict}")
        p50, p95 = _timings(
            lambda text: autocomplete(text, viewer=viewer), _prefixes(texts), requests
        )
        met = p95 < TARGET_AUTOCOMPLETE_P95_MS
        ok = ok and met
        verdict = "erreicht" if met else "VERFEHLT"
        print(f"{'Autovervollständigung':<30}{p50:>9.1f}{p95:>9.1f}  < 30 ms {verdict}")
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
        return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--elasticsearch", action="store_true", help="Elasticsearch statt Datenbanksuche messen."
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    arguments = parser.parse_args()
    if arguments.items < 3:
        parser.error("--items braucht mindestens 3 Elemente.")
    run(arguments.database, arguments.elasticsearch, arguments.items, arguments.requests)


if __name__ == "__main__":
    main()
