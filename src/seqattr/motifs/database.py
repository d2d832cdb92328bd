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

from seqattr.io import atomic_path
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


def meme_key(motif: Motif) -> str:
    """A motif's MOTIF line after the keyword: its id, then its name with the family after a
    '|' (spaces as '_', since MEME fields are space-separated)."""
    name = motif.name.replace(" ", "_") + (f"|{motif.family.replace(' ', '_')}" if motif.family else "")
    return f"{motif.id} {name}" if name else motif.id


def write_meme(motifs: list[Motif], path) -> None:
    """A MEME (version 4) file with a uniform background, by memelite's writer."""
    from memelite.io import write_meme as memelite_write

    keys = [meme_key(motif) for motif in motifs]
    if len(set(keys)) != len(keys):
        raise DatabaseError(f"{path}: two motifs share a MOTIF line ({keys[len(set(keys))]!r} among them)")
    memelite_write(str(path), {key: np.asarray(motif.ppm, dtype=np.float64) for key, motif in zip(keys, motifs)})


def read_meme(path) -> list[Motif]:
    """Motifs of a MEME file, by memelite's reader; DatabaseError naming the file for
    anything that is not one (memelite's reader itself checks nothing: it skips to the
    first MOTIF line and keeps the last of two equal MOTIF lines)."""
    from memelite.io import read_meme as memelite_read

    path = str(path)
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError:
        raise DatabaseError(f"{path}: not a MEME motif file (not text)") from None
    if not any(line.startswith("MEME version") for line in lines[:20]):
        raise DatabaseError(f"{path}: not a MEME motif file (no 'MEME version' line at its start)")
    motif_lines = [(number, " ".join(line[5:].split())) for number, line in enumerate(lines, 1)
                   if line.startswith("MOTIF")]
    starts = [number for number, _ in motif_lines] + [len(lines) + 1]
    for (number, key), following in zip(motif_lines, starts[1:]):
        if not key:
            raise DatabaseError(f"{path}: line {number}: MOTIF line without an identifier")
        if not any(line.startswith("letter") for line in lines[number:following - 1]):
            raise DatabaseError(f"{path}: motif {key.split()[0]}: no 'letter-probability matrix' line")
    try:
        matrices = memelite_read(path)
    except (AttributeError, IndexError, ValueError):  # no 'w=' in a matrix line, a short or non-numeric row
        raise DatabaseError(f"{path}: a motif's matrix is not {BASES} probabilities of its stated width "
                            f"(after 'letter-probability matrix: alength= 4 w= ...')") from None
    seen = set()
    for number, key in motif_lines:
        if key in seen:
            raise DatabaseError(f"{path}: line {number}: a second motif {key!r}")
        seen.add(key)
    motifs = []
    for key, ppm in matrices.items():
        motif_id, _, label = key.partition(" ")
        name, _, family = (label.split()[0] if label else motif_id).partition("|")
        if ppm.shape[0] != 4 or np.any(ppm < 0):
            raise DatabaseError(f"{path}: motif {motif_id}: its matrix is not 4 non-negative columns per position")
        ppm = ppm / np.maximum(ppm.sum(axis=0, keepdims=True), 1e-12)
        motifs.append(Motif(motif_id, name.replace("_", " "), family.replace("_", " "), ppm))
    if not motifs:
        raise DatabaseError(f"{path}: a MEME file with no motifs")
    return motifs


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


def combine_meme(paths, output) -> None:
    """One MEME file holding every motif of `paths` (MEME files whose MOTIF lines differ),
    read and written by memelite."""
    from memelite.io import read_meme as memelite_read
    from memelite.io import write_meme as memelite_write

    motifs = {}
    for path in paths:
        for key, ppm in memelite_read(str(path)).items():
            if key in motifs:
                raise ValueError(f"{path}: motif {key!r} is also in an earlier file")
            motifs[key] = ppm
    with atomic_path(output) as tmp:
        memelite_write(str(tmp), motifs)
