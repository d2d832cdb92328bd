"""GAMA validation helpers: Absolut! parser, ground truth, FNR rules, grid expansion."""

import math

import numpy as np
import pandas as pd
import pytest

from seqattr import InputError
from seqattr.gama_validation.detection import (detected_by_rank, detected_by_threshold, false_negative_rate,
                                              false_positive_rate, modified_z)
from seqattr.gama_validation.experiments import expand_grid
from seqattr.gama_validation.grid import attribution_sample, score_profile
from seqattr.gama_validation.ground_truth import ground_truth_table, per_position_energy, spearman
from seqattr.generative.absolut import parse_contributions, read_absolut_contributions


# --- contribPerAAparaBind ---------------------------------------------------------------

def test_parse_contributions_reads_every_entry_and_skips_the_trailing_comma():
    parsed = parse_contributions("Sa:1_-1.67,Lb:3_-17.48,Yk:2_-7.38,")
    assert [(c.residue, c.position, c.count, c.energy) for c in parsed] == [
        ("S", 1, 1, -1.67), ("L", 2, 3, -17.48), ("Y", 11, 2, -7.38)]


@pytest.mark.parametrize("cell", ["", ",", None, float("nan")])
def test_parse_contributions_empty_cell_is_no_contact(cell):
    assert parse_contributions(cell) == []


@pytest.mark.parametrize("cell, message", [
    ("Sa:1-1.67,", "is not <residue>"),          # missing underscore
    ("S1:1_-1.67,", "is not <residue>"),          # digit instead of position letter
    ("Sl:1_-1.67,", "beyond a slice of 11"),      # letter l = position 12
    ("Sa:1_-1.0,La:2_-2.0,", "appears twice"),
])
def test_parse_contributions_rejects_malformed_entries_naming_the_record(cell, message):
    with pytest.raises(InputError, match=message) as error:
        parse_contributions(cell, where="binders.tsv: record 7")
    assert "binders.tsv: record 7" in str(error.value)


def _absolut_file(tmp_path, rows):
    path = tmp_path / "binders.tsv"
    pd.DataFrame(rows, columns=["Slide", "contribPerAAparaBind"]).to_csv(path, sep="\t", index=False)
    return path


def test_per_position_energy_averages_over_all_records_with_absent_positions_as_zero(tmp_path):
    path = _absolut_file(tmp_path, [("ACD", "Aa:1_-2.0,Cb:2_-4.0,"), ("ACE", "Aa:1_-4.0,")])
    long = read_absolut_contributions(path)
    energy = per_position_energy(long, long.attrs["n_records"], long.attrs["slice_length"])
    assert energy["position"].tolist() == [1, 2, 3]
    assert energy["mean_energy"].tolist() == [-3.0, -2.0, 0.0]
    assert energy["abs_mean_energy"].tolist() == [3.0, 2.0, 0.0]
    assert energy["contact_fraction"].tolist() == [1.0, 0.5, 0.0]
    assert energy["mean_energy_when_contact"].iloc[1] == -4.0
    assert math.isnan(energy["mean_energy_when_contact"].iloc[2])


def test_read_absolut_refuses_an_entry_whose_residue_is_not_in_the_slice(tmp_path):
    path = _absolut_file(tmp_path, [("ACD", "Aa:1_-2.0,"), ("ACD", "Wb:1_-2.0,")])
    with pytest.raises(InputError, match=r"record 2 .*residue 'W' but the slice 'ACD' has 'C'"):
        read_absolut_contributions(path)


def test_read_absolut_names_a_missing_column(tmp_path):
    path = tmp_path / "x.tsv"
    pd.DataFrame({"Slide": ["AC"]}).to_csv(path, sep="\t", index=False)
    with pytest.raises(InputError, match="no column 'contribPerAAparaBind'"):
        read_absolut_contributions(path)


def test_real_absolut_table_parses_to_eleven_positions(shared_data):
    path = shared_data / "antibody" / "absolut_3Q3G_binders.tsv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    long = read_absolut_contributions(path)
    assert long.attrs["n_records"] == 1013 and long.attrs["slice_length"] == 11
    energy = per_position_energy(long, long.attrs["n_records"], long.attrs["slice_length"])
    assert energy["position"].tolist() == list(range(1, 12))
    assert (energy["mean_energy"] < 0).all()  # every position binds in some records; energies are negative
    # Positions 1, 2, 4, 6, 8, 10, 11 contact the antigen in every record of this epitope.
    assert energy.loc[energy["contact_fraction"] == 1.0, "position"].tolist() == [1, 2, 4, 6, 8, 10, 11]


# --- Spearman ---------------------------------------------------------------------------

def test_spearman_matches_scipy_and_ignores_undefined_positions():
    importance = [0.1, 0.5, np.nan, 0.3, 0.9]
    truth = [1.0, 4.0, 2.0, 3.0, 5.0]
    rho, p = spearman(importance, truth)
    assert rho == pytest.approx(1.0)
    assert p == pytest.approx(0.0, abs=1e-6)
    rho, _ = spearman([3, 2, 1], [1, 2, 3])
    assert rho == pytest.approx(-1.0)


def test_spearman_is_nan_for_a_constant_profile():
    assert all(math.isnan(v) for v in spearman([1, 1, 1, 1], [1, 2, 3, 4]))


def test_ground_truth_table_gives_each_mode_its_own_rho():
    profile = pd.DataFrame({"mode": ["exact"] * 4 + ["authors_code"] * 4, "position": [1, 2, 3, 4] * 2,
                            "importance": [1, 2, 3, 4, 4, 3, 2, 1], "rank": [4, 3, 2, 1, 1, 2, 3, 4]})
    energy = pd.DataFrame({"position": [1, 2, 3, 4], "mean_energy": [-1.0, -2.0, -3.0, -4.0],
                           "abs_mean_energy": [1.0, 2.0, 3.0, 4.0]})
    table = ground_truth_table(profile, energy)
    rho = table.groupby("mode")["spearman_rho"].first()
    assert rho["exact"] == pytest.approx(1.0) and rho["authors_code"] == pytest.approx(-1.0)


def test_ground_truth_table_refuses_a_profile_shorter_than_the_slice():
    profile = pd.DataFrame({"mode": ["exact"] * 2, "position": [1, 2], "importance": [1, 2], "rank": [2, 1]})
    energy = pd.DataFrame({"position": [1, 2, 3], "mean_energy": [-1.0] * 3, "abs_mean_energy": [1.0] * 3})
    with pytest.raises(InputError, match=r"lacks positions \[3\]"):
        ground_truth_table(profile, energy)


# --- FNR rules --------------------------------------------------------------------------

def test_rank_rule_detects_the_top_k_and_misses_the_rest():
    importance = [0.1, 0.9, 0.2, 0.8, 0.3, 0.7]  # positions 2, 4, 6 lead
    assert detected_by_rank(importance, [2, 4]).tolist() == [True, True]
    assert detected_by_rank(importance, [2, 3]).tolist() == [True, False]  # 3 is 5th of 6
    assert false_negative_rate(detected_by_rank(importance, [1, 3])) == 1.0


def test_rank_rule_counts_ties_against_the_implanted_position():
    importance = [0.5, 0.5, 0.5, 0.1]
    assert detected_by_rank(importance, [1]).tolist() == [False]   # tied with two others for top-1
    assert detected_by_rank(importance, [1, 2, 3]).tolist() == [True] * 3


def test_rank_rule_never_detects_undefined_importance():
    assert detected_by_rank([np.nan, 0.1, 0.2], [1]).tolist() == [False]


def test_threshold_rule_uses_the_modified_z_score():
    background = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 1.0]
    importance = background + [5.0, 1.2]
    z = modified_z(importance)
    median = np.median(importance)
    mad = np.median(np.abs(np.array(importance) - median))
    assert z[8] == pytest.approx(0.6745 * (5.0 - median) / mad)
    assert detected_by_threshold(importance, [9, 10], threshold_z=3.5).tolist() == [True, False]
    assert false_negative_rate(detected_by_threshold(importance, [9, 10])) == 0.5
    assert false_positive_rate(importance, [9]) == 0.0
    assert false_positive_rate(importance, [1]) == pytest.approx(1 / 9)  # position 9 is a false positive


def test_threshold_rule_with_zero_mad_flags_only_values_above_the_median():
    assert detected_by_threshold([1.0, 1.0, 1.0, 1.0, 2.0], [5, 1]).tolist() == [True, False]


def test_fnr_rules_refuse_positions_outside_the_profile():
    with pytest.raises(ValueError, match="1-based"):
        detected_by_rank([1, 2, 3], [0])
    with pytest.raises(ValueError, match="outside 1..3"):
        detected_by_threshold([1, 2, 3], [4])


def test_score_profile_lists_the_top_positions_1_based():
    scores = score_profile([0.0, 3.0, 0.1, 2.0] + [0.0] * 12, [2, 4])
    assert scores["top_positions"] == "2,4"
    assert scores["fnr_rank"] == 0.0


# --- grid -------------------------------------------------------------------------------

def _grid(**overrides):
    grid = {"logics": ["AND", "XOR"], "position_sets": [[2, 4], [12, 14, 16]],
            "signal_to_noise": [1.0, 0.7000000000000001], "seeds": [0], "length": 16, "n_sequences": 100}
    grid.update(overrides)
    return grid


def test_expand_grid_gives_stable_ids_in_grid_order():
    experiments = expand_grid(_grid())
    assert list(experiments)[:3] == ["AND_p2-4_snr1.0_s0", "AND_p2-4_snr0.7_s0", "AND_p12-14-16_snr1.0_s0"]
    assert len(experiments) == 8
    assert experiments["XOR_p12-14-16_snr0.7_s0"].positions == (12, 14, 16)
    assert experiments["XOR_p12-14-16_snr0.7_s0"].signal_to_noise == 0.7


def test_expand_grid_refuses_duplicate_points():
    with pytest.raises(ValueError, match="appears twice"):
        expand_grid(_grid(signal_to_noise=[0.3, 0.30000000000000004]))


def test_paper_grid_has_270_experiments():
    import yaml
    from pathlib import Path

    grid = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "gama_grid.yaml").read_text())
    experiments = expand_grid({"seeds": [0], "length": 16, "n_sequences": 10000, **grid["gama_grid"]})
    assert len(experiments) == 270 * len(grid["gama_grid"]["seeds"])
    assert {e.length for e in experiments.values()} == {16}
    assert {e.n_sequences for e in experiments.values()} == {10000}


def test_attribution_sample_is_seeded_and_sorted():
    a = attribution_sample(1000, 50, seed=3)
    assert len(a) == 50 and np.all(np.diff(a) > 0)
    assert np.array_equal(a, attribution_sample(1000, 50, seed=3))
    assert np.array_equal(attribution_sample(10, None, seed=0), np.arange(10))


def test_ig_options_come_from_the_gama_config_keys_once():
    import dataclasses

    from seqattr.schema import schema_defaults
    from seqattr.gama.options import IG_OPTION_KEYS, IGOptions

    gama = schema_defaults("gama")
    options = IGOptions.from_config({key: gama[key] for key in IG_OPTION_KEYS}, modes=["authors_code"])
    assert options.modes == ("authors_code",) and options.readouts == tuple(gama["readouts"])
    assert (options.steps, options.max_sequences, options.seed) == (gama["ig_steps"], gama["max_sequences"], gama["seed"])
    assert options.ig_arguments() == {"quadrature": gama["quadrature"], "steps": gama["ig_steps"],
                                      "batch_size": gama["batch_size"], "device": gama["device"]}
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.steps = 1
    with pytest.raises(KeyError, match="ig_steps"):
        IGOptions.from_config({key: gama[key] for key in IG_OPTION_KEYS if key != "ig_steps"})


# --- one grid experiment end to end (needs the GAMA core) --------------------------------

def run_grid(experiment, train: dict, modes, steps: int, n_attributed: int, readouts=("mean_logit",), **scoring):
    """`run_experiment`'s table rows, IG options as the grid step builds them."""
    from seqattr.gama.options import IGOptions
    from seqattr.gama_validation.grid import grid_rows, run_experiment

    options = IGOptions(modes=tuple(modes), readouts=tuple(readouts), quadrature="gauss-legendre", steps=steps,
                        batch_size=4096, max_sequences=n_attributed, seed=experiment.seed, device="auto")
    return grid_rows(run_experiment(experiment, train, options, **scoring))


def test_run_grid_experiment_gives_one_row_per_mode_with_rates_in_range():
    pytest.importorskip("seqattr.generative.engine")
    from seqattr.gama_validation.experiments import Experiment
    from seqattr.gama_validation.grid import GRID_COLUMNS, grid_frame

    experiment = Experiment("AND", (2, 4), 1.0, 0, 8, 300)
    rows = run_grid(experiment, {"hidden_size": 16, "max_epochs": 3}, ["exact", "authors_code"], 8, n_attributed=16)
    frame = grid_frame(rows)
    assert list(frame.columns) == GRID_COLUMNS
    assert frame["mode"].tolist() == ["exact", "authors_code"]
    assert frame["experiment"].unique().tolist() == ["AND_p2-4_snr1.0_s0"]
    for column in ("fnr_rank", "fnr_threshold", "fpr_threshold"):
        assert frame[column].between(0, 1).all()
    assert (frame["n_attributed"] == 16).all() and (frame["epochs"] <= 3).all()
    assert all(len(t.split(",")) == 2 for t in frame["top_positions"])


def test_grid_experiment_scores_every_scoring_from_one_pair_of_models_and_records_convergence():
    pytest.importorskip("seqattr.generative.engine")
    from seqattr.gama_validation.experiments import Experiment
    from seqattr.gama_validation.grid import GRID_COLUMNS, grid_frame
    from seqattr.generative.entropy import entropy_floor

    experiment = Experiment("AND", (2, 4), 0.5, 0, 6, 150)  # paper protocol: 150 signal + 150 noise
    rows = run_grid(experiment, {"hidden_size": 8, "max_epochs": 2, "tolerance": 0.01}, ["exact", "authors_code"], 4,
                    n_attributed=20, protocol="paper", readouts=["mean_logit", "log_prob"],
                    metrics=["gama", "effect_size"], reductions=["input", "output", "both"])
    frame = grid_frame(rows)
    assert list(frame.columns) == GRID_COLUMNS
    # (exact, mean_logit), (authors_code, mean_logit), (exact, log_prob) x 2 metrics x 3 reductions
    assert len(frame) == 3 * 2 * 3
    assert set(map(tuple, frame[["mode", "readout"]].values)) == {
        ("exact", "mean_logit"), ("authors_code", "mean_logit"), ("exact", "log_prob")}
    assert (frame["protocol"] == "paper").all() and (frame["n_sequences"] == 300).all()
    assert (frame["n_attributed"] == 20).all()  # the authors' sample: 10 signal + 10 noise
    assert frame["entropy_floor"].iloc[0] == pytest.approx(entropy_floor("paper", "AND", 6, 2, 0.5))
    # two epochs of a hidden-8 model are far from the floor: recorded, not hidden
    assert frame["excess_nll"].nunique() == 1 and frame["excess_nll"].iloc[0] > 0.01
    assert not frame["converged"].any()
    for column in ("fnr_rank", "fnr_threshold"):
        assert frame[column].between(0, 1).all()


def test_grid_experiment_with_null_spread_trains_the_null_model_and_scores_each_baseline():
    pytest.importorskip("seqattr.generative.engine")
    from seqattr.gama_validation.experiments import Experiment
    from seqattr.gama_validation.grid import GRID_COLUMNS, grid_frame

    experiment = Experiment("AND", (2, 4), 1.0, 0, 6, 200)
    rows = run_grid(experiment, {"hidden_size": 8, "max_epochs": 2, "tolerance": 0.01}, ["exact"], 4,
                    n_attributed=12, readouts=["log_prob"], metrics=["gama", "null_spread"], reductions=["both"],
                    ig_starts=["zero", "mean_residue"])
    frame = grid_frame(rows)
    assert list(frame.columns) == GRID_COLUMNS
    assert list(map(tuple, frame[["ig_start", "metric"]].values)) == [
        ("zero", "gama"), ("zero", "null_spread"), ("mean_residue", "gama"), ("mean_residue", "null_spread")]
    # the null model is recorded like the real one: two epochs of hidden 8 are not converged
    assert frame["null_excess_nll"].nunique() == 1 and frame["null_excess_nll"].iloc[0] > 0.01
    assert not frame["null_converged"].any()
    # the paper's scorings alone train no null model
    rows = run_grid(experiment, {"hidden_size": 8, "max_epochs": 1}, ["exact"], 4, n_attributed=12)
    assert np.isnan(rows[0]["null_excess_nll"]) and rows[0]["null_converged"] == ""


def test_grid_experiment_information_metrics_read_the_trained_model(monkeypatch):
    pytest.importorskip("seqattr.generative.engine")
    import torch

    import seqattr.gama.scoring as scoring_module
    from seqattr.gama_validation.experiments import Experiment
    from seqattr.gama_validation.grid import grid_frame

    seen = []

    def recorded(model, tokens, batch_size=1024):
        seen.append(tuple(tokens.shape))
        profile = torch.zeros(tokens.shape[1] - 2, dtype=torch.float64)
        profile[[1, 3]] = 3.0  # as a model that learned a motif conserved at 2 and 4
        return profile

    monkeypatch.setattr(scoring_module, "information_profile", recorded)
    experiment = Experiment("AND", (2, 4), 1.0, 0, 6, 200)
    rows = run_grid(experiment, {"hidden_size": 8, "max_epochs": 1}, ["exact"], 4, n_attributed=12,
                    readouts=["log_prob"], metrics=["information", "null_spread_information"],
                    reductions=["input", "both"], ig_starts=["zero", "mean_residue"])
    frame = grid_frame(rows)
    assert seen == [(12, 8)]  # once, on the 12 attributed sequences of 6 residues
    # the information baseline reads no IG: one row; its sum with null_spread per IG start x reduction
    assert len(frame) == 1 + 2 * 2
    assert frame.iloc[0][["mode", "readout", "ig_start", "metric", "reduction"]].tolist() == [
        "-", "-", "-", "information", "-"]
    # the sum keeps what the information term says
    assert set(frame["top_positions"][frame["metric"] == "information"]) == {"2,4"}  # ties by position
    assert (frame["fnr_rank"] == 0).all()
    assert frame["null_excess_nll"].notna().all()  # null_spread_information trains the null model


@pytest.mark.parametrize("change, message", [
    ({"tolerance": 0}, "config key gama_grid.tolerance: 0 is less than or equal to the minimum of 0"),
    ({"ig_starts": ["uniform"]}, "config key gama_grid.ig_starts.0: 'uniform' is not one of"),
    ({"metrics": ["spread_z"]}, "config key gama_grid.metrics.0: 'spread_z' is not one of"),
    ({"protocol": "authors"}, "config key gama_grid.protocol: 'authors' is not one of ['clean', 'paper']"),
    ({"readouts": ["logits"]}, "config key gama_grid.readouts.0: 'logits' is not one of"),
    ({"reductions": ["mean"]}, "config key gama_grid.reductions.0: 'mean' is not one of"),
])
def test_bad_grid_options_are_one_clear_config_error(change, message):
    import yaml

    from conftest import REPO
    from seqattr.config import ConfigError, validate_config

    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config["gama_grid"].update(change)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


# --- table overrides ---------------------------------------------------------------------

def test_table_override_sets_the_path_of_every_set_of_that_source(tmp_path):
    from seqattr.config import apply_table_overrides

    config = {"absolut_table": "../shared/x.tsv", "mason_table": None,
              "generative": {"sets": {"a": {"source": "absolut"}, "b": {"source": "absolut", "path": "old"},
                                      "m": {"source": "mason", "path": "keep.csv"}}}}
    apply_table_overrides(config, project_root=tmp_path / "project")
    expected = str(tmp_path / "shared" / "x.tsv")
    # named for the table (x), each keeping its own name after it (x_a, x_b); mason's is untouched
    assert [config["generative"]["sets"][s].get("path") for s in ("x_a", "x_b", "m")] == [expected, expected,
                                                                                         "keep.csv"]


def test_table_override_without_a_set_of_that_source_is_a_config_error():
    from seqattr.config import ConfigError, apply_table_overrides

    with pytest.raises(ConfigError, match="mason_table: there is no generative set with source 'mason'"):
        apply_table_overrides({"mason_table": "/x.csv", "generative": {"sets": {"a": {"source": "absolut"}}}})


def load_grid_config(*names):
    """A grid config with its overlays merged key by key, as Snakemake merges --configfile."""
    import yaml
    from snakemake.utils import update_config

    from conftest import REPO
    from seqattr.config import validate_config

    config = {}
    for name in names:
        update_config(config, yaml.safe_load((REPO / "config" / name).read_text()))
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    return config


def test_the_headline_overlay_keeps_the_cpu_grid_experiments_and_drops_the_null_model():
    from seqattr.gama.metric import NULL_METRICS

    full = load_grid_config("gama_cpu_grid.yaml")
    headline = load_grid_config("gama_cpu_grid.yaml", "overlays/gama_cpu_grid_headline.yaml")
    assert headline["run"] != full["run"]  # its results do not overwrite the full grid's
    assert expand_grid(headline["gama_grid"]).keys() == expand_grid(full["gama_grid"]).keys()
    assert len(expand_grid(headline["gama_grid"])) == 81
    assert headline["gama_grid"]["train"] == full["gama_grid"]["train"]
    assert headline["gama_grid"]["ig_starts"] == ["zero"]  # the paper's IG start: one IG pass per model
    assert not set(headline["gama_grid"]["metrics"]) & set(NULL_METRICS)  # no null model is trained
    assert {"gama", "information"} <= set(headline["gama_grid"]["metrics"])
    assert headline["gama_grid"]["model_free"] == ["logo"]


def test_the_null_spread_overlay_keeps_the_cpu_grid_experiments_and_scores_the_preregistered_rule():
    from seqattr.gama_validation.figures import PREREGISTERED_SCORINGS

    full = load_grid_config("gama_cpu_grid.yaml")
    headline = load_grid_config("gama_cpu_grid.yaml", "overlays/gama_cpu_grid_headline.yaml")
    overlay = load_grid_config("gama_cpu_grid.yaml", "overlays/gama_cpu_grid_null_spread.yaml")
    assert len({full["run"], headline["run"], overlay["run"]}) == 3
    assert expand_grid(overlay["gama_grid"]).keys() == expand_grid(full["gama_grid"]).keys()
    assert overlay["gama_grid"]["train"] == full["gama_grid"]["train"]
    grid = overlay["gama_grid"]
    scorings = {f"{mode}/{readout}/{ig_start}/{metric}/{reduction}" for mode in grid["modes"]
                for readout in grid["readouts"] for ig_start in grid["ig_starts"]
                for metric in grid["metrics"] for reduction in grid["reductions"]}
    assert "exact/mean_logit/zero/null_spread/max" in PREREGISTERED_SCORINGS
    assert "exact/mean_logit/zero/null_spread/max" in scorings
    assert "exact/mean_logit/zero/gama/input" in scorings  # the paper's method beside it
    assert grid["model_free"] == ["logo"]
