"""The information baseline against a background, the fit of the LSTM (dropout, weight
decay, the train/held-out gap), and null_spread on sets of mixed lengths (issue 24 part 5)."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from seqattr.gama.information import (background_log_probs, background_table, information_profile,
                                      sequence_information, stratum_background)
from seqattr.gama.null_model import (column_frequency_nll, column_shuffled, length_stratified_shuffled,
                                     stratified_frequency_nll)
from seqattr.generative.alphabet import AMINO_ACIDS, tokenize, tokenize_padded
from seqattr.generative.imgt import imgt_positions
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.io import read_table, write_table

REPO = Path(__file__).resolve().parents[1]


def test_background_information_is_uniform_information_shifted_by_the_background_log_frequency():
    torch.manual_seed(0)
    model = GenerativeLSTM(8).eval()
    tokens = tokenize(["ACDW", "ACEW", "GCDY"])
    background = torch.tensor(np.random.default_rng(0).dirichlet(np.ones(20), size=4))  # (L, 20)
    uniform = information_profile(model, tokens)
    against = information_profile(model, tokens, background=background)
    # by hand: residue r at position p reads background[p, index of r]
    log_q = torch.tensor([[math.log(background[p, AMINO_ACIDS.index(s[p])]) for p in range(4)]
                          for s in ["ACDW", "ACEW", "GCDY"]], dtype=torch.float64)
    assert torch.allclose(background_log_probs(tokens, background), log_q)
    assert torch.allclose(against, uniform - math.log(20) - log_q.mean(dim=0))
    # a uniform background is the uniform baseline; the per-sequence terms average to the profile
    assert torch.allclose(information_profile(model, tokens, background=torch.full((4, 20), 0.05)), uniform)
    assert torch.allclose(sequence_information(model, tokens, background=background).mean(dim=0), against)
    assert torch.allclose(sequence_information(model, tokens).mean(dim=0), uniform)


def test_the_background_from_negatives_sits_on_imgt_positions_with_pseudocounts():
    # lengths 13 (105-117) and 12 (111 gone): only the 13-residue sequences have 111
    negatives = ["ARDGYSSGWYFDY", "ARDAYSSGWYFDV", "ARDGYSGWYFDY"]
    table = background_table(negatives, imgt=True)
    assert set(table["column"]) == set(imgt_positions(13))
    at_111 = table[table["column"] == "111"].set_index("residue")
    assert at_111["count"].sum() == 2 and at_111.loc["S", "count"] == 2
    assert at_111.loc["S", "frequency"] == pytest.approx((2 + 0.5) / (2 + 20 * 0.5))
    at_105 = table[table["column"] == "105"].set_index("residue")
    assert at_105.loc["A", "frequency"] == pytest.approx(3.5 / 13)
    # a 14-residue stratum reads 112.1, which no negative has: uniform there
    background = stratum_background(table, list(imgt_positions(14)))
    assert background.shape == (14, 20)
    assert torch.allclose(background[imgt_positions(14).index("112.1")], torch.full((20,), 0.05, dtype=torch.float64))
    assert background[0, AMINO_ACIDS.index("A")] == pytest.approx(3.5 / 13)
    assert torch.allclose(background.sum(dim=1), torch.ones(14, dtype=torch.float64))
    # a set of one length without IMGT: residue positions "1".."L"; mixed lengths need IMGT
    assert background_table(["ACD", "ACE"], imgt=False)["column"].unique().tolist() == ["1", "2", "3"]
    with pytest.raises(ValueError, match="IMGT"):
        background_table(["ACD", "ACDE"], imgt=False)


def test_dropout_and_weight_decay_at_zero_train_as_before():
    from seqattr.generative.engine import make_optimizer, train_lstm

    torch.manual_seed(3)
    before = GenerativeLSTM(16)
    torch.manual_seed(3)
    after = GenerativeLSTM(16, dropout=0.0)
    assert all(torch.equal(before.state_dict()[k], v) for k, v in after.state_dict().items())
    tokens, lengths = tokenize_padded(["ACDEF", "ACDF", "WYAC"])
    adam = torch.optim.Adam([p for p in before.parameters() if p.requires_grad], lr=0.01)
    for model, optimizer in ((before, adam), (after, make_optimizer(after, 0.01, 0.0))):
        optimizer.zero_grad()
        nll, n = model.token_nll(tokens, lengths)
        (nll / n).backward()
        optimizer.step()
    assert all(torch.equal(before.state_dict()[k], v) for k, v in after.state_dict().items())
    # train_lstm: the keys at 0 give the weights and history of a run without them
    sequences = ["ACDEFG", "ACDEFH", "WYACDE", "ACDEWY", "GHIKLM", "ACDGHI", "KLMNPQ", "ACDKLM"] * 3
    config = {"hidden_size": 8, "max_epochs": 2, "batch_size": 8, "device": "cpu"}
    _, plain, history = train_lstm(sequences, config, seed=0)
    _, zero, history_zero = train_lstm(sequences, {**config, "dropout": 0.0, "weight_decay": 0.0}, seed=0)
    assert all(torch.equal(plain.state_dict()[k], v) for k, v in zero.state_dict().items())
    pd.testing.assert_frame_equal(history.drop(columns="seconds"), history_zero.drop(columns="seconds"))
    assert "train_nll_eval" not in history
    # regularised: other weights, the same state_dict keys (the authors' format), and an eval-mode train NLL
    initial, regular, history_regular = train_lstm(sequences, {**config, "dropout": 0.3, "weight_decay": 0.1}, seed=0)
    assert list(regular.state_dict()) == list(plain.state_dict()) and not regular.training and not initial.training
    assert not torch.equal(regular.nn.weight, plain.nn.weight)
    assert "train_nll_eval" in history_regular
    GenerativeLSTM(8).load_state_dict(regular.state_dict())


def test_kept_epoch_reports_the_gap_from_the_eval_mode_train_nll_when_there_is_one():
    from seqattr.generative.engine import kept_epoch

    history = pd.DataFrame({"epoch": [1, 2, 3], "train_nll": [1.2, 1.0, 0.9], "val_nll": [1.3, 1.1, 1.15]})
    assert kept_epoch(history, patience=5)["nll_gap"] == pytest.approx(0.1)
    assert kept_epoch(history.assign(train_nll_eval=[1.1, 0.95, 0.8]), patience=5)["nll_gap"] == pytest.approx(0.15)


def test_a_length_stratified_shuffle_keeps_each_lengths_column_counts():
    rng = np.random.default_rng(0)
    sequences = ["".join(rng.choice(list(AMINO_ACIDS), size=n)) for n in [3] * 15 + [5] * 10 + [4]]
    shuffled = length_stratified_shuffled(sequences, seed=1)
    assert [len(s) for s in shuffled] == [len(s) for s in sequences] and shuffled != sequences
    for length in (3, 4, 5):
        before = np.array([list(s) for s in sequences if len(s) == length])
        after = np.array([list(s) for s in shuffled if len(s) == length])
        for column in range(length):
            assert sorted(before[:, column]) == sorted(after[:, column])
    assert length_stratified_shuffled(sequences[:15], seed=1) == column_shuffled(sequences[:15], seed=1)
    # the floor: the stratum's column frequencies and the length's share
    mixed = ["AC", "AD", "ACE"]
    expected = [-(math.log(2 / 3) + math.log(1) + math.log(1 / 2)) / 3, -(math.log(2 / 3) + math.log(1 / 2)) / 3,
                -math.log(1 / 3) / 4]
    assert stratified_frequency_nll(mixed) == pytest.approx(expected)
    assert stratified_frequency_nll(["AC", "AD"]) == pytest.approx(column_frequency_nll(["AC", "AD"]))


@pytest.mark.parametrize("section, key, value", [("model", "dropout", 1.0), ("model", "dropout", -0.1),
                                                  ("training", "weight_decay", -1e-4)])
def test_schema_refuses_dropout_of_one_and_negative_weight_decay(section, key, value):
    import yaml

    from seqattr.config import ConfigError, validate_config

    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config["generative"].setdefault(section, {})[key] = value
    with pytest.raises(ConfigError) as error:
        validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    message = str(error.value)
    assert message.startswith(f"config key generative.{section}.{key}: ") and "\n" not in message


def test_null_spread_and_the_information_baseline_run_on_a_mixed_length_set(tmp_path):
    """The stage's steps on CDR3s of two lengths: a null model on the stratified shuffle,
    IG of the three models, GAMA with null_spread and information against the non-binders,
    the replicate summary with the gap and the background named."""
    from seqattr.gama import steps
    from seqattr.generative.checkpoint import save_model

    rng = np.random.default_rng(2)
    sequences = ["".join(rng.choice(list(AMINO_ACIDS), size=n)) for n in [12] * 20 + [14] * 20]
    negatives = ["".join(rng.choice(list("ACDEFG"), size=n)) for n in [12] * 10 + [13] * 10]
    write_table(pd.DataFrame({"id": range(40), "sequence": sequences}), tmp_path / "sequences.tsv.gz")
    write_table(pd.DataFrame({"id": range(20), "sequence": negatives}), tmp_path / "negatives.tsv.gz")
    model = {"hidden_size": 8}
    training = {"max_epochs": 2, "batch_size": 16, "patience": 5, "min_delta": 0.0, "tolerance": 0.01, "seed": 0,
                "device": "cpu"}
    steps.null_model(tmp_path / "sequences.tsv.gz", tmp_path / "null.pt", tmp_path / "null_history.tsv",
                     model=model, training=training, set_name="cdr3", replicate=1)
    assert "excess_nll" in read_table(tmp_path / "null_history.tsv")
    torch.manual_seed(0)
    for state in ("initial", "trained"):
        save_model(GenerativeLSTM(8), tmp_path / f"{state}.pt", set_name="cdr3")
    write_table(pd.DataFrame({"epoch": [1, 2], "train_nll": [3.0, 2.9], "val_nll": [3.1, 3.05]}),
                tmp_path / "history.tsv")
    options = {"modes": ["exact"], "readouts": ["log_prob"], "quadrature": "gauss-legendre", "ig_steps": 4,
               "batch_size": 512, "max_sequences": None, "seed": 0, "device": "cpu"}
    for state in ("initial", "trained", "null"):
        steps.ig(tmp_path / f"{state}.pt", tmp_path / "sequences.tsv.gz", tmp_path / f"ig_{state}.pt",
                 options=options, set_name="cdr3", model=model, state=state, min_stratum=10)
    out = {name: tmp_path / name for name in ("matrix.tsv", "profile.tsv", "bootstrap.tsv.gz")}
    metrics = ("gama", "null_spread", "information", "null_spread_information")
    steps.gama(tmp_path / "ig_initial.pt", tmp_path / "ig_trained.pt", out["matrix.tsv"], out["profile.tsv"],
               out["bootstrap.tsv.gz"], metrics=metrics, reductions=("input", "both"), bootstrap=3, imgt=True,
               history_path=tmp_path / "history.tsv", training=training, ig_null_path=tmp_path / "ig_null.pt",
               null_history_path=tmp_path / "null_history.tsv", trained_model_path=tmp_path / "trained.pt",
               model=model, set_name="cdr3", background=tmp_path / "negatives.tsv.gz")
    profile = read_table(out["profile.tsv"], dtype={"imgt_position": str})
    assert set(profile["metric"]) == set(metrics)
    assert np.isfinite(profile.query("metric in ['information', 'null_spread_information']")["importance"]).all()
    named = profile.groupby("metric")["information_background"].first().fillna("").to_dict()
    assert named == {"gama": "", "null_spread": "", "information": "negatives", "null_spread_information": "negatives"}
    assert set(profile.query("metric == 'information'")["kind"]) == {"baseline"}
    assert profile["nll_gap"].iloc[0] == pytest.approx(3.05 - 2.9) and "null_excess_nll" in profile
    # information against the non-binders: the trained model's terms at 105 minus ln q(105) of the negatives
    info = profile.query("metric == 'information'").set_index("imgt_position")
    assert set(info["reduction"]) == {"-"} and not info.index.duplicated().any()  # one row per position
    assert "112.1" in info.index and info["n_sequences"].loc["105"] == 40
    assert set(read_table(out["matrix.tsv"])["metric"]) == {"gama", "null_spread", "null_spread_information"}
    boot = read_table(out["bootstrap.tsv.gz"])
    assert set(boot["metric"]) == set(metrics) and set(boot["draw"]) == {1, 2, 3}
    assert len(boot.query("metric == 'information'")) == 3 * len(info)  # one row per draw and position
    steps.summarise([out["profile.tsv"]], [out["bootstrap.tsv.gz"]], [out["matrix.tsv"]], tmp_path / "summary.tsv",
                    tmp_path / "summary_matrix.tsv", set_name="cdr3")
    summary = read_table(tmp_path / "summary.tsv", dtype={"imgt_position": str})
    assert {"nll_gap", "nll_gap_max", "information_background"} <= set(summary.columns)
    assert summary.query("metric == 'information'")["information_background"].eq("negatives").all()
    assert summary.query("metric == 'information'")["ci_low"].notna().all()
