"""Benchmark: the German analysis chain that runs on every stored text and every query.

The database backends call `index_tokens` for each item they store and `query_tokens` for each
query, so a 100,000-item rebuild is bounded by this chain. Texts are built from the base lists
(random compounds, inflections, gender forms, hyphenated words), so most tokens are new to the
per-token cache at first ("kalt") and known on the second pass ("warm"). Prints texts/s,
tokens/s and per-query p50/p95.

With --compounds it measures the compound splitting instead: how many words of
tests/search/compound_sample.tsv (compounds of the demo library, further administrative
compounds, and simple words that must stay whole) a query splits right, with the curated
word-part list alone and with the parts learned from the indexed texts (`search.compounds`).

    make bench
    python -m bench.analysis --texts 1000 --words 300 --queries 2000
    python -m bench.analysis --compounds
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Mapping
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


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "search" / "compound_sample.tsv"
DEMO_LIBRARY = ROOT / "hub" / "knowledge" / "demo_library.toml"
_WORD = re.compile(r"[^\W\d_]{3,40}")


def read_sample(path: Path = SAMPLE) -> list[tuple[str, str]]:
    """(split as written, origin) per line: "Haushalts|plan|aufstellung", "verwaltung"."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            split, origin = line.split("\t")
            rows.append((split.strip(), origin.strip()))
    return rows


def demo_vocabulary() -> Counter[str]:
    """Words of the demo library with the number of practice examples they occur in."""
    library = tomllib.loads(DEMO_LIBRARY.read_text(encoding="utf-8"))
    vocabulary: Counter[str] = Counter()
    for article in library["article"]:
        text = " ".join(str(value) for value in article.values())
        vocabulary.update({word.lower() for word in _WORD.findall(text)})
    return vocabulary


def expected_boundaries(split: str) -> frozenset[int]:
    """Where the parts of a split as written begin in the normalised word."""
    from search.analysis import normalize_word

    boundaries, position = set(), 0
    for piece in split.split("|")[:-1]:
        position += len(normalize_word(piece))
        boundaries.add(position)
    return frozenset(boundaries)


def query_boundaries(chain: object, word: str) -> frozenset[int]:
    """Where a query splits the word: the starts of its covering parts, when they cover it
    but for linking letters and an inflection ending; else none."""
    from search.analysis import LINKING_LETTERS, GermanChain, normalize_word

    assert isinstance(chain, GermanChain)
    normalized = normalize_word(word)
    cover = chain.compound_cover(normalized)
    starts, position = [], 0
    for part in cover:
        start = normalized.find(part, position)
        if start - position > (0 if not starts else LINKING_LETTERS):
            return frozenset()
        starts.append(start)
        position = start + len(part)
    if len(starts) < 2 or len(normalized) - position > LINKING_LETTERS:
        return frozenset()
    return frozenset(starts[1:])


def split_right(chain: object, split: str) -> bool:
    """Right: a simple word stays whole; a compound is split only at its real seams (coarser
    is right: "Datenschutz|grundverordnung" for "Daten|schutz|grund|verordnung")."""
    expected = expected_boundaries(split)
    found = query_boundaries(chain, split.replace("|", ""))
    return found <= expected and bool(found) == bool(expected)


def compound_report(vocabularies: Mapping[str, Counter[str]]) -> None:
    from search.analysis import GermanChain, seed_stopwords, seed_word_parts
    from search.compounds import learn_word_parts

    sample = read_sample()
    origins = list(dict.fromkeys(origin for _split, origin in sample))
    chains = {"nur kuratierte Liste": GermanChain(seed_word_parts())}
    for label, vocabulary in vocabularies.items():
        started = time.perf_counter()
        learned = learn_word_parts(vocabulary, seed_word_parts(), seed_stopwords())
        elapsed = time.perf_counter() - started
        print(
            f"Gelernt aus {label}: {len(learned)} Wortbestandteile aus {len(vocabulary)} "
            f"Wörtern in {elapsed:.2f} s"
        )
        chains[f"+ gelernt aus {label}"] = GermanChain([*seed_word_parts(), *learned])
    header = "".join(f"{origin:>14}" for origin in [*origins, "gesamt"])
    print(f"\nRichtig zerlegt (von {len(sample)} Wörtern)\n{'':<48}{header}")
    for label, chain in chains.items():
        right = Counter(origin for split, origin in sample if split_right(chain, split))
        cells = [
            f"{right[origin]:>5} / {sum(o == origin for _s, o in sample):<6}" for origin in origins
        ]
        cells.append(f"{sum(right.values()):>5} / {len(sample):<6}")
        print(f"{label:<48}" + "".join(f"{cell:>14}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--compounds", action="store_true", help="Kompositazerlegung messen.")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    import django

    django.setup()
    if args.compounds:
        demo = demo_vocabulary()
        with_sample = demo + Counter(split.replace("|", "").lower() for split, _o in read_sample())
        compound_report(
            {"der Demo-Bibliothek": demo, "Demo-Bibliothek und Stichprobe": with_sample}
        )
        return
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
