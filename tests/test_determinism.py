"""Two runs of config/test.yaml from scratch on CPU give byte-identical science outputs.

Wall-clock times live only in *.timing.tsv files (and Snakemake's logs and benchmarks),
and the manifest's `created` is the run's date; every other table, checkpoint, encoded
set and saliency file must have the same bytes.
"""

import pytest

from conftest import REPO, snakemake


def science_files(results):
    skip = {"logs", "benchmarks"}
    for path in sorted(results.rglob("*")):
        relative = path.relative_to(results)
        if not path.is_file() or relative.parts[0] in skip or path.name == "manifest.json":
            continue
        if path.name == "timing.tsv" or path.name.endswith(".timing.tsv"):
            continue
        yield relative


@pytest.mark.workflow
def test_rerun_from_scratch_gives_identical_bytes(test_run, tmp_path):
    snakemake("--configfile", str(REPO / "config" / "test.yaml"), workdir=tmp_path)
    again = tmp_path / "results" / "test"
    first, second = list(science_files(test_run)), list(science_files(again))
    assert first == second
    kinds = {path.name.split(".", 1)[1] for path in first}
    assert {"tsv", "tsv.gz", "json", "npz", "pt"} <= kinds, kinds
    differing = [str(relative) for relative in first
                 if (test_run / relative).read_bytes() != (again / relative).read_bytes()]
    assert not differing, f"files differ between two runs: {differing}"
    timing = sorted(p.relative_to(test_run) for p in test_run.rglob("*timing.tsv"))
    assert len(timing) >= 4  # classifiers, generative LSTM, grid experiment and grid summary
