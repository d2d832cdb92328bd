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


def test_equal_tables_and_checkpoints_give_equal_bytes_whatever_the_file_name(tmp_path):
    """The gzip header holds no file name and no time; a .pt holds no file name (each is
    written under a random temporary name first)."""
    import gzip

    import pandas as pd
    import torch

    from seqattr.classify.models import build_model, save_checkpoint
    from seqattr.generative.checkpoint import save_model
    from seqattr.generative.lstm import GenerativeLSTM
    from seqattr.io import write_table

    frame = pd.DataFrame({"id": ["a", "b"], "sequence": ["ACGT", "TTGA"]})
    write_table(frame, tmp_path / "one.tsv.gz")
    write_table(frame, tmp_path / "two.tsv.gz")
    data = (tmp_path / "one.tsv.gz").read_bytes()
    assert data == (tmp_path / "two.tsv.gz").read_bytes()
    assert data[3] == 0 and data[4:8] == b"\0\0\0\0"  # FLG: no FNAME; MTIME 0
    assert gzip.decompress(data) == b"id\tsequence\na\tACGT\nb\tTTGA\n"

    torch.manual_seed(0)
    model = build_model("cnn", {}, 60, 2)
    save_checkpoint(tmp_path / "first.pt", model, {}, {"seed": 0}, dataset="toy")
    save_checkpoint(tmp_path / "second.pt", model, {}, {"seed": 0}, dataset="toy")
    assert (tmp_path / "first.pt").read_bytes() == (tmp_path / "second.pt").read_bytes()
    assert b".first.pt." not in (tmp_path / "first.pt").read_bytes()
    lstm = GenerativeLSTM(8)
    save_model(lstm, tmp_path / "initial.pt", set_name="toy")
    save_model(lstm, tmp_path / "trained.pt", set_name="toy")
    assert (tmp_path / "initial.pt").read_bytes() == (tmp_path / "trained.pt").read_bytes()
