"""Positive-only sequence sets: the seeded synthetic generator and readers of real sets.

Every set becomes a frame with columns id, sequence (upper-case, 20-letter alphabet).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from seqattr import InputError
from seqattr.data.local import parse_fasta, read_delimited
from seqattr.generative.alphabet import AMINO_ACIDS

LOGICS = ("AND", "OR", "XOR", "NAND")
# The paper's generator implants tokens 12, 10, 8, 6 of its 1-based residue alphabet
# (ExperimentsSynthetic/generate_data.py), i.e. these residues of AMINO_ACIDS.
DEFAULT_TOKENS = tuple(AMINO_ACIDS[t - 1] for t in (12, 10, 8, 6))  # N, L, I, G
KINDS = ("absolut", "mason", "fasta", "table")
RESIDUE_SET = set(AMINO_ACIDS)


def logic_holds(logic: str, present: tuple[bool, ...]) -> bool:
    """Whether the implanted-token pattern `present` (one flag per position) satisfies the logic.

    XOR is "exactly one present", as in the paper's generator for 2, 3 and 4 positions.
    """
    count = sum(present)
    return {"AND": count == len(present), "OR": count >= 1, "XOR": count == 1,
            "NAND": count < len(present)}[logic]


def _fill_positions(rng, sequences: np.ndarray, patterns: np.ndarray, columns: list[int], tokens: np.ndarray) -> None:
    """Set each position to its token where the pattern says present, else to one of the other 19."""
    n_residues = len(AMINO_ACIDS)
    for k, column in enumerate(columns):
        present = patterns[:, k]
        others = rng.integers(0, n_residues - 1, size=len(sequences))
        others = others + (others >= tokens[k])  # uniform over the 19 residues other than the token
        sequences[:, column] = np.where(present, tokens[k], others)


def synthetic_positive_set(length: int, n: int, positions, logic: str, signal_to_noise: float, seed: int,
                           tokens=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded positive set of `n` random amino-acid sequences of `length` with implanted signal.

    positions: 1-based residue positions (2 to 4). tokens: residues implanted there
    (default N, L, I, G as in the paper). A share `signal_to_noise` of the sequences is
    signal: it carries a present/absent pattern drawn uniformly from those that satisfy
    `logic` (absent = any of the other 19 residues). The rest is uniform random sequence
    rejection-sampled so that it does not satisfy the logic; this is drawn exactly, by
    sampling the pattern from its conditional distribution (each token present with
    probability 1/20) and the residues given the pattern, so NAND noise does not need
    20^k tries. Returns (frame with id, sequence, is_signal; truth with position, token).
    """
    positions = [int(p) for p in positions]
    logic = str(logic).upper()
    if logic not in LOGICS:
        raise ValueError(f"logic {logic!r}: allowed {LOGICS}")
    if not 2 <= len(positions) <= 4 or len(set(positions)) != len(positions):
        raise ValueError(f"positions {positions}: give 2 to 4 distinct positions")
    if min(positions) < 1 or max(positions) > length:
        raise ValueError(f"positions {positions}: must lie in 1..{length} (1-based)")
    if not 0 < signal_to_noise <= 1:
        raise ValueError(f"signal_to_noise {signal_to_noise}: must be in (0, 1]")
    tokens = list(tokens) if tokens is not None else list(DEFAULT_TOKENS[: len(positions)])
    if len(tokens) != len(positions) or any(t not in RESIDUE_SET for t in tokens):
        raise ValueError(f"tokens {tokens}: give one of {AMINO_ACIDS} per position")
    token_index = np.array([AMINO_ACIDS.index(t) for t in tokens])

    rng = np.random.default_rng(seed)
    n_signal = int(round(n * signal_to_noise))
    n_noise = n - n_signal
    patterns = np.array(list(itertools.product([False, True], repeat=len(positions))))
    holds = np.array([logic_holds(logic, tuple(p)) for p in patterns])
    if n_noise and holds.all():
        raise ValueError(f"logic {logic} holds for every pattern: no noise sequence exists")

    signal_patterns = patterns[holds][rng.integers(0, holds.sum(), size=n_signal)]
    p_present = 1 / len(AMINO_ACIDS)
    weights = np.prod(np.where(patterns, p_present, 1 - p_present), axis=1) * ~holds
    noise_patterns = patterns[rng.choice(len(patterns), size=n_noise, p=weights / weights.sum())]

    sequences = rng.integers(0, len(AMINO_ACIDS), size=(n, length))
    _fill_positions(rng, sequences, np.concatenate([signal_patterns, noise_patterns]),
                    [p - 1 for p in positions], token_index)
    is_signal = np.arange(n) < n_signal
    order = rng.permutation(n)
    letters = np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)
    text = [row.tobytes().decode() for row in letters[sequences[order]]]
    frame = pd.DataFrame({"id": [f"seq{i + 1}" for i in range(n)], "sequence": text,
                          "is_signal": is_signal[order]})
    truth = pd.DataFrame({"position": positions, "token": tokens})
    return frame, truth


def check_sequences(ids, sequences, source: str, min_size: int = 1, equal_lengths: bool = True) -> pd.DataFrame:
    """Upper-case and validate; one InputError naming the file, record and position on bad input.

    Mixed lengths are refused (not aligned) when `equal_lengths`: GAMA compares positions
    across sequences, and no alignment is implied by the data.
    """
    ids = [str(i) for i in ids]
    cleaned = []
    for number, (record, sequence) in enumerate(zip(ids, sequences), start=1):
        sequence = str(sequence).strip().upper()
        if not sequence:
            raise InputError(f"{source}: record {record!r} (number {number}) is an empty sequence")
        for position, residue in enumerate(sequence, start=1):
            if residue not in RESIDUE_SET:
                raise InputError(f"{source}: record {record!r} (number {number}) has {residue!r} at position "
                                 f"{position}; allowed are the 20 amino acids {AMINO_ACIDS} (any case)")
        cleaned.append(sequence)
    if equal_lengths and cleaned:
        first = len(cleaned[0])
        for number, (record, sequence) in enumerate(zip(ids, cleaned), start=1):
            if len(sequence) != first:
                raise InputError(f"{source}: record {record!r} (number {number}) has length {len(sequence)} but the "
                                 f"first record has {first}; GAMA needs equal lengths (sequences are not aligned)")
    if len(cleaned) < min_size:
        raise InputError(f"{source}: {len(cleaned)} sequences, fewer than the minimum {min_size}")
    first_number = {}
    for number, record in enumerate(ids, start=1):
        if record in first_number:  # the DNA readers refuse these too; every record needs its own id
            raise InputError(f"{source}: duplicate record id {record!r} (records {first_number[record]} and {number})")
        first_number[record] = number
    return pd.DataFrame({"id": ids, "sequence": cleaned})


def _read_table(path: Path, sep: str | None = None) -> pd.DataFrame:
    if sep is None:
        suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
        sep = "," if suffixes and suffixes[-1] == ".csv" else "\t"
    return read_delimited(path, sep)


def read_positive_set(path, kind: str, epitope: str | None = None, column: str | None = None,
                      id_column: str | None = None, min_size: int = 1, equal_lengths: bool = True) -> pd.DataFrame:
    """Read a real positive set into a frame (id, sequence).

    kind: absolut (TSV, column `Slide`; `epitope` keeps rows whose `interMaskAGEpitope`
    equals it), mason (CSV, column `AASeq`), fasta, or table (CSV/TSV; `column`, default
    `sequence`). Errors name the file, the record and the position.
    """
    path = Path(path)
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: allowed {KINDS}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if kind == "fasta":
        records = parse_fasta(path)
        if not records:
            raise InputError(f"{path}: no FASTA records (empty file or not FASTA)")
        return check_sequences([r.id for r in records], [str(r.seq) for r in records], str(path), min_size, equal_lengths)

    column = column or {"absolut": "Slide", "mason": "AASeq", "table": "sequence"}[kind]
    frame = _read_table(path, sep={"absolut": "\t", "mason": ","}.get(kind))
    if column not in frame.columns:
        raise InputError(f"{path}: missing column {column!r}; columns are {list(frame.columns)}")
    if epitope is not None:
        if "interMaskAGEpitope" not in frame.columns:
            raise InputError(f"{path}: an epitope filter needs the column 'interMaskAGEpitope'")
        frame = frame[frame["interMaskAGEpitope"] == epitope]
    if id_column:
        if id_column not in frame.columns:
            raise InputError(f"{path}: missing id column {id_column!r}")
        ids = frame[id_column].tolist()
    elif kind == "absolut" and "ID_slide_Variant" in frame.columns:
        ids = frame["ID_slide_Variant"].tolist()
    else:
        ids = [f"{path.name.split('.')[0]}_{i + 1}" for i in range(len(frame))]
    return check_sequences(ids, frame[column].tolist(), str(path), min_size, equal_lengths)


def drop_shared(binders: pd.DataFrame, non_binders: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Both sets without the sequences present in both, and how many distinct sequences that was."""
    shared = set(binders["sequence"]) & set(non_binders["sequence"])
    return (binders[~binders["sequence"].isin(shared)].reset_index(drop=True),
            non_binders[~non_binders["sequence"].isin(shared)].reset_index(drop=True), len(shared))
