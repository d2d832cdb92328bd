"""GAMA's per-sequence residue table (seqattr.gama.sequence_residues) and its step: every
attributed sequence's residues, joinable to the input set by sequence_id."""

import pandas as pd
import pytest
import torch

from seqattr.generative.alphabet import tokenize
from seqattr.gama.residues import input_contributions
from seqattr.gama.sequence_residues import COLUMNS, sequence_residue_table


def ig_files(tmp_path, strata: dict[int, list[str]]):
    """IG files laid out as `gama.steps.ig` writes them, one scoring, random IG values."""
    generator = torch.Generator().manual_seed(0)
    paths = {}
    for state in ("initial", "trained"):
        tensors = [[torch.randn(len(rows), length + 2, length + 2, generator=generator)] for length, rows in
                   strata.items()]
        paths[state] = tmp_path / f"ig_{state}.pt"
        torch.save({"scorings": [["global", "mean_logit"]], "lengths": list(strata), "strata": tensors,
                    "tokens": [tokenize(rows) for rows in strata.values()]}, paths[state])
    return paths


def test_every_attributed_residue_has_a_row_that_joins_to_the_set(tmp_path):
    from seqattr.gama import steps
    from seqattr.io import read_table, write_table

    # seq2 and seq4 carry the same CDR3: each keeps its own id
    table = pd.DataFrame({"id": ["seq1", "seq2", "seq3", "seq4"], "sequence": ["ACD", "EFGH", "KLM", "EFGH"]})
    write_table(table, tmp_path / "sequences.tsv.gz")
    paths = ig_files(tmp_path, {3: ["ACD", "KLM"], 4: ["EFGH", "EFGH"]})
    steps.sequence_residues([paths["initial"]], [paths["trained"]], tmp_path / "sequences.tsv.gz",
                            tmp_path / "sequence_residues.tsv.gz", set_name="toy")
    long = read_table(tmp_path / "sequence_residues.tsv.gz", dtype={"imgt_position": str})
    assert list(long.columns) == COLUMNS and len(long) == 3 + 3 + 4 + 4
    joined = long.merge(table, left_on="sequence_id", right_on="id", validate="many_to_one")
    assert (joined.apply(lambda row: row["sequence"][row["position"] - 1], axis=1) == joined["residue"]).all()
    assert sorted(long["sequence_id"].unique()) == ["seq1", "seq2", "seq3", "seq4"]
    saved = torch.load(paths["trained"], weights_only=True)
    expected = input_contributions(saved["strata"][0][0])[1]  # seq3, the second row of length 3
    got = long[(long["sequence_id"] == "seq3")].sort_values("position")["ig_trained"]
    assert got.tolist() == pytest.approx(expected.tolist(), abs=1e-6)
    assert (long["difference"] - (long["ig_trained"] - long["ig_initial"])).abs().max() < 1e-5


def test_an_ig_file_of_other_sequences_is_refused():
    tokens = {3: tokenize(["ACD"])}
    ig = {3: {("global", "mean_logit"): torch.zeros(1, 5, 5)}}
    with pytest.raises(ValueError, match="are not the attributed sequences of the set"):
        sequence_residue_table("toy", ["seq1"], ["KLM"], ig, ig, tokens, imgt=False, replicate=1)
