"""Benchmark: search relevance on the judged German query set, per backend and category.

Seeds the demo network into a fresh database, indexes it (`search.indexing.rebuild()`) and runs
every query of tests/search/judgements.toml through `search.api.search_with_backend`. Prints
nDCG@10, recall@10 and the share of queries without results for the database backend on SQLite
and on PostgreSQL, for Elasticsearch with the Kollegium German chain and for Elasticsearch's
plain `german` analyzer as the baseline; each backend by words alone ("Wörter"), by the vectors
of the offline model alone ("Vektoren") and both fused ("hybrid", what the search page does).
Each engine runs in its own process (Django binds the database at start-up); PostgreSQL and
Elasticsearch are throwaway servers like the test suite's. The model embeds each passage text
once per run: the engines' processes share the vectors through a file (the model is
deterministic, and embedding the demo takes minutes).

    make bench-search
    python -m bench.relevance                       # every backend
    python -m bench.relevance --engines sqlite --details
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.directory import database

ENGINES = ("sqlite", "postgresql", "elasticsearch")
MODE_LABELS = {"words": "Wörter", "meaning": "Vektoren", "hybrid": "hybrid"}
RESULT_MARKER = "RELEVANCE-RESULT "


@contextlib.contextmanager
def elasticsearch(workdir: Path) -> Iterator[str]:
    from tests.engines.servers import elasticsearch_server

    with elasticsearch_server(workdir / "elasticsearch") as server:
        os.environ["ELASTICSEARCH_URL"] = server.url
        # The rebuild sends 1,000-document bulk requests with the query timeout (5 s by
        # default); a throwaway 512 MB node on a busy machine needs longer for them.
        os.environ.setdefault("ELASTICSEARCH_TIMEOUT", "60")
        yield server.version


def _store_vectors(cache: Path) -> None:
    """Give every entry its passage vectors (`search.vectors.update_vectors`): from the run's
    shared file where an earlier engine embedded the same text, from the model otherwise (the
    file is updated)."""
    import numpy as np

    from search.embedding import embed_passages, text_hash
    from search.models import SearchEntry
    from search.vectors import update_vectors

    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as stored:
            known = {digest: stored[digest] for digest in stored.files}

    def embed_unknown(texts: list[str]) -> np.ndarray:
        new_texts = list(dict.fromkeys(text for text in texts if text_hash(text) not in known))
        for text, row in zip(new_texts, embed_passages(new_texts), strict=True):
            known[text_hash(text)] = row
        return np.stack([known[text_hash(text)] for text in texts])

    update_vectors(
        SearchEntry.objects.order_by("id").values_list("entry_id", flat=True), embed=embed_unknown
    )
    np.savez(cache, **known)


def measure(engine: str, details: bool, cache: Path) -> dict[str, object]:
    """Run in a fresh process: seed, index and judge one engine's backends."""
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kollegium-bench-")))
        server = "postgresql" if engine == "postgresql" else "sqlite"
        # "PostgreSQL 15.18 (Debian …)" -> "PostgreSQL 15.18": the columns stay readable.
        label = stack.enter_context(database(server, tmp)).split(" (")[0]
        backends = {"database": f"DB {label}"}
        if engine == "elasticsearch":
            version = stack.enter_context(elasticsearch(tmp))
            backends = {
                "elasticsearch": f"ES {version} Kollegium",
                "elasticsearch-baseline": f"ES {version} german",
            }
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"
        os.environ["DEBUG"] = "false"
        # The vectors come from `_store_vectors`; each search turns meaning on as it needs.
        os.environ["SEARCH_VECTORS"] = "false"
        import django

        django.setup()
        # The dev settings log every task and publication; the figures are what matters here.
        logging.disable(logging.INFO)
        from django.core.management import call_command

        from search import indexing
        from tests.search.relevance import MODES, recall_at, run_judged_set, score_by_category

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        indexing.rebuild()
        _store_vectors(cache)
        from search.backends import get_backend

        # Elasticsearch holds the vectors in its documents. `update_vectors` sent them, but
        # leaves a failed send to the outbox; the rebuild raises instead of measuring less.
        get_backend().rebuild()
        # Each backend by words alone, by meaning alone and both fused; the baseline by words.
        runs = [
            (backend, f"{name} {MODE_LABELS[mode]}", False, mode)
            for backend, name in backends.items()
            for mode in (("words",) if backend == "elasticsearch-baseline" else MODES)
        ]
        # The database backend answers typos with "Meinten Sie …?"; judge the click on it too.
        if engine != "elasticsearch":
            runs.append(("database", f"DB {label} + Meinten Sie", True, "words"))
        tables: dict[str, object] = {}
        for backend, name, follow, mode in runs:
            outcomes = run_judged_set(backend, follow_suggestion=follow, mode=mode)
            tables[name] = {
                category: dataclasses.asdict(scores)
                for category, scores in score_by_category(outcomes).items()
            }
            if details:
                print(f"\n{name}: Anfragen mit Recall@10 < 1", file=sys.stderr)
                for outcome in outcomes:
                    recall = recall_at(outcome.ranked, outcome.judgement.grades)
                    if recall < 1:
                        print(
                            f"  {outcome.judgement.text!r:<45} Recall {recall:.2f}, "
                            f"{outcome.total} Treffer, oben: {', '.join(outcome.ranked[:3])}",
                            file=sys.stderr,
                        )
        return tables


def _table(tables: dict[str, dict[str, dict[str, float]]]) -> None:
    categories = list(next(iter(tables.values())))
    for name, table in tables.items():
        print(f"\n{name}")
        print(f"| {'Kategorie':<12} | Anfragen | nDCG@10 | Recall@10 | ohne Treffer |")
        print(f"|{'-' * 14}|---------:|--------:|----------:|-------------:|")
        for category in categories:
            scores = table[category]
            print(
                f"| {category:<12} | {scores['queries']:>8} | {scores['ndcg']:>7.3f} "
                f"| {scores['recall']:>9.3f} | {scores['zero_results']:>11.0%} |"
            )
    print("\nVergleich nDCG@10 / Recall@10 je Kategorie")
    names = list(tables)
    widths = [max(len(name), 13) for name in names]
    columns = list(zip(names, widths, strict=True))
    print("| Kategorie    | " + " | ".join(n.ljust(w) for n, w in columns) + " |")
    print("|--------------|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for category in categories:
        cells = [
            f"{tables[n][category]['ndcg']:.3f} / {tables[n][category]['recall']:.3f}".rjust(w)
            for n, w in columns
        ]
        print(f"| {category:<12} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--details", action="store_true", help="Verfehlte Anfragen auflisten.")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--vector-cache", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        result = measure(arguments.worker, arguments.details, arguments.vector_cache)
        print(RESULT_MARKER + json.dumps(result))
        return

    tables: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="kollegium-relevance-") as shared_dir:
        shared = Path(shared_dir)
        for engine in arguments.engines:
            command = [sys.executable, "-m", "bench.relevance", "--worker", engine]
            command += ["--vector-cache", str(shared / "vectors.npz")]
            if arguments.details:
                command.append("--details")
            print(f"Messe {engine} …", file=sys.stderr, flush=True)
            # Our own interpreter and module with fixed arguments: nothing from outside.
            completed = subprocess.run(  # noqa: S603
                command, stdout=subprocess.PIPE, text=True, check=False
            )
            lines = [ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
            if completed.returncode != 0 or not lines:
                print(f"{engine}: Messung fehlgeschlagen (Exit-Code {completed.returncode})")
                continue
            tables.update(json.loads(lines[-1][len(RESULT_MARKER) :]))
    if not tables:
        sys.exit("Keine Messung gelungen.")
    from tests.search.relevance import judgements

    print(f"\nRelevanz: {len(judgements())} bewertete Anfragen, gesucht wird in Praxisbeispielen")
    print("„+ Meinten Sie“: Anfragen mit Vorschlag werden nach einem Klick darauf bewertet.")
    _table(tables)


if __name__ == "__main__":
    main()
