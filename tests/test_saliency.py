"""Saliency methods, removal, the perturbation table and motif recovery on known answers."""

import numpy as np
import pytest
import torch
from torch import nn

from seqattr import InputError
from seqattr.saliency.attribution import saliency_scores
from seqattr.saliency.perturbation import perturbation_accuracy, removal_mask, remove_positions
from seqattr.saliency.summary_steps import evaluation_indices
from seqattr.saliency.recovery import motif_truth, per_sequence_auprc, per_sequence_auroc, recovery_summary
from saliency_helpers import WindowModel


def one_hot(codes):
    codes = np.asarray(codes)
    return np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1).copy()


class Linear(nn.Module):
    """logits = sum(W * x) + b per class: IG from a zero baseline and grad x input both
    equal W[target] * x exactly."""

    def __init__(self, weights):
        super().__init__()
        self.weights = nn.Parameter(torch.as_tensor(weights, dtype=torch.float32))  # (C, 4, L)
        self.bias = nn.Parameter(torch.tensor([0.3, -0.2]))

    def forward(self, x):
        return torch.einsum("ncl,kcl->nk", x, self.weights) + self.bias


def test_linear_model_ig_and_grad_x_input_equal_the_weight_at_the_observed_base():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(2, 4, 12))
    codes = rng.integers(0, 4, size=(5, 12))
    x = one_hot(codes)
    model = Linear(weights)
    expected_pred = (np.einsum("ncl,kcl->nk", x, weights) + [0.3, -0.2]).argmax(1)
    expected = weights[expected_pred[:, None], codes, np.arange(12)[None, :]]
    for method in ("ig", "grad_x_input"):
        result = saliency_scores(model, x, method, ig_steps=8)
        np.testing.assert_array_equal(result.targets, expected_pred)
        np.testing.assert_allclose(result.scores, expected, rtol=1e-5, atol=1e-5)
    ig = saliency_scores(model, x, "ig", ig_steps=8)
    assert np.abs(ig.delta).max() < 1e-4  # the integral is exact for a linear model
    labels = 1 - expected_pred
    by_label = saliency_scores(model, x, "grad_x_input", labels=labels, target="label")
    np.testing.assert_allclose(by_label.scores, weights[labels[:, None], codes, np.arange(12)[None, :]],
                               rtol=1e-5, atol=1e-5)


def test_ig_on_a_nonlinear_model_is_complete_and_batching_does_not_change_it():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv1d(4, 6, 5, padding=2), nn.BatchNorm1d(6), nn.Tanh(), nn.Flatten(),
                          nn.Linear(6 * 20, 2))
    model.train()  # saliency must switch to eval (BatchNorm running stats) and switch back
    x = one_hot(np.random.default_rng(1).integers(0, 4, size=(9, 20)))
    one = saliency_scores(model, x, "ig", ig_steps=64, ig_internal_batch_size=32)  # steps split over passes
    two = saliency_scores(model, x, "ig", ig_steps=64, ig_internal_batch_size=64 * 9)  # all in one pass
    assert model.training
    np.testing.assert_allclose(one.scores, two.scores, rtol=1e-4, atol=1e-6)
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x))
        zero = model(torch.zeros_like(torch.from_numpy(x)))
    change = (logits - zero)[np.arange(9), one.targets].numpy()
    np.testing.assert_allclose(one.scores.sum(1), change, atol=5e-3)
    np.testing.assert_allclose(one.delta, one.scores.sum(1) - change, atol=1e-4)


def test_deep_lift_shap_on_a_linear_model_is_the_weight_contrast_for_each_rows_own_class():
    """For a linear model DeepLIFT is exact: base i's hypothetical contribution minus base
    j's is W[target, i] - W[target, j] at every position, whatever the references."""
    rng = np.random.default_rng(2)
    weights = rng.normal(size=(2, 4, 16))
    x = one_hot(rng.integers(0, 4, size=(7, 16)))
    labels = np.array([0, 1, 1, 0, 1, 0, 0])
    result = saliency_scores(Linear(weights), x, "deep_lift_shap", labels=labels, target="label", shuffles=3,
                             batch_size=4)  # pairs split over passes, both classes explained
    np.testing.assert_array_equal(result.targets, labels)
    contrast = result.hypothetical - result.hypothetical[:, :1]
    np.testing.assert_allclose(contrast, weights[labels] - weights[labels][:, :1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(result.scores, (result.hypothetical * x).sum(axis=1), rtol=1e-6, atol=1e-6)
    assert result.max_pair_delta.max() < 1e-4 and np.abs(result.delta).max() < 1e-4


def tiny_models():
    from seqattr.classify.models.attngen import AttnGen
    from seqattr.classify.models.cnn import GenomicBenchmarksCNN

    torch.manual_seed(0)
    return {"cnn": GenomicBenchmarksCNN(30, 2, channels=[6, 4], kernel_size=5, hidden=8),
            "attngen": AttnGen(30, 3, channels=6, hidden=8, dilations=[2])}


def test_deep_lift_shap_converges_on_the_cnn_and_attngen_and_is_seeded():
    x = one_hot(np.random.default_rng(3).integers(0, 4, size=(6, 30)))
    for name, model in tiny_models().items():
        model.train()  # switched to eval for the attribution and back
        first = saliency_scores(model, x, "deep_lift_shap", shuffles=4, shuffle_seed=5)
        assert model.training, name
        assert first.max_pair_delta.max() < 1e-4, name
        np.testing.assert_array_equal(first.scores, saliency_scores(model, x, "deep_lift_shap", shuffles=4,
                                                                    shuffle_seed=5).scores)
        assert not np.array_equal(first.scores, saliency_scores(model, x, "deep_lift_shap", shuffles=4,
                                                                shuffle_seed=6).scores), name


class FunctionalPooling(nn.Module):
    """AttnGen's pooling as a plain einsum, which DeepLIFT has no rule for."""

    def forward(self, features, weights):
        return torch.einsum("ncl,nl->nc", features, weights)


def test_attngen_pooling_without_tangermemes_rules_shows_in_the_deltas():
    """The softmax module and the swapped-in BilinearOp are what make AttnGen's deltas
    small: with the pooling and softmax as plain functions they are treated as linear."""
    x = one_hot(np.random.default_rng(4).integers(0, 4, size=(6, 30)))
    model = tiny_models()["attngen"].eval()
    with_rules = saliency_scores(model, x, "deep_lift_shap", shuffles=4).max_pair_delta.max()
    model.pool = FunctionalPooling()
    model.softmax = nn.Identity()
    model.normalise = lambda logits: torch.softmax(logits, dim=1)
    without = saliency_scores(model, x, "deep_lift_shap", shuffles=4).max_pair_delta.max()
    assert with_rules < 1e-5 < without and without > 100 * with_rules


def test_deep_lift_shap_refuses_ambiguous_or_padded_positions():
    x = one_hot(np.zeros((2, 10), dtype=int))
    x[1, :, 3] = 0.25
    with pytest.raises(ValueError, match="deep_lift_shap needs one-hot sequences .*1 of 2 rows"):
        saliency_scores(Linear(np.zeros((2, 4, 10))), x, "deep_lift_shap")


def test_attention_returns_the_models_importance_and_needs_one():
    x = one_hot(np.zeros((3, 10), dtype=int))
    result = saliency_scores(WindowModel(2, 5), x, "attention")
    assert result.scores.shape == (3, 10)
    assert np.isnan(result.delta).all()
    np.testing.assert_allclose(result.scores[:, 2:5], 1 / 3, atol=1e-6)
    with pytest.raises(ValueError, match="importance"):
        saliency_scores(nn.Sequential(nn.Flatten(), nn.Linear(40, 2)), x, "attention")
    with pytest.raises(ValueError, match="unknown saliency method 'shap'"):
        saliency_scores(WindowModel(2, 5), x, "shap")


def test_removal_mask_counts_real_positions_and_skips_padding():
    scores = np.array([[5.0, 4, 3, 2, 1, 0, 9, 9]])
    valid = np.array([[True] * 6 + [False] * 2])
    rng = np.random.default_rng(0)
    top = removal_mask(scores, 0.5, "top", rng, valid)
    np.testing.assert_array_equal(top, [[1, 1, 1, 0, 0, 0, 0, 0]])
    bottom = removal_mask(scores, 0.5, "bottom", rng, valid)
    np.testing.assert_array_equal(bottom, [[0, 0, 0, 1, 1, 1, 0, 0]])
    random = removal_mask(np.zeros((200, 8)), 0.5, "random", rng, np.repeat(valid, 200, 0))
    assert (random.sum(1) == 3).all() and not random[:, 6:].any()
    assert random[:, :6].mean(0).min() > 0.3  # every real position gets drawn
    assert not removal_mask(scores, 0.0, "top", rng).any()
    assert removal_mask(scores, 1.0, "bottom", rng).all()
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        removal_mask(scores, 1.5, "top", rng)


def test_remove_positions_zero_and_random_base():
    x = one_hot(np.array([[0, 1, 2, 3, 0, 1]]))
    scores = np.array([[0.0, 6, 1, 5, 2, 3]])
    zeroed = remove_positions(x, scores, 1 / 3, "top", "zero")
    np.testing.assert_array_equal(zeroed.sum(1), [[1, 0, 1, 0, 1, 1]])
    np.testing.assert_array_equal(zeroed[:, :, [0, 2, 4, 5]], x[:, :, [0, 2, 4, 5]])
    assert x.sum() == 6  # the input is not modified
    based = remove_positions(x, scores, 1 / 3, "top", "random_base", np.random.default_rng(0))
    np.testing.assert_array_equal(based.sum(1), np.ones((1, 6)))
    with pytest.raises(ValueError, match="removal mode"):
        remove_positions(x, scores, 0.5, "top", "shuffle")


def test_removing_the_window_a_model_reads_destroys_accuracy_and_the_rest_does_not():
    rng = np.random.default_rng(0)
    n, length, start, end = 400, 50, 20, 30
    codes = rng.integers(0, 4, size=(n, length))
    labels = rng.integers(0, 2, size=n)
    codes[:, start:end] = np.where(labels[:, None] == 1, 2, 1)  # all G or all C in the window
    model = WindowModel(start, end)
    x = one_hot(codes)
    scores = {"attention": saliency_scores(model, x, "attention").scores,
              "ig": saliency_scores(model, x, "ig", ig_steps=16).scores}
    table = perturbation_accuracy(model, x, labels, scores, [0, 0.2, 0.5], seed=3)
    assert list(table.columns) == ["method", "order", "fraction", "accuracy", "n"]
    assert len(table) == 2 * 3 * 3 and (table["n"] == n).all()
    acc = table.set_index(["method", "order", "fraction"])["accuracy"]
    for method in scores:
        assert acc[method, "top", 0.0] == acc[method, "random", 0.0] == acc[method, "bottom", 0.0] == 1.0
        assert acc[method, "top", 0.2] <= 0.6  # the whole window is gone: a tie, class 0 wins
        assert acc[method, "bottom", 0.5] == 1.0
    assert acc["attention", "random", 0.2] == acc["ig", "random", 0.2]  # one random draw for all methods
    assert acc["ig", "random", 0.2] >= 0.95  # a random 20% rarely takes the whole window
    again = perturbation_accuracy(model, x, labels, scores, [0, 0.2, 0.5], seed=3)
    assert table.equals(again)


def test_evaluation_indices_are_a_seeded_sample_and_refuse_too_many():
    first = evaluation_indices(100, 10, seed=4)
    np.testing.assert_array_equal(first, evaluation_indices(100, 10, seed=4))
    assert len(set(first)) == 10 and (np.diff(first) > 0).all()
    np.testing.assert_array_equal(evaluation_indices(7, None, seed=0), np.arange(7))
    with pytest.raises(InputError, match="n_eval is 101 but the test split has only 100"):
        evaluation_indices(100, 101, seed=0)


def test_auroc_and_auprc_against_hand_computed_values():
    truth = np.array([[1, 0, 1, 0, 0],
                      [0, 1, 0, 0, 0],
                      [1, 1, 0, 0, 0],
                      [0, 0, 0, 0, 0]], dtype=bool)
    scores = np.array([[0.9, 0.8, 0.3, 0.2, 0.1],   # positives ranked 1st and 3rd
                       [0.5, 0.5, 0.5, 0.1, 0.0],   # the positive ties with two negatives
                       [0.0, 0.1, 0.2, 0.3, 0.4],   # positives ranked last
                       [0.1, 0.2, 0.3, 0.4, 0.5]])  # no positives
    # Row 0: pairs (pos, neg): 0.9 beats all 3; 0.3 beats 2 of 3 -> 5/6.
    # AP: precision 1/1 at the first positive, 2/3 at the second -> (1 + 2/3) / 2 = 5/6.
    # Row 1: the positive ties with 2 negatives (half credit each) and beats 2 -> (2 + 1) / 4;
    #        AP: one threshold holds 3 positions, 1 positive -> 1/3.
    # Row 2: AUROC 0; AP: positives at ranks 4 and 5 -> (1/4 + 2/5) / 2.
    np.testing.assert_allclose(per_sequence_auroc(scores, truth)[:3], [5 / 6, 3 / 4, 0.0])
    np.testing.assert_allclose(per_sequence_auprc(scores, truth)[:3], [5 / 6, 1 / 3, (1 / 4 + 2 / 5) / 2])
    assert np.isnan(per_sequence_auroc(scores, truth)[3]) and np.isnan(per_sequence_auprc(scores, truth)[3])
    summary = recovery_summary(scores, truth)
    assert summary["n"] == 3
    np.testing.assert_allclose(summary["auroc_mean"], (5 / 6 + 3 / 4) / 3)
    np.testing.assert_allclose(summary["auroc_sd"], np.std([5 / 6, 3 / 4, 0.0], ddof=1))


def test_auroc_matches_the_pairwise_definition_on_random_data():
    rng = np.random.default_rng(2)
    scores = rng.integers(0, 5, size=(30, 40)).astype(float)  # many ties
    truth = rng.random((30, 40)) < 0.2
    auroc = per_sequence_auroc(scores, truth)
    for row in range(30):
        pos, neg = scores[row, truth[row]], scores[row, ~truth[row]]
        pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
        np.testing.assert_allclose(auroc[row], pairs)


def test_motif_truth_marks_planted_intervals_of_known_ids():
    import pandas as pd

    motifs = pd.DataFrame({"id": ["a", "a", "c", "zz"], "start": [0, 6, 2, 0], "end": [2, 8, 4, 3],
                           "motif": "AC", "class": "x"})
    truth = motif_truth(motifs, ["a", "b", "c"], 8)
    np.testing.assert_array_equal(truth.astype(int), [[1, 1, 0, 0, 0, 0, 1, 1],
                                                      [0] * 8,
                                                      [0, 0, 1, 1, 0, 0, 0, 0]])
