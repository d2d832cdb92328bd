"""GAMA on real sets with error bars: the plateau criterion, replicate summaries, the
bootstrap, the permutation p-value and set names that follow the data."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats

from seqattr.config import apply_table_overrides, set_name_from_file
from seqattr.gama.metric import scoring_profiles
from seqattr.gama.vocabulary import ig_pairs as scorings
from seqattr.gama.replicates import bootstrap_profiles, convergence_summary, summarise_replicates
from seqattr.gama_validation.ground_truth import ground_truth_table, mode_agreement, permutation_p, replicate_rhos
from seqattr.generative.engine import kept_epoch


def history(val, train=None, floor=None):
    frame = pd.DataFrame({"epoch": range(1, len(val) + 1), "train_nll": train or [v + 0.1 for v in val],
                          "val_nll": val})
    if floor is not None:
        frame["true_val_nll"] = floor
        frame["excess_nll"] = frame["val_nll"] - floor
    return frame


# --- convergence --------------------------------------------------------------------------

def test_plateau_is_met_when_the_held_out_nll_stops_improving_for_patience_epochs():
    state = kept_epoch(history([2.0, 1.5, 1.2, 1.1995, 1.3, 1.25]), patience=3, min_delta=0.001)
    # 1.1995 improves on 1.2 by less than min_delta: it counts as no improvement
    assert state == {"criterion": "plateau", "converged": True, "epoch": 3, "epochs": 6,
                     "train_nll": pytest.approx(1.3), "val_nll": 1.2, "excess_nll": pytest.approx(math.nan,
                                                                                                   nan_ok=True),
                     "nll_gap": pytest.approx(-0.1)}


def test_a_run_that_ends_while_still_improving_has_not_converged():
    state = kept_epoch(history([2.0, 1.5, 1.2, 1.1]), patience=3, min_delta=0.0)
    assert state["criterion"] == "plateau" and state["converged"] is False and state["epoch"] == 4


def test_a_known_floor_decides_convergence_by_the_excess():
    met = kept_epoch(history([2.0, 1.505], floor=1.5), patience=5, tolerance=0.01)
    missed = kept_epoch(history([2.0, 1.6], floor=1.5), patience=5, tolerance=0.01)
    assert met["criterion"] == "entropy_floor" and met["converged"] and met["excess_nll"] == pytest.approx(0.005)
    assert not missed["converged"] and missed["excess_nll"] == pytest.approx(0.1)


def test_convergence_summary_is_true_only_when_every_replicate_converged():
    states = [{"criterion": "plateau", "converged": c, "train_nll": t, "val_nll": t + 0.1, "excess_nll": math.nan}
              for c, t in ((True, 1.0), (False, 2.0), (True, 3.0))]
    summary = convergence_summary(states)
    assert summary["converged"] is False and summary["converged_replicates"] == "2/3"
    assert summary["train_nll"] == pytest.approx(2.0) and summary["val_nll"] == pytest.approx(2.1)


# --- replicates and bootstrap -------------------------------------------------------------

def test_summary_gives_mean_sd_interval_and_top4_stability():
    scoring = {"mode": "exact", "readout": "mean_logit", "metric": "gama", "reduction": "input"}
    profiles = pd.DataFrame([{**scoring, "replicate": r, "position": p, "importance": value}
                             for r, values in ((1, [5, 4, 3, 2, 1]), (2, [1, 4, 3, 2, 5]))
                             for p, value in enumerate(values, start=1)])
    boots = pd.DataFrame([{**scoring, "replicate": r, "draw": d, "position": p, "importance": d * p}
                          for r in (1, 2) for d in (1, 2, 3) for p in range(1, 6)])
    summary = summarise_replicates(profiles, boots, level=0.5)
    assert summary["importance"].tolist() == [3, 4, 3, 2, 3]
    assert summary["sd"].round(6).tolist() == [round(math.sqrt(8), 6), 0, 0, 0, round(math.sqrt(8), 6)]
    assert summary["rank"].tolist() == [2, 1, 3, 5, 4]  # ties by position
    # replicate 1's top 4: 1-4; replicate 2's: 5, 2, 3, 4
    assert summary["top4_replicates"].tolist() == [0.5, 1, 1, 1, 0.5]
    # bootstrap draw d gives importance d * p in both replicates: its top 4 is always 2-5
    assert summary["top4_bootstrap"].tolist() == [0, 1, 1, 1, 1]
    # the draws' means over replicates at position p are p, 2p, 3p; the central 50% is [1.5p, 2.5p]
    assert summary["ci_low"].tolist() == pytest.approx([1.5 * p for p in range(1, 6)])
    assert summary["ci_high"].tolist() == pytest.approx([2.5 * p for p in range(1, 6)])
    assert (summary["replicates"] == 2).all()


@pytest.fixture
def ig_pair():
    generator = torch.Generator().manual_seed(0)
    shape = (30, 7, 7)  # 30 sequences, L = 5
    causal = torch.ones(7, 7).tril()
    trained = {("exact", "mean_logit"): torch.randn(shape, generator=generator, dtype=torch.float64) * causal,
               ("authors_code", "mean_logit"): torch.randn(shape, generator=generator, dtype=torch.float64) * causal}
    initial = {key: torch.randn(shape, generator=generator, dtype=torch.float64) * causal for key in trained}
    return trained, initial


def test_scoring_profiles_visits_every_scoring_once(ig_pair):
    keys = [key for key, _, profile in scoring_profiles(*ig_pair, ("gama", "effect_size"), ("input", "both"))]
    assert len(keys) == 2 * 2 * 2 and len(set(keys)) == 8
    assert scorings(["exact", "authors_code"], ["mean_logit", "log_prob"]) == [
        ("exact", "mean_logit"), ("authors_code", "mean_logit"), ("exact", "log_prob")]


def test_bootstrap_profiles_are_seeded_and_resample_sequences(ig_pair):
    boots = bootstrap_profiles(*ig_pair, ("gama",), ("input",), draws=4, seed=[0, 1])
    assert len(boots) == 2 * 4 * 5 and sorted(boots["draw"].unique()) == [1, 2, 3, 4]
    again = bootstrap_profiles(*ig_pair, ("gama",), ("input",), draws=4, seed=[0, 1])
    other = bootstrap_profiles(*ig_pair, ("gama",), ("input",), draws=4, seed=[0, 2])
    pd.testing.assert_frame_equal(boots, again)
    assert not np.allclose(boots["importance"], other["importance"], equal_nan=True)
    # each draw is the profile of the rows it drew, as scoring_profiles computes it directly
    # (the bootstrap reads medians from resample counts instead of resampling)
    many = bootstrap_profiles(*ig_pair, ("gama", "effect_size"), ("input", "output", "both"), draws=3, seed=7)
    rng = np.random.default_rng(7)
    for draw in (1, 2, 3):
        rows = torch.from_numpy(rng.integers(0, 30, size=30))
        for key, _, expected in scoring_profiles(*ig_pair, ("gama", "effect_size"), ("input", "output", "both"),
                                                 rows=rows):
            labels = many[["mode", "readout", "metric", "reduction"]].apply(tuple, axis=1)
            got = many[(labels == key) & (many["draw"] == draw)]
            assert np.allclose(got["importance"], expected.numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)


# --- significance ---------------------------------------------------------------------------

def test_permutation_p_agrees_with_the_exact_enumeration():
    importance = [0.3, 0.1, 0.5, 0.2, 0.9, 0.4, 0.6]
    truth = [2.0, 1.0, 3.0, 5.0, 7.0, 4.0, 6.0]
    observed = stats.spearmanr(importance, truth).statistic
    exact = np.mean([abs(stats.spearmanr(importance, order).statistic) >= abs(observed) - 1e-12
                     for order in itertools.permutations(truth)])
    p = permutation_p(importance, truth, draws=100_000, seed=0)
    assert p == pytest.approx(exact, abs=0.005)
    assert p == permutation_p(importance, truth, draws=100_000, seed=0)  # seeded
    assert permutation_p([1, 2, 3, 4], [4, 3, 2, 1], draws=1000) == pytest.approx(
        (1 + 1000 * 2 / 24) / 1001, abs=0.03)  # |rho| = 1: the two monotone orders of 4! = 24


def test_ground_truth_table_reports_both_p_values_and_the_replicates_rho():
    energy = pd.DataFrame({"position": range(1, 6), "mean_energy": [-1.0, -2.0, -3.0, -4.0, -5.0],
                           "abs_mean_energy": [1.0, 2.0, 3.0, 4.0, 5.0]})
    scoring = {"mode": "exact", "readout": "mean_logit", "metric": "gama", "reduction": "input"}
    replicates = pd.DataFrame([{**scoring, "replicate": r, "position": p, "importance": v}
                               for r, values in ((1, [1, 2, 3, 4, 5]), (2, [1, 2, 3, 5, 4]))
                               for p, v in enumerate(values, start=1)])
    profile = replicates.groupby(list(scoring) + ["position"], as_index=False)["importance"].mean()
    table = ground_truth_table(profile, energy, replicates, draws=2000, seed=0)
    row = table.iloc[0]
    assert row["spearman_rho"] == pytest.approx(stats.spearmanr([1, 2, 3, 4.5, 4.5], [1, 2, 3, 4, 5]).statistic)
    assert row["permutation_draws"] == 2000 and 0 < row["permutation_p"] < 0.1
    assert row["rho_replicate_mean"] == pytest.approx((1.0 + 0.9) / 2)
    assert row["rho_replicate_sd"] == pytest.approx(np.std([1.0, 0.9], ddof=1))
    rhos = replicate_rhos(replicates, energy)
    assert rhos["spearman_rho"].tolist() == pytest.approx([1.0, 0.9])


def test_mode_agreement_compares_modes_within_each_scoring():
    rows = []
    for reduction, sign in (("input", 1), ("output", -1)):
        for mode in ("exact", "authors_code"):
            values = [1, 2, 3, 4, 5] if mode == "exact" else [v * sign for v in (1, 2, 3, 4, 5)]
            rows += [{"mode": mode, "readout": "mean_logit", "metric": "gama", "reduction": reduction,
                      "position": p, "importance": v} for p, v in enumerate(values, start=1)]
    table = mode_agreement(pd.DataFrame(rows))
    assert table["reduction"].tolist() == ["input", "output"]
    assert table["spearman_rho"].tolist() == pytest.approx([1.0, -1.0])


# --- set names follow the data ----------------------------------------------------------------

def test_set_name_comes_from_the_file_name():
    assert set_name_from_file("../shared/data/antibody/absolut_3Q3G_binders.tsv") == "absolut_3Q3G"
    assert set_name_from_file("/x/mason_HER2_CDRH3_binders.csv.gz") == "mason_HER2_CDRH3"
    assert set_name_from_file("/x/5KN5 epitope (A).tsv") == "5KN5_epitope__A_"


def test_a_table_override_renames_its_set_unless_a_name_is_given():
    def config(**top):
        return {**top, "generative": {"sets": {"synthetic": {"source": "synthetic"},
                                               "absolut_3Q3G": {"source": "absolut"}}}}

    renamed = config(absolut_table="/data/other_5KN5_binders.tsv")
    apply_table_overrides(renamed)
    assert list(renamed["generative"]["sets"]) == ["synthetic", "other_5KN5"]
    assert renamed["generative"]["sets"]["other_5KN5"]["path"] == "/data/other_5KN5_binders.tsv"
    named = config(absolut_table="/data/other.tsv", absolut_name="my_antigen")
    apply_table_overrides(named)
    assert list(named["generative"]["sets"]) == ["synthetic", "my_antigen"]
    two = {"absolut_table": "/d/x.tsv", "generative": {"sets": {"a": {"source": "absolut"},
                                                                "b": {"source": "absolut"}}}}
    apply_table_overrides(two)
    assert list(two["generative"]["sets"]) == ["x_a", "x_b"]


def test_the_paper_size_is_one_switch_over_a_run_config():
    import yaml
    from snakemake.utils import update_config

    from conftest import REPO
    from seqattr.config import validate_config

    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    update_config(config, yaml.safe_load((REPO / "config" / "overlays" / "paper_size.yaml").read_text()))
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert config["generative"]["model"]["hidden_size"] == 1024
    assert list(config["generative"]["sets"]) == ["synthetic_tiny_and"]  # the run config's sets stay
    assert config["generative"]["training"]["device"] == "auto" and config["gama"]["device"] == "auto"
