"""GAMA validation rules end to end: the grid slice of the test run, and the Absolut!
and Mason configs on slices of the real tables (skipped when ../shared/data is absent)."""

import pandas as pd
import pytest
import yaml

from conftest import REPO, snakemake
from seqattr.gama_validation.grid import GRID_COLUMNS
from seqattr.io import read_table

# The run configs at test size: a tiny LSTM, few epochs, few attributed sequences.
SMALL = {"model": {"hidden_size": 8}, "training": {"max_epochs": 2}, "sample": {"n": 10}}
SMALL_GAMA = {"ig_steps": 8, "max_sequences": 24, "replicates": 2, "bootstrap": 5, "permutation_draws": 1000}
SCORING = ["mode", "readout", "metric", "reduction"]
N_SCORINGS = 3 + 1  # the real-set configs' gama.scorings, and the information baseline (one row: it reads no IG)


def _small_config(name: str, tmp_path):
    config = yaml.safe_load((REPO / "config" / f"{name}.yaml").read_text())
    config["run"] = f"{name}_small"
    config["generative"].update(SMALL)
    config["gama"].update(SMALL_GAMA)
    # The slices are binders only: the comparison with non-binders has its own tests
    # (tests/test_gama_negatives.py), and the full non-binder table would dominate the run.
    for generative_set in config["generative"]["sets"].values():
        generative_set.pop("negatives", None)
    path = tmp_path / f"{name}_small.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.workflow
def test_test_run_writes_the_grid_table_and_figure(test_run):
    table = read_table(test_run / "gama" / "grid.tsv", dtype={"positions": str})
    assert list(table.columns) == GRID_COLUMNS
    assert table["experiment"].unique().tolist() == ["AND_p2-4_snr1.0_s0"]
    # the paper's scoring in both modes, then the logo (gama_grid.model_free), named a baseline
    assert table["mode"].tolist() == ["exact", "authors_code", "-"]
    assert table["kind"].tolist() == ["gama", "gama", "baseline"] and table["metric"].iloc[-1] == "logo"
    assert table[["fnr_rank", "fnr_threshold"]].stack().between(0, 1).all()
    assert (test_run / "figures" / "gama" / "grid_fnr.png").stat().st_size > 10_000


def real_table_slice(source, rows: int, folder):
    """The first `rows` records of a real table from ../shared/data, in the same format."""
    if not source.exists():
        pytest.skip(f"{source} not present")
    sep = "\t" if source.suffix == ".tsv" else ","
    subset = folder / f"{source.stem}_subset{source.suffix}"
    pd.read_csv(source, sep=sep, dtype=str, keep_default_na=False).head(rows).to_csv(subset, sep=sep, index=False)
    return subset


@pytest.mark.workflow
def test_absolut_config_on_a_slice_of_the_real_table(shared_data, tmp_path):
    subset = real_table_slice(shared_data / "antibody" / "absolut_3Q3G_binders.tsv", 120, tmp_path)
    # The set is named for the table it reads (absolut_3Q3G_binders_subset.tsv), not for
    # the config's absolut_3Q3G: outputs and titles follow the data.
    name = "absolut_3Q3G_binders_subset"
    results = tmp_path / "results" / "absolut_small"
    targets = [f"results/absolut_small/gama/{name}/{table}.tsv"
               for table in ("ground_truth", "ground_truth_replicates", "mode_agreement")]
    targets += [f"results/absolut_small/figures/gama/{name}.{kind}.png" for kind in ("ground_truth", "profile")]
    # The table comes from the command line (absolut_table), not from the config file.
    snakemake(*targets, "--configfile", str(_small_config("absolut", tmp_path)), "--config",
              f"absolut_table={subset}", workdir=tmp_path)
    assert not (results / "gama" / "absolut_3Q3G").exists()
    assert len(read_table(results / "generative" / name / "sequences.tsv.gz")) == 120
    for replicate in (1, 2):  # each replicate its own pair of models
        assert (results / "generative" / name / f"replicate{replicate}" / "trained.pt").exists()
    truth = read_table(results / "gama" / name / "ground_truth.tsv")
    # the config's readable few (gama.scorings): the paper's in both modes, the pre-registered
    # exact/log_prob/effect_size/output, and the information baseline ("-" for the IG settings)
    assert truth.groupby(SCORING).ngroups == N_SCORINGS
    assert sorted(set(truth["mode"])) == ["-", "authors_code", "exact"]
    for _, part in truth.groupby(SCORING):
        assert part["position"].tolist() == list(range(1, 12))
        assert part["spearman_rho"].nunique() == 1 and -1 <= part["spearman_rho"].iloc[0] <= 1
        assert 1 / 1001 <= part["permutation_p"].iloc[0] <= 1 and (part["permutation_draws"] == 1000).all()
        assert (part["replicates"] == 2).all() and (part["converged_replicates"].isin(["0/2", "1/2", "2/2"])).all()
    assert (truth["mean_energy"] < 0).all()
    # NaN only where the scoring is undefined: residue 1 has no output role (it reads only START)
    undefined = (truth["reduction"] == "output") & (truth["position"] == 1)
    assert truth.loc[undefined, ["importance", "sd", "ci_low", "ci_high"]].isna().all().all()
    defined = truth[~undefined]
    assert (defined["ci_low"] <= defined["ci_high"]).all() and defined["sd"].notna().all()
    rhos = read_table(results / "gama" / name / "ground_truth_replicates.tsv")
    assert len(rhos) == N_SCORINGS * 2 and sorted(set(rhos["replicate"])) == [1, 2]
    assert rhos["spearman_rho"].between(-1, 1).all()
    assert {"criterion", "converged", "train_nll", "val_nll"} <= set(rhos.columns)  # beside every rho
    assert (results / "figures" / "gama" / f"{name}.ground_truth.png").stat().st_size > 10_000


@pytest.mark.workflow
def test_mason_config_on_a_slice_of_the_real_table(shared_data, tmp_path):
    subset = real_table_slice(shared_data / "antibody" / "mason_HER2_CDRH3_binders.csv", 150, tmp_path)
    results = tmp_path / "results" / "mason_small"
    name = "her2_slice"  # mason_name names the set whatever the file is called
    targets = [f"results/mason_small/gama/{name}/mode_agreement.tsv",
               f"results/mason_small/figures/gama/{name}.profile.png",
               f"results/mason_small/figures/gama/{name}.heatmap.png",
               f"results/mason_small/figures/generative/{name}.logo.png"]
    # The default target: a GAMA-only config must not schedule the classification stage.
    snakemake("--configfile", str(_small_config("mason", tmp_path)), "--config",
              f"mason_table={subset}", f"mason_name={name}", workdir=tmp_path)
    assert (results / "manifest.json").exists() and not (results / "metrics").exists()
    profile = read_table(results / "gama" / name / "profile.tsv")
    assert sorted(set(profile["mode"])) == ["-", "authors_code", "exact"]
    assert profile.groupby(SCORING).ngroups == N_SCORINGS
    assert profile.groupby(SCORING)["position"].apply(list).tolist() == [list(range(1, 11))] * N_SCORINGS
    assert {"sd", "ci_low", "ci_high", "top4_replicates", "top4_bootstrap", "criterion", "converged",
            "train_nll", "val_nll"} <= set(profile.columns)
    assert (profile["criterion"] == "plateau").all()
    agreement = read_table(results / "gama" / name / "mode_agreement.tsv", dtype={"top4_a": str, "top4_b": str})
    # exact vs authors_code within each (mean_logit, metric, reduction) both have: gama/input (the
    # information baseline has no mode)
    assert len(agreement) == 1 and (agreement["readout"] == "mean_logit").all()
    assert (agreement["criterion"] == "plateau").all() and "converged_replicates" in agreement
    assert all(len(top.split(",")) == 4 for top in agreement["top4_a"])
    for target in targets[1:]:
        assert (tmp_path / target).stat().st_size > 5_000
