"""The dependency benchmark as a workflow design: its experiments, its config checks, one
experiment end to end on tiny settings, and its summary."""

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO
from seqattr.config import ConfigError, validate_config
from seqattr.gama_validation.dependency import dependency_set
from seqattr.gama_validation.experiments import DependencyExperiment, expand_grid

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def dependency_config(**changes) -> dict:
    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config["gama_grid"] = yaml.safe_load((REPO / "config" / "gama_dependency.yaml").read_text())["gama_grid"]
    config["gama_grid"].update(changes)
    return config


def test_the_benchmark_config_expands_to_every_kind_snr_and_seed_with_the_null_set_once_per_seed():
    config = dependency_config()
    validate_config(config, SCHEMA)
    experiments = expand_grid(config["gama_grid"])
    assert len(experiments) == 3 * 3 * 3 + 3
    assert list(experiments)[:4] == ["pairs_snr1.0_s0", "pairs_snr0.7_s0", "pairs_snr0.5_s0", "parity_snr1.0_s0"]
    assert [e for e in experiments if e.startswith("uniform")] == ["uniform_s0", "uniform_s1", "uniform_s2"]
    pairs = experiments["pairs_snr0.7_s1"]
    assert pairs == DependencyExperiment("pairs", 0.7, 1, 12, (1, 2, 4, 8), 10000)
    # the config places the parity triple where the LSTM learns it; no other kind carries it
    assert experiments["parity_snr0.7_s1"].parity_at == (5, 6, 7)
    assert dependency_set(experiments["parity_snr0.7_s1"]).planted_edges == {(5, 7), (6, 7)}


@pytest.mark.parametrize("change, expected", [
    ({"distances": [11, 10]},
     "gama_grid.distances: "),
    ({"signal_to_noise": [1.2]},
     "config key gama_grid.signal_to_noise.0: 1.2 is greater than the maximum of 1"),
    ({"signal_to_noise": [0]},
     "config key gama_grid.signal_to_noise.0: 0 is less than or equal to the minimum of 0"),
    ({"kinds": ["pairs", "triplets"]},
     "config key gama_grid.kinds.1: 'triplets' is not one of ['pairs', 'parity', 'decoy', 'uniform']"),
    ({"parity_positions": [5, 12, 13]},
     "gama_grid.parity_positions: parity positions [5, 12, 13]: give three ascending positions within 1..12"),
    ({"parity_positions": [6, 5, 7]},
     "gama_grid.parity_positions: parity positions [6, 5, 7]: give three ascending positions within 1..12"),
    ({"parity_positions": [5, 6]},
     "config key gama_grid.parity_positions: [5, 6] is too short"),
    ({"logics": ["AND"]},
     "gama_grid.logics: belongs to design logic (the paper's grid), not dependency"),
    ({"scorings": ["exact/log_prob/zero/spread/input"]},
     "gama_grid.scorings: 'exact/log_prob/zero/spread/input' has metric 'spread', not among gama_grid.metrics "
     "['gama', 'effect_size', 'null_spread', 'information']"),
])
def test_a_bad_benchmark_config_is_one_line_naming_the_key(change, expected):
    with pytest.raises(ConfigError) as error:
        validate_config(dependency_config(**change), SCHEMA)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(expected)
    if "distances" in change:
        assert "11" in message and "10" in message and "12" in message  # the distances and the length they must fit


def test_the_logic_design_still_needs_its_logics():
    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    del config["gama_grid"]["logics"]
    with pytest.raises(ConfigError, match=r"^gama_grid\.logics: design logic \(the paper's grid\) needs it$"):
        validate_config(config, SCHEMA)


TINY_SCHEDULE = {"hidden_size": 8, "epochs": 2, "warmup_epochs": 1, "samples_per_epoch": 200,
                 "test_sequences": 100, "restarts": 0, "learned_fraction": 0.9, "tolerance": 0.01}


def tiny_result(kind: str, scorings=None):
    from seqattr.gama.options import IGOptions
    from seqattr.schema import schema_defaults
    from seqattr.gama_validation.dependency import run_dependency_experiment

    experiment = DependencyExperiment(kind, 1.0, 0, 6, (1, 2), 300)
    options = IGOptions.from_config(schema_defaults("gama"), modes=("exact",), readouts=("log_prob",), steps=4,
                                    max_sequences=30, seed=0, device="cpu")
    return run_dependency_experiment(experiment, TINY_SCHEDULE, options, metrics=("gama", "null_spread",
                                     "information"), reductions=("input", "max"), scorings=scorings,
                                     model_free=("logo", "mi_apc"), null_draws=4)


def test_one_tiny_pairs_experiment_gives_rows_edges_and_its_convergence():
    from seqattr.gama_validation.dependency import DEPENDENCY_COLUMNS, EDGE_COLUMNS, dependency_edges, dependency_rows

    result = tiny_result("pairs")
    assert result.planted_edges == {(1, 2), (3, 5)} or len(result.planted_edges) == 2
    rows = pd.DataFrame(dependency_rows(result)).reindex(columns=DEPENDENCY_COLUMNS)
    labels = ["/".join(key) for key in rows[["mode", "readout", "ig_start", "metric", "reduction"]].to_numpy()]
    # the information baseline reads no IG: one row; the model-free baselines: one row each
    assert labels == ["exact/log_prob/zero/gama/input", "exact/log_prob/zero/gama/max",
                      "exact/log_prob/zero/null_spread/input", "exact/log_prob/zero/null_spread/max",
                      "-/-/-/information/-", "-/-/-/logo/-", "-/-/-/mi_apc/max"]
    assert list(rows["kind"]) == ["gama"] * 4 + ["baseline"] * 3
    assert rows["criterion"].eq("learned_fraction").all()
    assert rows["learned_fraction"].nunique() == 1 and np.isfinite(rows["learned_fraction"].iloc[0])
    # two training epochs on 200 sequences learn nothing like 90% of the gap: not converged, said so
    assert not rows["converged"].any()
    # edge AUPRC where there is an edge matrix, NaN for the per-position baselines
    assert rows.loc[rows["metric"].isin(["gama", "null_spread", "mi_apc"]), "edge_auprc"].between(0, 1).all()
    assert rows.loc[rows["metric"].isin(["information", "logo"]), "edge_auprc"].isna().all()
    # MI with APC on 300 sequences of a perfect copy pair ranks the planted edges first
    assert rows.loc[rows["metric"] == "mi_apc", "edge_auprc"].iloc[0] == 1.0
    edges = dependency_edges(result)
    assert list(edges.columns) == EDGE_COLUMNS
    # one edge table per (mode, readout, ig_start, metric) with a matrix: gama, null_spread, mi_apc
    assert edges.groupby(["metric"]).size().to_dict() == {"gama": 15, "mi_apc": 15, "null_spread": 15}
    assert edges["planted"].sum() == 3 * len(result.planted_edges)
    assert edges.loc[edges["metric"] == "gama", "null_p"].between(0, 1).all()
    assert edges.loc[edges["metric"] == "mi_apc", "null_p"].isna().all()


def test_the_null_set_reports_its_false_positive_rate_and_no_detection_rates():
    from seqattr.gama_validation.dependency import dependency_rows

    result = tiny_result("uniform", scorings=["exact/log_prob/zero/gama/max"])
    rows = pd.DataFrame(dependency_rows(result))
    assert list(rows["metric"]) == ["gama", "information", "logo", "mi_apc"]
    assert rows["planted_positions"].eq("").all() and rows["criterion"].eq("excess_nll").all()
    assert rows["fnr_rank"].isna().all() and rows["edge_auprc"].isna().all()
    assert rows["fpr_threshold"].between(0, 1).all()


def test_the_summary_reports_only_converged_models_and_splits_choosing_from_confirming_seeds():
    from seqattr.gama_validation.dependency import dependency_summary

    base = {"mode": "exact", "readout": "log_prob", "ig_start": "zero", "metric": "gama", "reduction": "max",
            "kind": "gama", "set_kind": "pairs", "signal_to_noise": 0.7, "fnr_threshold": 0.0, "fpr_threshold": 0.0}
    frame = pd.DataFrame([
        {**base, "experiment": "a", "seed": 0, "converged": True, "learned_fraction": 0.95, "edge_auprc": 0.8,
         "position_auroc": 0.9},
        {**base, "experiment": "b", "seed": 1, "converged": True, "learned_fraction": 0.93, "edge_auprc": 1.0,
         "position_auroc": 1.0},
        {**base, "experiment": "c", "seed": 2, "converged": False, "learned_fraction": 0.4, "edge_auprc": 0.1,
         "position_auroc": 0.5},
    ])
    summary = dependency_summary(frame).set_index("seed_role")
    assert summary.loc["choose", "edge_auprc"] == 0.8
    confirm = summary.loc["confirm"]
    assert (confirm["experiments"], confirm["converged"], confirm["seeds"]) == (2, 1, "1,2")
    assert confirm["edge_auprc"] == 1.0  # the unconverged seed-2 model is not averaged in
    assert confirm["learned_fraction_min"] == 0.4  # but its learned fraction is shown



def test_the_preregistered_rule_ranks_gama_scorings_on_the_choosing_seed_by_edge_auprc_within_the_null_fpr():
    from seqattr.gama_validation.dependency import dependency_summary, preregistered_ranking

    def row(reduction, metric, set_kind, snr, auprc, auroc, *, seed=0, converged=True, fpr=0.0, experiment=None):
        return {"mode": "exact", "readout": "mean_logit", "ig_start": "zero", "metric": metric, "reduction": reduction,
                "kind": "baseline" if metric == "mi_apc" else "gama", "set_kind": set_kind, "signal_to_noise": snr,
                "seed": seed, "converged": converged, "learned_fraction": 0.95 if converged else 0.1,
                "edge_auprc": auprc, "position_auroc": auroc, "fnr_threshold": 0.0, "fpr_threshold": fpr,
                "experiment": experiment or f"{set_kind}_snr{snr}_s{seed}"}

    rows = []
    for reduction, metric, auroc, null_fpr in [("max", "null_spread", 1.0, 0.0), ("sum", "null_spread", 0.6, 0.0),
                                               ("input", "gama", 1.0, 0.25), ("input", "mi_apc", 1.0, 0.0)]:
        high = 1.0 if reduction == "input" else 0.8  # the paper's scoring and the baseline top the edges
        rows += [row(reduction, metric, "pairs", 1.0, high, auroc), row(reduction, metric, "parity", 0.7, high, auroc),
                 row(reduction, metric, "uniform", 1.0, float("nan"), float("nan"), fpr=null_fpr)]
    rows += [row("sum", "null_spread", "pairs", 0.5, 1.0, 1.0),  # below the SNR the rule reads
             row("sum", "null_spread", "decoy", 1.0, 1.0, 1.0, converged=False),  # a model that did not learn
             row("sum", "null_spread", "pairs", 1.0, 1.0, 1.0, seed=1)]  # a confirming seed
    ranking = preregistered_ranking(dependency_summary(pd.DataFrame(rows)))
    # the paper's scoring fails the null FPR, the baseline is never chosen; max and sum tie
    # on edges (0.8 over 2 models each) and max wins on position AUROC
    assert list(ranking.index) == ["exact/mean_logit/zero/null_spread/max", "exact/mean_logit/zero/null_spread/sum"]
    assert ranking["edge_auprc"].tolist() == pytest.approx([0.8, 0.8])
    assert ranking["models"].tolist() == [2, 2]
    assert ranking.loc["exact/mean_logit/zero/null_spread/sum", "position_auroc"] == pytest.approx(0.6)

# --- readable defaults: the GAMA stage's scorings ------------------------------------------

def test_the_gama_stage_keeps_the_listed_scorings_and_every_baseline():
    from seqattr.gama.profiles import selected

    frame = pd.DataFrame([{"mode": m, "readout": r, "metric": k, "reduction": d, "position": 1}
                          for m in ("exact", "authors_code") for r in ("mean_logit",)
                          for k in ("gama", "effect_size", "information") for d in ("input", "output")])
    kept = selected(frame, ["authors_code/mean_logit/zero/gama/input"])
    assert kept[["mode", "metric", "reduction"]].agg("/".join, axis=1).tolist() == [
        "exact/information/input", "exact/information/output", "authors_code/gama/input",
        "authors_code/information/input", "authors_code/information/output"]
    assert selected(frame, None) is frame


def test_a_gama_scoring_outside_the_cross_product_is_one_line_naming_the_key():
    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config.setdefault("gama", {})["scorings"] = ["exact/log_prob/zero/gama/input"]
    with pytest.raises(ConfigError) as error:
        validate_config(config, SCHEMA)
    assert str(error.value) == ("gama.scorings: 'exact/log_prob/zero/gama/input' has readout 'log_prob', not among "
                                "gama.readouts ['mean_logit']")


@pytest.mark.parametrize("name", ["absolut.yaml", "mason.yaml", "beam.yaml", "config.yaml"])
def test_the_real_set_and_demo_configs_report_the_paper_s_scoring_and_the_pre_registered_one(name):
    config = yaml.safe_load((REPO / "config" / name).read_text())
    section = config["gama_grid"] if name == "config.yaml" else config["gama"]
    listed = section["scorings"]
    if name == "config.yaml":
        # the demo adds the dependency benchmark's choice
        assert listed[3:] == ["exact/mean_logit/zero/null_spread/max"]
        listed = listed[:3]
    assert listed == ["exact/mean_logit/zero/gama/input", "authors_code/mean_logit/zero/gama/input",
                      "exact/log_prob/zero/effect_size/output"]
    assert "information" in section["metrics"]


# --- the loop that chose gama_grid.schedule (gama_validation.dependency_training) ---------

TINY_SCHEDULE = {"hidden_size": 4, "epochs": 2, "warmup_epochs": 0, "samples_per_epoch": 64, "test_sequences": 32,
                 "batch_size": 32, "restarts": 0}


def test_dependency_training_gives_one_row_per_model_and_repeats_under_its_seed(one_thread):
    from seqattr.gama_validation.dependency_training import ROW_COLUMNS, dependency_training_rows

    def rows():
        return pd.DataFrame(dependency_training_rows(["pairs", "uniform"], [1.0, 0.5], [3], TINY_SCHEDULE))

    first = rows()
    assert first.columns.tolist() == ROW_COLUMNS
    # pairs at two SNRs, the null set once (it ignores SNR); each experiment's real model, then its null model
    assert first[["set_kind", "signal_to_noise", "model"]].values.tolist() == [
        ["pairs", 1.0, "real"], ["pairs", 1.0, "null"], ["pairs", 0.5, "real"], ["pairs", 0.5, "null"],
        ["uniform", 1.0, "real"], ["uniform", 1.0, "null"]]
    assert (first["epochs"] == 2).all() and (first["attempts"] == 1).all()
    # nothing to learn: the null set and every null model (column marginals of a uniform-marginal set)
    assert first.loc[first["model"] == "null", "learned_fraction"].isna().all()
    assert first.loc[first["set_kind"] == "uniform", "learned_fraction"].isna().all()
    assert first.loc[(first["set_kind"] == "pairs") & (first["model"] == "real"), "learned_fraction"].notna().all()
    pd.testing.assert_frame_equal(rows().drop(columns="seconds"), first.drop(columns="seconds"))


def test_the_learning_goal_takes_each_set_s_lowest_real_model_and_applies_from_snr_0_7():
    from seqattr.gama_validation.dependency_training import learning_goal

    rows = pd.DataFrame([
        {"set_kind": kind, "signal_to_noise": snr, "seed": seed, "model": model, "learned_fraction": value}
        for kind, snr, seed, model, value in [
            ("pairs", 1.0, 0, "real", 0.99), ("pairs", 1.0, 1, "real", 0.95), ("pairs", 1.0, 0, "null", 0.1),
            ("pairs", 0.7, 0, "real", 0.93), ("pairs", 0.7, 1, "real", 0.89),
            ("pairs", 0.5, 0, "real", 0.40),
            ("uniform", 1.0, 0, "real", float("nan"))]])
    goal = learning_goal(rows)  # the schema's goal, gama_grid.schedule.learned_fraction
    assert goal[["set_kind", "signal_to_noise", "lowest_learned_fraction", "models"]].values.tolist() == [
        ["pairs", 1.0, 0.95, 2], ["pairs", 0.7, 0.89, 2], ["pairs", 0.5, 0.40, 1]]
    assert goal["goal_met"].tolist() == [True, False, None]
    assert learning_goal(rows, goal=0.85)["goal_met"].tolist() == [True, True, None]
