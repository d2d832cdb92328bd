"""Edge-level scores: residue pairs from a GAMA matrix, their table, null draws and the
measures that need no k; the reductions that weigh both ends of a pair alike."""

import math

import numpy as np
import pytest
import torch

from seqattr.gama.metric import combined_profile, importance_profile, score_matrix, scoring_profiles
from seqattr.gama.vocabulary import MODEL_FREE_BASELINES, REDUCTIONS, metric_kind
from seqattr.gama_validation.edges import (edge_auprc, edge_table, null_edge_draws, position_auroc, position_scores,
                                           residue_edges, symmetric_to_edges, threshold_fpr)

pytestmark = pytest.mark.usefixtures("one_thread")


def token_matrix(length: int, edges: dict) -> torch.Tensor:
    """A GAMA-shaped matrix over L + 2 tokens: 0 where defined (output j >= input p, j >= 1),
    NaN elsewhere as `metric._undefined` leaves it, and `edges` {(input i, output o): score}
    at entry (o - 1, i)."""
    matrix = torch.zeros(length + 2, length + 2, dtype=torch.float64).tril()
    matrix[torch.ones(length + 2, length + 2, dtype=torch.bool).triu(1)] = float("nan")
    matrix[0] = float("nan")
    for (i, o), score in edges.items():
        matrix[o - 1, i] = score
    return matrix


def test_residue_edges_reads_output_o_minus_1_at_input_token_i():
    length = 4
    matrix = torch.arange((length + 2) ** 2, dtype=torch.float64).reshape(length + 2, length + 2)
    edges = residue_edges(matrix)
    assert edges.shape == (length, length)
    for i in range(1, length + 1):
        for o in range(1, length + 1):
            if i < o:
                assert edges[i - 1, o - 1] == matrix[o - 1, i].item(), (i, o)
            else:
                assert np.isnan(edges[i - 1, o - 1]), (i, o)
    np.testing.assert_array_equal(residue_edges(matrix.numpy()), edges)
    with pytest.raises(ValueError, match="square"):
        residue_edges(np.zeros((4, 5)))


def test_symmetric_to_edges_keeps_the_upper_triangle():
    symmetric = np.array([[np.nan, 1.0, 2.0], [1.0, np.nan, 3.0], [2.0, 3.0, np.nan]])
    expected = np.array([[np.nan, 1.0, 2.0], [np.nan, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    np.testing.assert_array_equal(symmetric_to_edges(symmetric), expected)


def test_edge_table_ranks_flags_planted_pairs_and_places_the_score_among_its_null_draws():
    edges = np.full((4, 4), np.nan)
    edges[0, 1], edges[0, 2], edges[0, 3] = 0.2, 0.9, 0.5
    edges[1, 2], edges[1, 3], edges[2, 3] = 0.5, np.nan, 0.1
    null = np.full((4, 4, 4), np.nan)
    null[:, 0, 2] = [0.1, 0.95, 0.9, np.nan]  # score 0.9: 2 of the 3 defined draws reach it
    null[:, 2, 3] = [0.0, 0.0, 0.0, 0.0]  # score 0.1: none do
    table = edge_table(edges, planted={(1, 3), (2, 4)}, null_edges=null)
    assert list(table.columns) == ["input", "output", "score", "rank", "planted", "null_mean", "null_sd", "null_p"]
    # best first; the tie 0.5 broken by (input, output): (1, 4) before (2, 3); NaN last
    assert list(zip(table["input"], table["output"])) == [(1, 3), (1, 4), (2, 3), (1, 2), (3, 4), (2, 4)]
    assert table["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["planted"].tolist() == [True, False, False, False, False, True]
    first = table.iloc[0]
    assert first["null_p"] == pytest.approx(3 / 4)
    assert first["null_mean"] == pytest.approx(np.mean([0.1, 0.95, 0.9]))
    assert first["null_sd"] == pytest.approx(np.std([0.1, 0.95, 0.9], ddof=1))
    assert table.set_index(["input", "output"]).loc[(3, 4), "null_p"] == pytest.approx(1 / 5)
    assert np.isnan(table.iloc[-1]["null_p"])  # a NaN score has no p
    assert np.isnan(table.set_index(["input", "output"]).loc[(1, 2), "null_mean"])  # no draw defines it


def test_edge_table_without_planted_or_null_has_neither_column_and_refuses_a_pair_that_is_not_input_before_output():
    edges = symmetric_to_edges(np.ones((3, 3)))
    assert list(edge_table(edges).columns) == ["input", "output", "score", "rank"]
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        edge_table(edges, planted={(3, 2)})
    with pytest.raises(ValueError, match="null draws"):
        edge_table(edges, null_edges=np.zeros((5, 4, 4)))


def test_edge_auprc_is_one_with_the_planted_pairs_on_top_and_the_prevalence_for_a_constant_score():
    length = 12
    rng = np.random.default_rng(0)
    edges = symmetric_to_edges(rng.uniform(0, 1, (length, length)))
    edges[1, 3], edges[4, 8] = 2.0, 3.0
    planted = {(2, 4), (5, 9)}
    assert edge_auprc(edge_table(edges, planted)) == 1.0
    constant = symmetric_to_edges(np.ones((length, length)))
    assert edge_auprc(edge_table(constant, planted)) == pytest.approx(2 / 66)
    edges[0, 1] = 5.0
    assert edge_auprc(edge_table(edges, {(2, 4)})) == pytest.approx(1 / 3)  # ranked third after (1, 2) and (5, 9)
    edges[1, 3] = np.nan  # a NaN score ranks last: 1 planted of 66 at the bottom
    assert edge_auprc(edge_table(edges, {(2, 4)})) == pytest.approx(1 / 66)
    assert math.isnan(edge_auprc(edge_table(edges, set())))
    with pytest.raises(ValueError, match="planted"):
        edge_auprc(edge_table(edges))


def test_max_reduction_gives_both_ends_of_an_edge_the_same_score_where_the_input_role_drowns_one():
    length = 12
    matrix = token_matrix(length, {(2, 4): 1.0})
    by_max = importance_profile(matrix, "max")
    assert by_max.dtype == matrix.dtype
    expected = np.zeros(length)
    expected[[1, 3]] = 1.0
    np.testing.assert_allclose(by_max.numpy(), expected)
    by_input = importance_profile(matrix, "input")
    assert by_input[1].item() == pytest.approx(1 / 11)  # averaged over outputs 2..12 (r_3..r_12 and END)
    assert by_input[3].item() == 0.0  # the predicted end is not an input of the edge
    by_output = importance_profile(matrix, "output")
    assert by_output[3].item() == pytest.approx(1 / 3) and by_output[1].item() == 0.0
    np.testing.assert_allclose(importance_profile(matrix, "sum").numpy(), expected)


def test_position_scores_max_and_sum_over_partners_take_the_larger_role_and_are_nan_only_without_any_edge():
    edges = np.full((4, 4), np.nan)
    edges[0, 1], edges[0, 2], edges[1, 2] = 1.0, 2.0, 4.0
    # position 1: input 1, 2 (max 2, sum 3); position 2: input 4, output 1; 3: output 2, 4; 4: none
    np.testing.assert_allclose(position_scores(edges, "max"), [2.0, 4.0, 4.0, np.nan])
    np.testing.assert_allclose(position_scores(edges, "sum"), [3.0, 4.0, 6.0, np.nan])
    with pytest.raises(ValueError, match="how"):
        position_scores(edges, "mean")


def test_every_reduction_is_accepted_by_the_profiles_and_the_combined_profile_adds_information():
    length = 6
    matrix = token_matrix(length, {(1, 5): 0.3, (2, 3): -0.1})
    for reduction in REDUCTIONS:
        assert importance_profile(matrix, reduction).shape == (length,)
    information = torch.linspace(0, 1, length, dtype=torch.float64)
    expected = information.numpy() + np.nan_to_num(position_scores(residue_edges(matrix), "max"))
    np.testing.assert_allclose(combined_profile(matrix, information, "max").numpy(), expected)
    with pytest.raises(ValueError, match="reduction"):
        importance_profile(matrix, "mean")


def test_scoring_profiles_reduce_the_shared_matrix_by_max():
    generator = torch.Generator().manual_seed(0)
    trained = {("exact", "log_prob"): torch.randn(40, 7, 7, generator=generator, dtype=torch.float64).tril()}
    initial = {("exact", "log_prob"): torch.randn(40, 7, 7, generator=generator, dtype=torch.float64).tril()}
    for _, matrix, profile in scoring_profiles(trained, initial, ("gama",), ("max",)):
        np.testing.assert_allclose(profile.numpy(), position_scores(residue_edges(matrix), "max"))


def test_model_free_baselines_are_of_kind_baseline_and_unknown_metrics_still_raise():
    assert MODEL_FREE_BASELINES == ("logo", "mi_apc", "potts_apc")
    assert {metric_kind(m) for m in MODEL_FREE_BASELINES} == {"baseline"}
    assert metric_kind("information") == "baseline" and metric_kind("null_spread") == "gama"
    with pytest.raises(ValueError, match="potts_apc"):
        metric_kind("potts")


def test_position_auroc():
    scores = [5.0, 1.0, 4.0, 2.0, np.nan]
    assert position_auroc(scores, [1, 3]) == 1.0
    assert position_auroc(scores, [2, 4]) == pytest.approx(2 / 6)  # 1 and 2 beat only the NaN of 5
    assert position_auroc(scores, [4]) == pytest.approx(2 / 4)  # 2 beats 1 and the NaN
    assert position_auroc(scores, [5]) == 0.0  # NaN ranks last
    assert math.isnan(position_auroc(scores, []))
    assert math.isnan(position_auroc(scores, [1, 2, 3, 4, 5]))
    with pytest.raises(ValueError, match="outside"):
        position_auroc(scores, [6])


def test_threshold_fpr_is_the_share_of_positions_the_modified_z_flags():
    rng = np.random.default_rng(1)
    scores = rng.normal(0, 1, 12)
    assert threshold_fpr(scores) == 0.0
    scores[[3, 7]] = 40.0
    assert threshold_fpr(scores) == pytest.approx(2 / 12)
    assert threshold_fpr(scores, threshold_z=1e6) == 0.0
    assert threshold_fpr(np.ones(12)) == 0.0


def ig_tensors(n=60, tokens=8, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, tokens, tokens, generator=generator, dtype=torch.float64).tril()


def test_null_edge_draws_are_the_metric_of_the_null_model_on_seeded_resamples():
    null, reference = ig_tensors(seed=1), ig_tensors(seed=2)
    draws = null_edge_draws(null, reference, "gama", draws=5, seed=11)
    assert draws.shape == (5, 6, 6)
    rng = np.random.default_rng(11)
    rows = torch.from_numpy(rng.integers(0, 60, size=60))
    np.testing.assert_allclose(draws[0], residue_edges(score_matrix(null[rows], reference[rows], "gama")))
    np.testing.assert_array_equal(draws, null_edge_draws(null, reference, "gama", draws=5, seed=11))
    assert not np.allclose(draws, null_edge_draws(null, reference, "gama", draws=5, seed=12), equal_nan=True)
    assert not np.allclose(draws[0], draws[1], equal_nan=True)


def test_null_edge_draws_set_the_null_model_against_itself_when_it_is_the_reference():
    null, initial = ig_tensors(seed=3), ig_tensors(seed=4)
    draws = null_edge_draws(null, initial, "null_spread", draws=3, seed=5)
    rng = np.random.default_rng(5)
    rows_a = torch.from_numpy(rng.integers(0, 60, size=60))
    rows_b = torch.from_numpy(rng.integers(0, 60, size=60))
    expected = null[rows_a].std(dim=0) - null[rows_b].std(dim=0)
    np.testing.assert_allclose(draws[0], residue_edges(expected.numpy()))
    # the initial model is not read by the null metrics; None marks a null reference for any metric
    np.testing.assert_array_equal(draws, null_edge_draws(null, None, "null_spread", draws=3, seed=5))
    assert null_edge_draws(null, None, "effect_size", draws=2, seed=5).shape == (2, 6, 6)
    with pytest.raises(ValueError, match="information"):
        null_edge_draws(null, initial, "information")
