"""Two runs of config/test.yaml from scratch on CPU give identical result tables."""

import io

import pandas as pd
import pytest

from conftest import REPO, snakemake

# Wall-clock measurements are the only columns allowed to differ between runs.
TIMING_COLUMNS = ("seconds", "train_seconds", "train_seq_per_s", "seq_per_s")


def result_tables(results):
    skip = {"logs", "benchmarks"}
    for path in sorted(results.rglob("*")):
        relative = path.relative_to(results)
        if path.is_file() and relative.parts[0] not in skip and path.name != "manifest.json":
            if path.name.endswith((".tsv", ".tsv.gz", ".json", ".npz")):
                yield relative


def without_timing(path):
    if not path.name.endswith((".tsv", ".tsv.gz")):
        return path.read_bytes()
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    frame = frame.drop(columns=[c for c in frame.columns if c in TIMING_COLUMNS])
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", index=False)
    return buffer.getvalue().encode()


@pytest.mark.workflow
def test_rerun_from_scratch_gives_identical_tables(test_run, tmp_path):
    snakemake("--configfile", str(REPO / "config" / "test.yaml"), workdir=tmp_path)
    again = tmp_path / "results" / "test"
    first, second = list(result_tables(test_run)), list(result_tables(again))
    assert first == second and len(first) >= 5
    differing = []
    for relative in first:
        if (test_run / relative).read_bytes() == (again / relative).read_bytes():
            continue
        if without_timing(test_run / relative) != without_timing(again / relative):
            differing.append(str(relative))
    assert not differing, f"tables differ between two runs: {differing}"
