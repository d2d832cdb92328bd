"""The 22-token vocabulary of the GAMA paper's LSTM: START, the 20 amino acids, END.

Tokenisation is [START, r_1, ..., r_L, END], so residue position p (1-based) is token
index p; START is index 0 and END index L + 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported where tensors are made: config validation reads the alphabet too
    import torch

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
START = 0
END = len(AMINO_ACIDS) + 1
N_TOKENS = len(AMINO_ACIDS) + 2
TOKEN_OF = {residue: index for index, residue in enumerate(AMINO_ACIDS, start=1)}
TOKEN_NAMES = ["<start>", *AMINO_ACIDS, "<end>"]


def residue_tokens(sequence: str) -> list[int]:
    """Token indices of the residues of one sequence (no START/END); upper-cases first."""
    return [TOKEN_OF[residue] for residue in sequence.upper()]


def tokenize(sequences: list[str]) -> torch.Tensor:
    """(N, L + 2) int64 tokens [START, r_1..r_L, END] of equal-length sequences.

    Sequences of different lengths go through `tokenize_padded`; this function refuses them
    because every GAMA tensor is indexed by position.
    """
    sequences = list(sequences)
    lengths = {len(s) for s in sequences}
    if len(lengths) > 1:
        raise ValueError(f"tokenize needs equal lengths; got lengths {sorted(lengths)} (use tokenize_padded)")
    tokens, _ = tokenize_padded(sequences)
    return tokens


def tokenize_padded(sequences: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Tokens padded with END to the longest sequence, and each row's true token count."""
    import torch

    rows = [[START, *residue_tokens(s), END] for s in sequences]
    width = max(len(r) for r in rows)
    tokens = torch.full((len(rows), width), END, dtype=torch.long)
    for i, row in enumerate(rows):
        tokens[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return tokens, torch.tensor([len(r) for r in rows], dtype=torch.long)


def detokenize(tokens: list[int]) -> str:
    """Residues of a token list, up to the first END (START skipped)."""
    residues = []
    for token in tokens:
        if token == END:
            break
        if token != START:
            residues.append(AMINO_ACIDS[token - 1])
    return "".join(residues)
