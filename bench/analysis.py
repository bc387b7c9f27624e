"""Benchmark: the German analysis chain that runs on every stored text and every query.

The database backends call `index_tokens` for each item they store and `query_tokens` for each
query, so a 100,000-item rebuild is bounded by this chain. Texts are built from the base lists
(random compounds, inflections, gender forms, hyphenated words), so most tokens are new to the
per-token cache at first ("kalt") and known on the second pass ("warm"). Prints texts/s,
tokens/s and per-query p50/p95.

    make bench
    python -m bench.analysis --texts 5000 --words 300 --queries 2000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ENDINGS = ("", "", "en", "e", "s", "n", "er", "innen")


def build_texts(parts: tuple[str, ...], count: int, words: int, rng: random.Random) -> list[str]:
    vocabulary = [part.capitalize() for part in parts]

    def word() -> str:
        roll = rng.random()
        if roll < 0.3:
            return rng.choice(vocabulary) + rng.choice(parts) + rng.choice(ENDINGS)
        if roll < 0.35:
            return f"{rng.choice(vocabulary)}-{rng.choice(vocabulary)}"
        if roll < 0.38:
            return f"{rng.choice(vocabulary)}*innen"
        if roll < 0.55:
            return rng.choice(("die", "der", "und", "in", "für", "mit", "den", "im"))
        return rng.choice(vocabulary) + rng.choice(ENDINGS)

    return [" ".join(word() for _ in range(words)) + "." for _ in range(count)]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=5000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    import django

    django.setup()
    from search.analysis import GermanChain, seed_word_parts

    rng = random.Random(7)  # noqa: S311 - reproducible benchmark data
    parts = seed_word_parts()
    texts = build_texts(parts, args.texts, args.words, rng)
    queries = [" ".join(text.split()[:3]) for text in build_texts(parts, args.queries, 3, rng)]
    chain = GermanChain(parts)

    print(f"{'Durchlauf':<22}{'Texte/s':>10}{'Tokens/s':>12}")
    for label in ("Speichern, kalt", "Speichern, warm"):
        started = time.perf_counter()
        tokens = sum(len(chain.tokens(text)) for text in texts)
        elapsed = time.perf_counter() - started
        print(f"{label:<22}{len(texts) / elapsed:>10,.0f}{tokens / elapsed:>12,.0f}")

    fresh = GermanChain(parts)
    timings = []
    for query in queries:
        started = time.perf_counter()
        fresh.tokens(query)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"Anfrage (kalt): p50 {percentile(timings, 0.5):.3f} ms, "
        f"p95 {percentile(timings, 0.95):.3f} ms über {len(queries)} Anfragen"
    )


if __name__ == "__main__":
    main()
