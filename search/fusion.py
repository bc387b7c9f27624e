"""Reciprocal rank fusion: one ranking from several, by rank alone (Cormack, Clarke and
Büttcher 2009). The scores of the word search and of the vector search are not comparable,
their ranks are; the same function fuses them for every backend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# The constant of the original paper: damps the difference between the very first ranks.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]],
    *,
    weights: Sequence[Mapping[str, float]] = (),
    k: int = RRF_K,
) -> list[tuple[str, float]]:
    """Every item of the rankings, best first, with its fused score: the sum over the
    rankings of weight / (k + rank), rank counted from 1, weight 1 unless `weights` (one
    mapping per ranking) says otherwise. Ties keep the order in which the items first appear
    (the first ranking's order first)."""
    scores: dict[str, float] = {}
    for number, ranking in enumerate(rankings):
        weight = weights[number] if number < len(weights) else {}
        for rank, item in enumerate(dict.fromkeys(ranking), start=1):
            scores[item] = scores.get(item, 0.0) + weight.get(item, 1.0) / (k + rank)
    order = {item: position for position, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))
