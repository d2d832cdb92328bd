"""GAMA validation rules end to end: the benchmark slice of the test run, and the Absolut!
and Mason configs on slices of the real tables (skipped when ../shared/data is absent)."""

import pandas as pd
import pytest
import yaml

from conftest import REPO, snakemake
from seqattr.gama_validation.grid import GRID_COLUMNS
from seqattr.io import read_table

# The stage runs once the Snakefile includes it (after the GAMA core's rules).
pytestmark = pytest.mark.skipif('include: "rules/gama_validation.smk"' not in (REPO / "Snakefile").read_text(),
                                reason="rules/gama_validation.smk is not included in the Snakefile yet")

# The run configs at test size: a tiny LSTM, few epochs, few attributed sequences.
SMALL = {"model": {"hidden_size": 8}, "training": {"max_epochs": 2}, "sample": {"n": 10}}
SMALL_GAMA = {"ig_steps": 8, "max_sequences": 24}


def _small_config(name: str, tmp_path):
    config = yaml.safe_load((REPO / "config" / f"{name}.yaml").read_text())
    config["run"] = f"{name}_small"
    config["generative"].update(SMALL)
    config["gama"].update(SMALL_GAMA)
    path = tmp_path / f"{name}_small.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.workflow
def test_test_run_writes_the_benchmark_table_and_figure(test_run):
    table = read_table(test_run / "gama" / "benchmark.tsv", dtype={"positions": str})
    assert list(table.columns) == GRID_COLUMNS
    assert table["experiment"].unique().tolist() == ["AND_p2-4_snr1.0_s0"]
    assert table["mode"].tolist() == ["exact", "published"]
    assert table[["fnr_rank", "fnr_threshold"]].stack().between(0, 1).all()
    assert (test_run / "figures" / "gama" / "benchmark_fnr.png").stat().st_size > 10_000


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
    results = tmp_path / "results" / "absolut_small"
    targets = [f"results/absolut_small/gama/absolut_3Q3G/{name}.tsv" for name in ("ground_truth", "mode_agreement")]
    targets.append("results/absolut_small/figures/gama/absolut_3Q3G.ground_truth.png")
    # The table comes from the command line (absolut_table), not from the config file.
    snakemake(*targets, "--configfile", str(_small_config("absolut", tmp_path)), "--config",
              f"absolut_table={subset}", workdir=tmp_path)
    assert len(read_table(results / "generative" / "absolut_3Q3G" / "sequences.tsv.gz")) == 120
    truth = read_table(results / "gama" / "absolut_3Q3G" / "ground_truth.tsv")
    assert sorted(set(truth["mode"])) == ["exact", "published"]
    for mode, part in truth.groupby("mode"):
        assert part["position"].tolist() == list(range(1, 12))
        assert part["spearman_rho"].nunique() == 1 and -1 <= part["spearman_rho"].iloc[0] <= 1
    assert (truth["mean_energy"] < 0).all()
    assert (results / "figures" / "gama" / "absolut_3Q3G.ground_truth.png").stat().st_size > 10_000


@pytest.mark.workflow
def test_mason_config_on_a_slice_of_the_real_table(shared_data, tmp_path):
    subset = real_table_slice(shared_data / "antibody" / "mason_HER2_CDRH3_binders.csv", 150, tmp_path)
    results = tmp_path / "results" / "mason_small"
    targets = ["results/mason_small/gama/mason_her2/mode_agreement.tsv",
               "results/mason_small/figures/gama/mason_her2.profile.png",
               "results/mason_small/figures/gama/mason_her2.heatmap.png",
               "results/mason_small/figures/generative/mason_her2.logo.png"]
    # The default target: a GAMA-only config must not schedule the classification stage.
    snakemake("--configfile", str(_small_config("mason", tmp_path)), "--config",
              f"mason_table={subset}", workdir=tmp_path)
    assert (results / "manifest.json").exists() and not (results / "metrics").exists()
    profile = read_table(results / "gama" / "mason_her2" / "profile.tsv")
    assert sorted(set(profile["mode"])) == ["exact", "published"]
    assert profile.groupby("mode")["position"].apply(list).tolist() == [list(range(1, 11))] * 2
    agreement = read_table(results / "gama" / "mason_her2" / "mode_agreement.tsv", dtype={"top4_a": str, "top4_b": str})
    assert len(agreement) == 1 and len(agreement["top4_a"].iloc[0].split(",")) == 4
    for target in targets[1:]:
        assert (tmp_path / target).stat().st_size > 5_000
