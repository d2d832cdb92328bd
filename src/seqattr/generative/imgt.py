"""IMGT unique numbering of a CDR3 on its own (Lefranc et al. 2003, Dev. Comp. Immunol. 27:55).

CDR3-IMGT runs 105-117 for 13 residues (the junction adds Cys 104 and Trp/Phe 118).
A shorter CDR3 loses positions from the top of the loop in the order 111, 112, 110, 113,
109, 114, 108, 115, 107, 116, 106 (105 and 117 always stay; the IMGT chart's shortest
CDR3 has 2 residues); a longer one gains insertions alternately after 111 and before
112, 112.1 first: 112.1, 111.1, 112.2, 111.2, ..., read in sequence order 111, 111.1,
111.2, ..., 112.2, 112.1, 112. Hand-written because the installable numberers (ANARCI,
riot-na, abnumber) need the whole V domain.
"""

from __future__ import annotations

from functools import lru_cache

BASE = tuple(str(p) for p in range(105, 118))
DELETION_ORDER = ("111", "112", "110", "113", "109", "114", "108", "115", "107", "116", "106")
MIN_LENGTH = len(BASE) - len(DELETION_ORDER)  # 2


@lru_cache(maxsize=None)
def imgt_positions(length: int) -> tuple[str, ...]:
    """The IMGT positions (strings, e.g. "111.1") of a CDR3 of `length` residues, in sequence order."""
    if length < MIN_LENGTH:
        raise ValueError(f"a CDR3 of {length} residues: IMGT numbers CDR3s of {MIN_LENGTH} residues or more")
    if length <= len(BASE):
        gone = set(DELETION_ORDER[: len(BASE) - length])
        return tuple(p for p in BASE if p not in gone)
    extra = length - len(BASE)
    after_111 = [f"111.{i}" for i in range(1, extra // 2 + 1)]  # 111.1, 111.2, ...: the 2nd, 4th, ... insertion
    before_112 = [f"112.{i}" for i in range((extra + 1) // 2, 0, -1)]  # ..., 112.2, 112.1: the 1st, 3rd, ...
    middle = BASE.index("112")
    return BASE[:middle] + tuple(after_111) + tuple(before_112) + BASE[middle:]


def position_order(position: str) -> tuple[float, float]:
    """A sort key putting IMGT CDR3 positions in sequence order across lengths: 111 < 111.1
    < 111.2 < ... < 112.2 < 112.1 < 112 (insertions before 112 count down)."""
    whole, _, insertion = position.partition(".")
    number = int(whole)
    if not insertion:
        return (number, 0.0)
    index = int(insertion)
    return (number, float(index)) if number != 112 else (number, -float(index))


def sort_positions(positions) -> list[str]:
    """Distinct IMGT positions in sequence order (`position_order`)."""
    return sorted(set(positions), key=position_order)


def imgt_alignment(sequences) -> tuple[list[str], list[str]]:
    """(IMGT positions in sequence order, each sequence written over them with '-' where its
    length has no such position): CDR3s of mixed lengths on one set of columns."""
    sequences = list(sequences)
    columns = sort_positions(p for length in {len(s) for s in sequences} for p in imgt_positions(length))
    index = {p: i for i, p in enumerate(columns)}
    aligned = []
    for sequence in sequences:
        row = ["-"] * len(columns)
        for residue, position in zip(sequence, imgt_positions(len(sequence))):
            row[index[position]] = residue
        aligned.append("".join(row))
    return columns, aligned
