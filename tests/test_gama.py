"""GAMA IG against plain loops, IG completeness, the metric against the authors' formula,
and recovery of implanted positions."""

import numpy as np
import pandas as pd
import pytest
import torch

from seqattr.gama import gama_ig, gama_ig_modes, gama_matrix, importance_profile, quadrature_rule
from seqattr.gama.ig import gama_ig_readouts
from seqattr.generative.alphabet import N_TOKENS, tokenize
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.generative.sets import synthetic_positive_set
from seqattr.generative.engine import train_lstm

SEQUENCES = ["ACDKL", "WYVAA", "MMNPQ"]


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def tiny_model():
    torch.manual_seed(3)
    return GenerativeLSTM(6).double().eval()


def plain_loop(model, tokens, steps, accumulate):
    """The authors' IG_sample_spc per sequence on nn.LSTM: one backward per (output j, token a)
    per Riemann step. accumulate=False clears the input gradient before each (the method as
    described); accumulate=True lets .grad accumulate across the loop, as their code does."""
    results = []
    for row in tokens:
        embeds = torch.nn.functional.one_hot(row, N_TOKENS).double()
        length = len(row)
        cube = torch.zeros(length, N_TOKENS, length, N_TOKENS, dtype=torch.float64)
        for alpha in torch.linspace(0.001, 1, steps, dtype=torch.float64):
            polation = (alpha * embeds).requires_grad_(True)
            out = model.forward_embedded(polation[None])
            for j in range(length):
                for a in range(N_TOKENS):
                    if accumulate:
                        out[0, j, a].backward(retain_graph=True)
                        cube[:, :, j, a] += polation.grad
                    else:
                        (grad,) = torch.autograd.grad(out[0, j, a], polation, retain_graph=True)
                        cube[:, :, j, a] += grad
        cube *= embeds[:, :, None, None] / steps
        observed = cube[torch.arange(length), row]  # (T_in, T_out, 22)
        results.append(observed.mean(-1).T)  # (T_out, T_in)
    return torch.stack(results)


@pytest.mark.parametrize("mode", ["exact", "authors_code"])
def test_vectorised_ig_matches_plain_loop(tiny_model, mode):
    tokens = tokenize(SEQUENCES)
    expected = plain_loop(tiny_model, tokens, steps=7, accumulate=mode == "authors_code")
    got = gama_ig(tiny_model, tokens, mode=mode, quadrature="riemann", steps=7, batch_size=5)
    assert got.shape == (3, 7, 7)
    assert expected.abs().max() > 1e-2  # the comparison is not between zeros
    assert (got - expected).abs().max() <= 1e-5


def test_authors_code_is_the_accumulated_exact_ig_when_every_output_token_has_the_same_head_row(tiny_model):
    """With every output token's head row equal, each (output j, token a) gradient of the
    authors' loop is output j's own, g_j, so the accumulated .grad at (j, a) is
    22 sum_(j' < j) g_j' + (a + 1) g_j, whose mean over the 22 tokens is
    22 sum_(j' < j) exact[j'] + 11.5 exact[j] (Gauss-Legendre here; the plain-loop test
    covers the paper's Riemann rule)."""
    with torch.no_grad():
        tiny_model.nn.weight[:] = tiny_model.nn.weight[0].clone()
    ig = gama_ig_modes(tiny_model, tokenize(SEQUENCES), ("exact", "authors_code"), steps=8)
    exact = ig["exact"]
    earlier = torch.cumsum(exact, dim=1) - exact  # sum over outputs j' < j
    assert exact.abs().max() > 1e-2  # the comparison is not between zeros
    assert torch.allclose(ig["authors_code"], N_TOKENS * earlier + 11.5 * exact, atol=1e-10, rtol=0)


def test_log_prob_readout_matches_autograd_through_log_softmax(tiny_model):
    """IG of log p(observed next token) at output j, by autograd through the whole model
    (one backward per output and Gauss-Legendre node), against the forward-mode readout."""
    tokens = tokenize(SEQUENCES)
    nodes, weights = quadrature_rule("gauss-legendre", 6, torch.float64)
    onehot = torch.nn.functional.one_hot(tokens, N_TOKENS).double()
    expected = torch.zeros(len(tokens), tokens.shape[1], tokens.shape[1], dtype=torch.float64)
    for node, weight in zip(nodes, weights):
        inputs = (node * onehot).requires_grad_(True)
        log_probs = torch.log_softmax(tiny_model.forward_embedded(inputs), dim=-1)
        for j in range(tokens.shape[1] - 1):
            target = log_probs[torch.arange(len(tokens)), j, tokens[:, j + 1]].sum()
            (grad,) = torch.autograd.grad(target, inputs, retain_graph=True)
            expected[:, j] += weight * (grad * onehot).sum(-1)
    got = gama_ig_readouts(tiny_model, tokens, [("exact", "log_prob")], steps=6)[("exact", "log_prob")]
    assert expected.abs().max() > 1e-2
    assert (got - expected).abs().max() <= 1e-10
    # completeness: the attributions of output j add up to log p(x) - log p(baseline) there
    with torch.no_grad():
        at_x = torch.log_softmax(tiny_model.forward_embedded(onehot), -1)
        at_0 = torch.log_softmax(tiny_model.forward_embedded(torch.zeros_like(onehot)), -1)
    index = torch.arange(len(tokens))[:, None], torch.arange(tokens.shape[1] - 1)[None], tokens[:, 1:]
    gap = at_x[index] - at_0[index]
    exact32 = gama_ig_readouts(tiny_model, tokens, [("exact", "log_prob")], steps=32)[("exact", "log_prob")]
    assert (exact32[:, :-1].sum(-1) - gap).abs().max() <= 1e-8


def test_all_readouts_from_one_pass_equal_each_alone(tiny_model):
    tokens = tokenize(SEQUENCES)
    scorings = [("exact", "mean_logit"), ("authors_code", "mean_logit"), ("exact", "log_prob")]
    together = gama_ig_readouts(tiny_model, tokens, scorings, steps=5, batch_size=4)
    for scoring in scorings:
        alone = gama_ig_readouts(tiny_model, tokens, [scoring], steps=5)[scoring]
        assert torch.allclose(together[scoring], alone, atol=1e-12, rtol=0)
    with pytest.raises(ValueError, match="authors_code"):
        gama_ig_readouts(tiny_model, tokens, [("authors_code", "log_prob")])


def test_inputs_after_output_have_zero_ig(tiny_model):
    ig = gama_ig(tiny_model, tokenize(SEQUENCES), steps=4)
    upper = torch.ones(7, 7, dtype=torch.bool).triu(1)
    assert (ig[:, upper] == 0).all()
    assert (ig[:, ~upper].abs() > 0).any()


def test_ig_completeness(tiny_model):
    """Sum over input positions of the IG at the observed tokens = f(x) - f(0), where f is
    output j's logit averaged over tokens: non-observed tokens have x - baseline = 0."""
    tokens = tokenize(SEQUENCES)
    onehot = torch.nn.functional.one_hot(tokens, N_TOKENS).double()
    with torch.no_grad():
        gap = tiny_model.forward_embedded(onehot).mean(-1) - tiny_model.forward_embedded(torch.zeros_like(onehot)).mean(-1)
    gauss = gama_ig(tiny_model, tokens, quadrature="gauss-legendre", steps=32)
    assert (gauss.sum(-1) - gap).abs().max() <= 1e-10
    riemann = gama_ig(tiny_model, tokens, quadrature="riemann", steps=500)
    assert (riemann.sum(-1) - gap).abs().max() <= 5e-3 * gap.abs().max()  # the paper's rule: O(1/steps)


def test_quadrature_rules():
    nodes, weights = quadrature_rule("riemann", 500)
    assert nodes[0] == pytest.approx(0.001) and nodes[-1] == 1 and weights.sum() == pytest.approx(1)
    nodes, weights = quadrature_rule("gauss-legendre", 8)
    assert (weights * nodes**5).sum() == pytest.approx(1 / 6, abs=1e-14)
    with pytest.raises(ValueError):
        quadrature_rule("simpson", 8)


def authors_metric(z_trained: np.ndarray, z_initial: np.ndarray) -> np.ndarray:
    """The authors' compute_rv on pandas, applied to already-standardised arrays (N, T, T)."""
    n, length, _ = z_trained.shape
    rows = []
    for name, z in (("init", z_initial), ("trained", z_trained)):
        for i in range(n):
            for j in range(length):
                for p in range(length):
                    rows.append((name, i, j, p, z[i, j, p]))
    df = pd.DataFrame(rows, columns=["model", "line", "outDim", "pos", "ig"])
    scores = np.zeros((length, length))
    for j in range(1, length):
        t = df[df.outDim == j]
        tv = sum(t[(t.pos == p) & (t.model == m)].ig.var() for p in range(length) for m in ("init", "trained"))
        tv /= j + 1
        for p in range(length):
            q = t[(t.pos == p) & (t.model == "init")].ig
            r = t[(t.pos == p) & (t.model == "trained")].ig
            scores[j, p] = abs(r.median() - q.median()) / ((q.var() + r.var()) / tv)
    return scores


def test_gama_matrix_matches_authors_formula():
    generator = torch.Generator().manual_seed(0)
    length = 5
    causal = torch.ones(length, length).tril()
    trained = torch.randn(8, length, length, generator=generator, dtype=torch.float64) * causal
    initial = torch.randn(8, length, length, generator=generator, dtype=torch.float64) * causal * 0.3
    matrix = gama_matrix(trained, initial)
    z = lambda x: ((x - x.mean()) / x.std()).numpy()
    expected = authors_metric(z(trained), z(initial))
    defined = causal.bool().clone()
    defined[0] = False
    assert torch.isnan(matrix[~defined]).all()
    assert np.allclose(matrix[defined].numpy(), expected[defined.numpy()], rtol=1e-10)


def test_importance_profile_reduction():
    matrix = torch.full((6, 6), float("nan"))
    for j in range(1, 6):
        for p in range(j + 1):
            matrix[j, p] = 10 * j + p
    profile = importance_profile(matrix)  # L = 4: residues 1..4, outputs p..4
    assert profile.shape == (4,)
    assert profile[0] == pytest.approx(np.mean([11, 21, 31, 41]))
    assert profile[3] == pytest.approx(44)


def test_and_set_positions_rank_top_two():
    frame, truth = synthetic_positive_set(length=8, n=1000, positions=(3, 6), logic="AND",
                                          signal_to_noise=1.0, seed=0)
    config = {"hidden_size": 24, "max_epochs": 8, "batch_size": 64, "learning_rate": 0.01, "patience": 3}
    initial, trained, history = train_lstm(frame.sequence.tolist(), config, seed=0)
    assert history.val_nll.iloc[-1] < history.val_nll.iloc[0]
    tokens = tokenize(frame.sequence.tolist()[:100])
    matrix = gama_matrix(gama_ig(trained, tokens, steps=8), gama_ig(initial, tokens, steps=8))
    profile = importance_profile(matrix)
    top_two = set((torch.argsort(profile, descending=True)[:2] + 1).tolist())
    assert top_two == set(truth.position)


def test_device_option_returns_cpu_tensors_and_refuses_missing_cuda(tiny_model):
    tokens = tokenize(SEQUENCES)
    on_cpu = gama_ig(tiny_model, tokens, device="cpu")
    assert on_cpu.device.type == "cpu"
    torch.testing.assert_close(on_cpu, gama_ig(tiny_model, tokens, device="auto"))
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="device 'cuda' requested but no CUDA device"):
            gama_ig(tiny_model, tokens, device="cuda")
    initial, trained, _ = train_lstm(SEQUENCES * 4, {"hidden_size": 4, "max_epochs": 1, "device": "auto"}, seed=0)
    assert {p.device.type for m in (initial, trained) for p in m.parameters()} == {"cpu"}


# --- the spread metrics and the null model --------------------------------------------------

def planted_ig(n=400, length=6, planted=(3, 2), seed=0):
    """IG (n, T, T) over T = length tokens: every causal entry varies a little across
    sequences, with a spread that grows towards the diagonal (a trained LSTM's structure),
    and the planted entry (output 3 reads residue 2) varies 20 times more."""
    generator = torch.Generator().manual_seed(seed)
    causal = torch.ones(length, length, dtype=torch.float64).tril()
    distance = torch.arange(length)[:, None] - torch.arange(length)[None, :]
    ramp = 0.1 * 2.0 ** (-distance.clamp(min=0).double())  # 0.1 on the diagonal, halving per step back
    values = torch.randn(n, length, length, generator=generator, dtype=torch.float64) * ramp * causal
    values[:, planted[0], planted[1]] *= 20
    return values


def test_spread_matrix_is_the_difference_of_standard_deviations():
    from seqattr.gama.metric import spread_matrix

    trained, reference = planted_ig(seed=0), planted_ig(seed=1, planted=(5, 0))
    matrix = spread_matrix(trained, reference)
    expected = trained.std(dim=0) - reference.std(dim=0)
    defined = torch.ones(6, 6, dtype=torch.bool).tril()
    defined[0] = False
    assert torch.isnan(matrix[~defined]).all()
    assert torch.allclose(matrix[defined], expected[defined])


def test_null_spread_finds_the_planted_entry_and_removes_the_ramp():
    from seqattr.gama.metric import score_matrix

    trained, null = planted_ig(seed=0), planted_ig(seed=1, planted=(0, 0))  # null: nothing planted
    matrix = score_matrix(trained, None, "null_spread", ig_null=null)
    # the ramp alone puts the diagonal (spread 0.1) far above the long-range entries; the
    # null removes it: every entry but the planted one is within sampling noise of 0
    unplanted = matrix.clone()
    unplanted[3, 2] = float("nan")
    assert unplanted[~torch.isnan(unplanted)].abs().max() < 0.02
    assert matrix[3, 2] == pytest.approx(0.05 * 19, rel=0.1)  # 20 x 0.05 - 0.05, at distance 1
    profile = importance_profile(matrix, "both")  # L = 4 residues
    assert set((torch.argsort(profile, descending=True)[:2] + 1).tolist()) == {2, 4}
    with pytest.raises(ValueError, match="needs the null model's IG"):
        score_matrix(trained, trained, "null_spread")


def test_scoring_profiles_spread_metrics_match_score_matrix():
    from seqattr.gama.metric import score_matrix, scoring_profiles

    key = ("exact", "log_prob")
    trained, initial, null = ({key: planted_ig(seed=s)} for s in (0, 1, 2))
    got = {k: m for k, m, _ in scoring_profiles(trained, initial, ("gama", "spread", "null_spread"), ("input",),
                                                ig_null=null)}
    for metric in ("gama", "spread", "null_spread"):
        expected = score_matrix(trained[key], initial[key], metric, ig_null=null[key])
        assert torch.allclose(got[(*key, metric, "input")], expected, equal_nan=True)
    with pytest.raises(ValueError, match="need the null model's IG"):
        list(scoring_profiles(trained, initial, ("null_spread",)))


def test_column_shuffle_keeps_column_counts_and_its_floor_is_the_column_frequencies():
    from collections import Counter

    from seqattr.gama.null_model import column_frequency_nll, column_shuffled

    sequences = ["AAC", "ADC", "AAE", "WAC"]
    shuffled = column_shuffled(sequences, seed=0)
    assert shuffled == column_shuffled(sequences, seed=0) and len(shuffled) == 4
    for column in range(3):
        assert Counter(s[column] for s in shuffled) == Counter(s[column] for s in sequences)
    # "AAC": f_1(A) = 3/4, f_2(A) = 3/4, f_3(C) = 3/4, over 3 residues + END
    assert column_frequency_nll(["AAC", "ADC", "AAE", "WAC"])[0] == pytest.approx(-3 * np.log(0.75) / 4)
    with pytest.raises(ValueError, match="one length"):
        column_shuffled(["AA", "AAA"], seed=0)


def test_null_model_is_trained_again_at_half_the_learning_rate_until_it_reaches_its_floor(monkeypatch):
    import pandas as pd

    from seqattr.gama import null_model
    from seqattr.generative import engine

    rates = []

    def fake_train(sequences, config, seed, true_nll=None):
        rates.append(config["learning_rate"])
        excess = 0.02 if config["learning_rate"] > 1e-3 else 0.005  # converges only at <= 1e-3
        return None, f"model at {config['learning_rate']}", pd.DataFrame({"val_nll": [3.0], "excess_nll": [excess]})

    monkeypatch.setattr(engine, "train_lstm", fake_train)
    model, history = null_model.train_null_model(["ACD", "CDA"], {"learning_rate": 4e-3, "tolerance": 0.01}, seed=0)
    assert rates == [4e-3, 2e-3, 1e-3] and model == "model at 0.001"
    assert history["learning_rate"].tolist() == [1e-3]
    rates.clear()
    _, history = null_model.train_null_model(["ACD", "CDA"], {"learning_rate": 4e-3, "tolerance": 0.01}, seed=0,
                                             retries=1)
    assert rates == [4e-3, 2e-3] and history["excess_nll"].iloc[0] == 0.02  # gave up: recorded unconverged


def test_train_to_floor_keeps_the_initial_weights_of_each_retry(monkeypatch):
    import pandas as pd

    from seqattr.generative import engine

    calls = []

    def fake_train(sequences, config, seed, true_nll=None):
        calls.append((config["learning_rate"], seed, true_nll))
        excess = 0.02 if config["learning_rate"] > 1e-3 else 0.005
        return f"initial {seed}", f"model at {config['learning_rate']}", pd.DataFrame({"excess_nll": [excess]})

    monkeypatch.setattr(engine, "train_lstm", fake_train)
    initial, model, history = engine.train_to_floor(["ACD"], {"learning_rate": 2e-3, "tolerance": 0.01}, 7, "floor")
    assert calls == [(2e-3, 7, "floor"), (1e-3, 7, "floor")]  # same seed: same initial weights
    assert (initial, model) == ("initial 7", "model at 0.001") and history["learning_rate"].tolist() == [1e-3]
    calls.clear()
    engine.train_to_floor(["ACD"], {"learning_rate": 5e-4, "tolerance": 0.01}, 7, "floor")
    assert len(calls) == 1  # converged at once: no retry

    def worse_after_the_first(sequences, config, seed, true_nll=None):
        excess = {4e-3: 0.015, 2e-3: 0.03, 1e-3: 0.02}[config["learning_rate"]]
        return "initial", f"model at {config['learning_rate']}", pd.DataFrame({"excess_nll": [excess]})

    monkeypatch.setattr(engine, "train_lstm", worse_after_the_first)
    _, model, history = engine.train_to_floor(["ACD"], {"learning_rate": 4e-3, "tolerance": 0.01}, 7, "floor")
    assert model == "model at 0.004" and history["excess_nll"].iloc[0] == 0.015  # the closest of the three


# --- the information term and null_spread_information ----------------------------------------

def fixed_distribution_model(log_weights: torch.Tensor) -> GenerativeLSTM:
    """A model whose every output is softmax(log_weights), whatever it reads."""
    model = GenerativeLSTM(3).double().eval()
    with torch.no_grad():
        model.nn.weight.zero_()
        model.nn.bias.copy_(log_weights)
    return model


def test_information_profile_is_the_mean_log_probability_of_the_observed_residue_over_uniform():
    import math

    from seqattr.gama.information import information_profile

    generator = torch.Generator().manual_seed(0)
    log_weights = torch.randn(N_TOKENS, generator=generator, dtype=torch.float64)
    model = fixed_distribution_model(log_weights)
    sequences = ["ACDKL", "WYVAA", "MMNPQ", "AAAAA"]
    tokens = tokenize(sequences)
    log_q = torch.log_softmax(log_weights, dim=0)
    expected = torch.stack([log_q[tokens[:, p]].mean() for p in range(1, 6)]) + math.log(20)
    torch.testing.assert_close(information_profile(model, tokens), expected)
    torch.testing.assert_close(information_profile(model, tokens, batch_size=3), expected)
    # uniform over the 22 tokens: every residue is predicted at 1/22, a little worse than uniform residues
    uniform = information_profile(fixed_distribution_model(torch.zeros(N_TOKENS, dtype=torch.float64)), tokens)
    torch.testing.assert_close(uniform, torch.full((5,), math.log(20 / 22), dtype=torch.float64))
    with pytest.raises(ValueError, match="at least one sequence"):
        information_profile(model, tokens[:0])


def test_information_equals_the_log_prob_readout_that_ig_splits(tiny_model):
    """By IG's completeness the log_prob readout of output p - 1 is its attributions' sum
    plus its value at the baseline; information(p) is that readout's mean, plus ln 20."""
    import math

    from seqattr.gama.information import information_profile

    tokens = tokenize(SEQUENCES)
    log_probs = torch.log_softmax(tiny_model(tokens[:, :-1]), dim=-1)
    readout = log_probs.gather(-1, tokens[:, 1:, None]).squeeze(-1)[:, :5]  # predictions of r_1..r_5
    torch.testing.assert_close(information_profile(tiny_model, tokens), readout.mean(0) + math.log(20))


def test_null_spread_information_sees_a_conserved_position_and_a_dependency():
    from seqattr.gama.metric import combined_profile

    length = 16
    generator = torch.Generator().manual_seed(1)

    def matrix_with(noise_scale, planted=None):
        """A null_spread matrix over L + 2 tokens: small noise on the causal entries, and
        a planted entry (output 8 reads residue 7: residue 7 predicts residue 9)."""
        matrix = noise_scale * torch.randn(length + 2, length + 2, generator=generator, dtype=torch.float64)
        matrix[~torch.ones(length + 2, length + 2, dtype=torch.bool).tril()] = float("nan")
        matrix[0] = float("nan")
        if planted is not None:
            matrix[8, 7] = planted
        return matrix

    # a conserved motif at 2 and 4: no IG spread (the matrix is noise of a few thousandths of
    # a nat), the model predicts those residues with certainty (information ln 20), the rest
    # as uniform; the sum in nats keeps the noise negligible, a sum of z-scores would not
    information = torch.zeros(length, dtype=torch.float64)
    information[[1, 3]] = 2.9957
    profile = combined_profile(matrix_with(0.005), information, "both")
    assert set((torch.argsort(profile, descending=True)[:2] + 1).tolist()) == {2, 4}
    # a dependency between 7 and 9 whose residues are as frequent as any other (information
    # flat): only the null_spread matrix shows it, in both roles, and the sum keeps it
    flat = 0.001 * torch.randn(length, generator=generator, dtype=torch.float64)
    matrix = matrix_with(0.005, planted=1.3)
    profile = combined_profile(matrix, flat, "both")
    assert set((torch.argsort(profile, descending=True)[:2] + 1).tolist()) == {7, 9}
    # the values: information + input role (outputs j = p..L) + output role (output p - 1 over r_1..r_(p-1))
    expected_9 = flat[8] + torch.nanmean(matrix[9:17, 9]) + torch.nanmean(matrix[8, 1:9])
    torch.testing.assert_close(profile[8], expected_9)
    torch.testing.assert_close(combined_profile(matrix, flat, "input")[6], flat[6] + torch.nanmean(matrix[7:17, 7]))
    with pytest.raises(ValueError, match="L \\+ 2 = 18 tokens"):
        combined_profile(matrix[:6, :6], flat)
    with pytest.raises(ValueError, match="reduction 'rows'"):
        combined_profile(matrix, flat, "rows")


def test_scoring_profiles_information_metrics():
    from seqattr.gama.metric import combined_profile, scoring_profiles

    key = ("exact", "log_prob")
    other = ("exact", "mean_logit")
    trained, initial, null = ({key: planted_ig(seed=s), other: planted_ig(seed=s + 3)} for s in (0, 1, 2))
    information = torch.tensor([0.0, 3.0, 0.1, 0.0], dtype=torch.float64)  # L = 4 residues
    scored = list(scoring_profiles(trained, initial, ("null_spread", "information", "null_spread_information"),
                                   ("input", "both"), ig_null=null, information=information))
    got = {k: (m, p) for k, m, p in scored}
    # information reads no IG: one row whatever the (mode, readout) and reduction, in its
    # place among the first key's metrics
    assert [k for k, _, _ in scored][:3] == [(*key, "null_spread", "input"), (*key, "null_spread", "both"),
                                             ("-", "-", "information", "-")]
    assert len(scored) == 1 + 2 * 2 * 2
    matrix, profile = got[("-", "-", "information", "-")]
    assert matrix is None and torch.equal(profile, information)
    for reduction in ("input", "both"):
        spread_matrix_, spread_profile = got[(*key, "null_spread", reduction)]
        matrix, profile = got[(*key, "null_spread_information", reduction)]
        assert torch.allclose(matrix, spread_matrix_, equal_nan=True)
        torch.testing.assert_close(profile, combined_profile(matrix, information, reduction))
    with pytest.raises(ValueError, match="information profile"):
        list(scoring_profiles(trained, initial, ("information",)))


def test_null_spread_or_information_keeps_both_ends_of_a_dependency_and_a_conserved_motif():
    from seqattr.gama.metric import combined_profile, robust_z, union_profile

    length = 16
    generator = torch.Generator().manual_seed(2)
    matrix = 0.005 * torch.randn(length + 2, length + 2, generator=generator, dtype=torch.float64)
    matrix[~torch.ones(length + 2, length + 2, dtype=torch.bool).tril()] = float("nan")
    matrix[0] = float("nan")
    matrix[3, 2] = 1.3  # residue 2 predicts residue 4
    # a dependency-only pair: the model predicts residue 4 with certainty from residue 2
    # (information ln 20 at 4, ~0 elsewhere, 2 included): the sum in nats loses 2, the union keeps it
    information = 0.01 * torch.randn(length, generator=generator, dtype=torch.float64)
    information[3] = 2.9957
    information[4] = 0.15  # a little leaks to the next position, as in a model near its floor
    assert set((torch.argsort(union_profile(matrix, information), descending=True)[:2] + 1).tolist()) == {2, 4}
    assert 2 not in (torch.argsort(combined_profile(matrix, information), descending=True)[:2] + 1).tolist()
    # a conserved-only motif at 7 and 9: the dependency term is noise, the information term is not
    noise = 0.005 * torch.randn(length + 2, length + 2, generator=generator, dtype=torch.float64)
    conserved = 0.01 * torch.randn(length, generator=generator, dtype=torch.float64)
    conserved[[6, 8]] = 2.9957
    assert set((torch.argsort(union_profile(noise, conserved), descending=True)[:2] + 1).tolist()) == {7, 9}
    # robust z: 0.6745 (x - median) / MAD; the mean absolute deviation when MAD is 0; zeros when constant
    values = torch.tensor([0.0, 1.0, 2.0, 3.0, 10.0], dtype=torch.float64)
    torch.testing.assert_close(robust_z(values), 0.6745 * (values - 2.0) / 1.0)
    sparse = torch.tensor([0.0, 0.0, 0.0, 4.0], dtype=torch.float64)
    torch.testing.assert_close(robust_z(sparse), 0.7979 * sparse / 1.0)
    assert torch.equal(robust_z(torch.ones(4, dtype=torch.float64)), torch.zeros(4, dtype=torch.float64))
    with pytest.raises(ValueError, match="L \\+ 2 = 18 tokens"):
        union_profile(matrix[:6, :6], information)


# --- every scoring of a model (gama.scoring) ------------------------------------------------

def test_model_scorings_keeps_the_listed_scorings_a_baseline_once_and_skips_unlisted_ig_starts(monkeypatch):
    from seqattr.gama import scoring as scoring_module
    from seqattr.gama.options import IGOptions

    passes = []
    real = scoring_module.gama_ig_readouts

    def counted(model, tokens, pairs, ig_start, **arguments):
        passes.append(ig_start)
        return real(model, tokens, pairs, ig_start=ig_start, **arguments)

    monkeypatch.setattr(scoring_module, "gama_ig_readouts", counted)
    torch.manual_seed(0)
    trained, initial, null = (GenerativeLSTM(6).eval() for _ in range(3))
    tokens = tokenize(["ACDKL", "WYVAA", "MMNPQ", "ACDEF"])
    options = IGOptions(modes=("exact", "authors_code"), readouts=("mean_logit",), quadrature="gauss-legendre", steps=4,
                        batch_size=512, max_sequences=None, seed=0, device="cpu")
    arguments = {"metrics": ("gama", "information", "null_spread"), "reductions": ("input", "max"), "null": null}
    everything = list(scoring_module.model_scorings(trained, initial, tokens, options,
                                                    ig_starts=("zero", "mean_residue"), **arguments))
    keys = ["/".join(s.key) for s in everything]
    assert passes == ["zero"] * 3 + ["mean_residue"] * 3  # the reference, the null and the trained model
    # the baseline once, in its place among the first (mode, readout)'s metrics, with no matrix
    assert keys[:3] == ["exact/mean_logit/zero/gama/input", "exact/mean_logit/zero/gama/max", "-/-/-/information/-"]
    assert len(keys) == 1 + 2 * 2 * 2 * 2 and everything[2].matrix is None and everything[2].ig_reference is None
    first = everything[0]
    assert first.ig_reference.shape == (4, 7, 7) and first.ig_null.shape == (4, 7, 7)
    profiles = dict(scoring_module.model_profiles(trained, initial, tokens, options, ig_starts=("zero",), **arguments))
    assert torch.equal(profiles[("-", "-", "-", "information", "-")], everything[2].profile)

    passes.clear()
    listed = ["authors_code/mean_logit/mean_residue/null_spread/max"]
    kept = list(scoring_module.model_scorings(trained, initial, tokens, options, ig_starts=("zero", "mean_residue"),
                                              scorings=listed, **arguments))
    # no IG pass for the zero IG start, none of whose scorings is listed; the baseline still first
    assert passes == ["mean_residue"] * 3
    assert ["/".join(s.key) for s in kept] == ["-/-/-/information/-"] + listed
    assert torch.equal(kept[0].profile, everything[2].profile)
    assert torch.equal(kept[1].profile, everything[-1].profile)


def test_the_gama_step_refuses_ig_files_of_different_scorings_or_strata():
    from seqattr.gama.steps import check_same_layout

    layout = {8: {("exact", "mean_logit"): torch.zeros(1)}}
    check_same_layout(layout, {8: {("exact", "mean_logit"): torch.ones(1)}}, "a.pt", "b.pt")
    for other in ({9: {("exact", "mean_logit"): torch.zeros(1)}}, {8: {("exact", "log_prob"): torch.zeros(1)}}):
        with pytest.raises(ValueError, match="a.pt and b.pt hold different scorings or length strata"):
            check_same_layout(other, layout, "a.pt", "b.pt")
