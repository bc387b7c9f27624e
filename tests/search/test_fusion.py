"""Reciprocal rank fusion (search.fusion): the rule that merges the words' and the meaning's
rankings on every backend."""

import pytest

from search.fusion import RRF_K, reciprocal_rank_fusion


def test_an_item_in_both_rankings_outranks_one_in_a_single_ranking():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]])

    assert [item for item, _score in fused] == ["b", "a", "d", "c"]
    assert dict(fused)["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))


def test_scores_are_the_sum_of_reciprocal_ranks_with_k_60():
    fused = dict(reciprocal_rank_fusion([["x", "y"]]))

    assert fused == {"x": pytest.approx(1 / 61), "y": pytest.approx(1 / 62)}


def test_ties_keep_the_first_rankings_order():
    fused = reciprocal_rank_fusion([["words"], ["meaning"]])

    assert [item for item, _score in fused] == ["words", "meaning"]


def test_a_repeated_item_counts_at_its_first_rank_only():
    fused = dict(reciprocal_rank_fusion([["a", "a", "b"]]))

    assert fused == {"a": pytest.approx(1 / 61), "b": pytest.approx(1 / 62)}


def test_weights_scale_an_items_share_of_one_ranking():
    fused = reciprocal_rank_fusion([["partial", "full"], ["meant"]], weights=[{"partial": 0.25}])

    assert [item for item, _score in fused] == ["meant", "full", "partial"]
    assert dict(fused)["partial"] == pytest.approx(0.25 / 61)


def test_nothing_to_fuse_gives_nothing():
    assert reciprocal_rank_fusion([[], []]) == []
