"""Motif databases: JASPAR releases as pyjaspar ships them (offline), MEME files, and the
planted motifs of a synthetic dataset.

A motif is (id, name, family, ppm (4, w)); `family` is JASPAR's TF family ('' when the
source has none).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqattr.motifs import BASES


class DatabaseError(ValueError):
    """A motif database that cannot be read; the message names the key or file."""


@dataclass(frozen=True)
class Motif:
    id: str
    name: str
    family: str
    ppm: np.ndarray  # (4, w), columns sum to 1


def shipped_releases() -> list[str]:
    """JASPAR releases whose SQLite file pyjaspar ships (read without importing it)."""
    spec = importlib.util.find_spec("pyjaspar")
    if spec is None or not spec.submodule_search_locations:
        return []
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return sorted(path.stem for path in data.glob("JASPAR*.sqlite"))


def check_release(release: str, key: str = "motifs.jaspar_release") -> None:
    releases = shipped_releases()
    if release not in releases:
        raise DatabaseError(f"{key}: {release!r} is not a JASPAR release that the installed pyjaspar "
                            f"ships; available: {', '.join(releases) or 'none (is pyjaspar installed?)'}")


def jaspar_motifs(release: str, collection: str = "CORE", tax_group: str = "vertebrates") -> list[Motif]:
    """Every motif of a JASPAR collection and taxonomic group (latest version of each
    matrix), from pyjaspar's bundled database: no network."""
    check_release(release)
    from pyjaspar import jaspardb

    motifs = []
    for motif in jaspardb(release=release).fetch_motifs(collection=collection, tax_group=[tax_group]):
        counts = np.array([motif.counts[base] for base in BASES], dtype=np.float64)
        ppm = counts / counts.sum(axis=0, keepdims=True)
        family = "; ".join(motif.tf_family) if isinstance(motif.tf_family, list) else str(motif.tf_family or "")
        motifs.append(Motif(motif.matrix_id, motif.name, family, ppm))
    if not motifs:
        raise DatabaseError(f"JASPAR {release} {collection} {tax_group}: no motifs")
    return motifs


def meme_text(motifs: list[Motif]) -> str:
    """A MEME (version 4) file; the family goes in the MOTIF line's name field after a '|'."""
    lines = ["MEME version 4", "", f"ALPHABET= {BASES}", "", "strands: + -", "",
             "Background letter frequencies", "A 0.25 C 0.25 G 0.25 T 0.25", ""]
    for motif in motifs:
        name = motif.name.replace(" ", "_") + (f"|{motif.family.replace(' ', '_')}" if motif.family else "")
        lines += [f"MOTIF {motif.id} {name}",
                  f"letter-probability matrix: alength= 4 w= {motif.ppm.shape[1]} nsites= 20 E= 0"]
        lines += [" ".join(f"{value:.6f}" for value in column) for column in motif.ppm.T]
        lines.append("")
    return "\n".join(lines)


def parse_meme(text: str, source: str) -> list[Motif]:
    """Motifs of a MEME file's text; DatabaseError naming `source` for anything else."""
    lines = text.splitlines()
    if not any(line.startswith("MEME version") for line in lines[:20]):
        raise DatabaseError(f"{source}: not a MEME motif file (no 'MEME version' line at its start)")
    motifs, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("MOTIF"):
            i += 1
            continue
        fields = line.split()[1:]
        if not fields:
            raise DatabaseError(f"{source}: line {i + 1}: MOTIF line without an identifier")
        motif_id, label = fields[0], (fields[1] if len(fields) > 1 else fields[0])
        name, _, family = label.partition("|")
        j = i + 1
        while j < len(lines) and not lines[j].startswith("letter-probability"):
            if lines[j].startswith("MOTIF"):
                break
            j += 1
        if j >= len(lines) or not lines[j].startswith("letter-probability"):
            raise DatabaseError(f"{source}: motif {motif_id}: no 'letter-probability matrix' line")
        try:
            width = int(lines[j].split("w=")[1].split()[0])
            rows = [list(map(float, lines[j + 1 + k].split())) for k in range(width)]
            ppm = np.array(rows, dtype=np.float64).T
        except (IndexError, ValueError):
            raise DatabaseError(f"{source}: motif {motif_id}: its matrix (line {j + 1}) is not {BASES} "
                                f"probabilities of the stated width") from None
        if ppm.shape != (4, width) or np.any(ppm < 0):
            raise DatabaseError(f"{source}: motif {motif_id}: its matrix is not 4 non-negative columns per position")
        ppm = ppm / np.maximum(ppm.sum(axis=0, keepdims=True), 1e-12)
        motifs.append(Motif(motif_id, name.replace("_", " "), family.replace("_", " "), ppm))
        i = j + 1 + width
    if not motifs:
        raise DatabaseError(f"{source}: a MEME file with no motifs")
    return motifs


def read_meme(path) -> list[Motif]:
    try:
        text = Path(path).read_text()
    except UnicodeDecodeError:
        raise DatabaseError(f"{path}: not a MEME motif file (not text)") from None
    return parse_meme(text, str(path))


def planted_motifs(consensuses: dict[str, str], mutation_rate: float = 0.05) -> list[Motif]:
    """The planted motifs as PPMs: synthetic.py redraws a planted base uniformly (itself
    included) with probability mutation_rate, so each other base has mutation_rate / 4."""
    motifs = []
    for name, sequence in consensuses.items():
        ppm = np.full((4, len(sequence)), mutation_rate / 4)
        for position, base in enumerate(sequence.upper()):
            ppm[BASES.index(base), position] = 1 - 0.75 * mutation_rate
        motifs.append(Motif(f"planted_{sequence}", name, "planted", ppm))
    return motifs
