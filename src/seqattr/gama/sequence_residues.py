"""GAMA's per-residue results per attributed sequence: a long table that joins to the input
set by `sequence_id`.

One row per (replicate, scoring, attributed sequence, residue position): the residue, its
IMGT CDR3 number on CDR3 sets, and its IG under the trained and the initial model summed
over the outputs that read it (`gama.residues.input_contributions`), with their
difference, GAMA's contrast of what training added. The GAMA scores themselves
(`gama_matrix.tsv`, `profile.tsv`) compare distributions over the sequences and have no
per-sequence value; this table holds what they are computed from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seqattr.generative.alphabet import detokenize
from seqattr.gama.residues import residue_map

COLUMNS = ["set", "sequence_id", "replicate", "mode", "readout", "position", "imgt_position", "residue",
           "ig_trained", "ig_initial", "difference"]


def stratum_ids(ids: list[str], sequences: list[str], length: int) -> list[str]:
    """The ids of a length stratum's rows, in the order `gama_ig` attributed them (the
    attributed sequences of that length, in attribution order)."""
    return [identifier for identifier, sequence in zip(ids, sequences) if len(sequence) == length]


def sequence_residue_table(set_name: str, ids: list[str], sequences: list[str], trained: dict, initial: dict,
                           tokens: dict, *, imgt: bool, replicate: int) -> pd.DataFrame:
    """The long table of one replicate. ids, sequences: the attributed sequences in attribution
    order; trained, initial: {length: {(mode, readout): IG (N, L + 2, L + 2)}}; tokens:
    {length: token rows (N, L + 2)}, as the IG files hold them."""
    frames = []
    for length in trained:
        stratum = stratum_ids(ids, sequences, length)
        attributed = [detokenize(row) for row in tokens[length].tolist()]
        expected = [sequence for sequence in sequences if len(sequence) == length]
        if attributed != expected:
            raise ValueError(f"set {set_name}, replicate {replicate}: the IG file's sequences of length {length} "
                             "are not the attributed sequences of the set (rerun its gama_ig jobs)")
        for mode, readout in trained[length]:
            frame = residue_map(trained[length][(mode, readout)], initial[length][(mode, readout)], tokens[length],
                                imgt)
            frames.append(pd.DataFrame({
                "set": set_name, "sequence_id": np.repeat(stratum, length), "replicate": replicate, "mode": mode,
                "readout": readout, "position": np.tile(np.arange(1, length + 1), len(stratum)),
                "imgt_position": frame["column"] if imgt else "", "residue": frame["residue"],
                "ig_trained": frame["ig_trained"], "ig_initial": frame["ig_initial"],
                "difference": frame["ig_trained"] - frame["ig_initial"]}))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]
