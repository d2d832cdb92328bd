"""The motifs stage's results in the files other tools read.

- Discovered motifs as MEME (memelite's writer): each pattern's trimmed PPM, uniform
  background, MOTIF line `classifier/method/pattern consensus`; TOMTOM, HOMER's compare and
  JASPAR's tools take it, and memelite's `read_meme` reads it back.
- `modisco_results.h5` by modiscolite's own writer (`pos_patterns/pattern_0/{sequence,
  contrib_scores, hypothetical_contribs, seqlets/...}`), the file `modisco report`, Fi-NeMo,
  gReLU and CREsted read. Its `pattern_i` of `pos_patterns` is seqattr's `pos_i`.
- Seqlets as BED6: sequence id, start, end (0-based, half-open, positions of the model's
  input window), the pattern's name, a 0-1000 score and the strand; for a dataset with genome
  coordinates (`seqattr.data.coordinates`) chrom, start and end on the genome instead, each
  seqlet clipped to its sequence, a minus-strand sequence's seqlet reversed onto the genome
  and its strand flipped.
- modisco's HTML report (`modiscolite.report.report_motifs`) with its logos inlined, so the
  one file opens on its own and inside Snakemake's self-contained report.
- The attribution as bigWig (figwig's writer): one chromosome per evaluated sequence (its
  id, the input window's length), each base's contribution, the hypothetical contribution
  of the base it holds (0 at padding). IGV shows it beside the BED on the same sequences.
  With genome coordinates, the chromosomes are the genome's (each as long as the furthest
  position covered, not the assembly's length) and each nucleotide's contribution sits at
  its genome position (minus-strand position i at end - 1 - i); where evaluated sequences
  overlap, a position holds the mean of their contributions there. Positions no sequence
  covers hold no value.
"""

from __future__ import annotations

import base64
import gc
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from seqattr.io import atomic_path
from seqattr.motifs.database import Motif, meme_key, write_meme
from seqattr.motifs.discovery import ModiscoResult, Pattern

BED_COLUMNS = ["chrom", "start", "end", "name", "score", "strand"]


def discovered_motifs(patterns: list[Pattern], prefix: str) -> list[Motif]:
    """The patterns as motifs named `prefix/pattern` (prefix: `classifier/method`), the
    consensus as each one's name."""
    return [Motif(f"{prefix}/{pattern.name}", pattern.consensus, "", pattern.ppm) for pattern in patterns]


def write_discovered_meme(patterns: list[Pattern], prefix: str, output) -> None:
    with atomic_path(output) as tmp:
        write_meme(discovered_motifs(patterns, prefix), tmp)


def write_modisco_h5(result: ModiscoResult, output) -> None:
    """modisco_results.h5 by modiscolite.io.save_hdf5, `window_size` the sequences' length."""
    from modiscolite.io import save_hdf5

    with atomic_path(output) as tmp:
        save_hdf5(str(tmp), result.positive, result.negative, result.length)
        gc.collect()  # save_hdf5 leaves its h5py.File to the garbage collector: closed before the rename


def genome_bed(table: pd.DataFrame, sequence_ids, coordinates) -> pd.DataFrame:
    """BED rows on sequence ids (window positions) moved onto the genome by the evaluated
    sequences' `coordinates` (GenomeCoordinates in the order of `sequence_ids`); a row
    with nothing inside its sequence is dropped."""
    if table.empty:
        return table
    row_of = {str(identifier): row for row, identifier in enumerate(sequence_ids)}
    rows = np.array([row_of[str(identifier)] for identifier in table["chrom"]], dtype=np.int64)
    chrom, start, end, strand, kept = coordinates.map_intervals(rows, table["start"].to_numpy(np.int64),
                                                                table["end"].to_numpy(np.int64),
                                                                table["strand"].to_numpy(str))
    moved = pd.DataFrame({"chrom": chrom, "start": start, "end": end, "name": table["name"].to_numpy(),
                          "score": table["score"].to_numpy(), "strand": strand})[kept]
    return moved.sort_values(["chrom", "start", "end", "name"], kind="stable").reset_index(drop=True)


def seqlet_bed(h5_path, patterns: list[Pattern], sequence_ids, prefix: str, coordinates=None) -> pd.DataFrame:
    """The BED6 rows of every seqlet of a modisco_results.h5, trimmed to its pattern's core.

    `sequence_ids[example_idx]` names the sequence a seqlet lies in. A seqlet on the minus
    strand (`is_revcomp`) holds the reverse complement of [start, end), so its core, columns
    [trim_start, trim_start + w) of the pattern, lies at [end - trim_start - w, end - trim_start).
    The score is the seqlet's summed contribution over the core (sign-flipped for a neg_
    pattern) as a share of the largest in its pattern, times 1000, clipped to 0-1000.

    modiscolite.io.write_bed_from_h5 is not used: it needs a peaks file, puts each start
    one past the seqlet's 0-based start (its `start + 1`, with the end left as it is), and
    writes a track line per pattern.
    """
    import h5py

    by_name = {pattern.name: pattern for pattern in patterns}
    rows = []
    with h5py.File(h5_path, "r") as results:
        for group, prefix_sign in (("pos_patterns", "pos"), ("neg_patterns", "neg")):
            if group not in results:
                continue
            for key in results[group]:
                pattern = by_name[f"{prefix_sign}_{int(key.split('_')[-1])}"]
                seqlets = results[group][key]["seqlets"]
                start, end = seqlets["start"][:].astype(np.int64), seqlets["end"][:].astype(np.int64)
                revcomp = seqlets["is_revcomp"][:].astype(bool)
                width, offset = pattern.ppm.shape[1], pattern.trim_start
                core_start = np.where(revcomp, end - offset - width, start + offset)
                contributions = seqlets["contrib_scores"][:][:, offset:offset + width].sum(axis=(1, 2))
                contributions = contributions * pattern.sign
                top = contributions.max() if len(contributions) and contributions.max() > 0 else 1.0
                score = np.clip(np.round(1000 * contributions / top), 0, 1000).astype(np.int64)
                rows.append(pd.DataFrame({
                    "chrom": np.asarray(sequence_ids)[seqlets["example_idx"][:].astype(np.int64)],
                    "start": core_start, "end": core_start + width, "name": f"{prefix}/{pattern.name}",
                    "score": score, "strand": np.where(revcomp, "-", "+")}))
    if not rows:
        return pd.DataFrame(columns=BED_COLUMNS)
    table = pd.concat(rows, ignore_index=True).sort_values(["chrom", "start", "end", "name"], kind="stable")
    return table if coordinates is None else genome_bed(table, sequence_ids, coordinates)


def write_bed(table: pd.DataFrame, output) -> None:
    """BED: tab-separated, no header, no track line."""
    with atomic_path(output) as tmp:
        table[BED_COLUMNS].to_csv(tmp, sep="\t", header=False, index=False)


def genome_track(contributions: np.ndarray, coordinates):
    """(chrom sizes, chroms, starts, ends, values) of 1-nt intervals holding the
    contributions (N, L) at their genome positions, the mean where sequences overlap,
    sorted by chromosome name and position."""
    genome, inside = coordinates.genome_positions(contributions.shape[1])
    chroms = np.broadcast_to(coordinates.chrom[:, None], genome.shape)[inside]
    frame = pd.DataFrame({"chrom": chroms, "position": genome[inside], "value": contributions[inside]})
    track = frame.groupby(["chrom", "position"], sort=True)["value"].mean().reset_index()
    sizes = track.groupby("chrom", sort=True)["position"].max() + 1
    starts = track["position"].to_numpy(np.int64)
    return ([(str(chrom), int(size)) for chrom, size in sizes.items()], track["chrom"].to_numpy(str), starts,
            starts + 1, track["value"].to_numpy(np.float32))


def write_attribution_bigwig(sequence_ids, onehot: np.ndarray, hypothetical: np.ndarray, output,
                             coordinates=None) -> None:
    """bigWig of the contributions (N, L) = sum over bases of one-hot x hypothetical, one
    chromosome per sequence id, in the given order; with `coordinates` (GenomeCoordinates
    of the same sequences) on the genome (`genome_track`)."""
    from figwig import write_bigwig

    contributions = (np.asarray(onehot, dtype=np.float32) * np.asarray(hypothetical, dtype=np.float32)).sum(axis=1)
    if coordinates is not None:
        sizes, chroms, starts, ends, values = genome_track(contributions, coordinates)
        with atomic_path(output) as tmp:
            write_bigwig(str(tmp), sizes, chroms, starts, values, ends=ends, n_jobs=1)
        return
    ids = [str(identifier) for identifier in sequence_ids]
    length = contributions.shape[1]
    with atomic_path(output) as tmp:
        write_bigwig(str(tmp), [(identifier, length) for identifier in ids], ids, np.zeros(len(ids), dtype=np.int64),
                     np.ascontiguousarray(contributions, dtype=np.float32), n_jobs=1)


def report_database(database: list[Motif], path) -> None:
    """The matching database for modisco's report: its logo files are named after each
    target's MOTIF line, so a '/' there (a path separator) becomes '_'."""
    from memelite.io import write_meme as memelite_write

    memelite_write(str(path), {meme_key(motif).replace("/", "_"): motif.ppm for motif in database})


def inline_images(html: str, folder: Path) -> str:
    """The page with every <img src="file"> relative to `folder` replaced by a data: URI."""
    def embed(match):
        image = folder / match.group(1)
        if not image.is_file():
            return match.group(0)
        return f'src="data:image/png;base64,{base64.b64encode(image.read_bytes()).decode("ascii")}"'

    return re.sub(r'src="(?!data:)([^"]+\.png)"', embed, html)


def modisco_report(h5_path, database: list[Motif], output, *, n_patterns: int, trim_threshold: float,
                   top: int = 3) -> None:
    """modiscolite's HTML report of a modisco_results.h5: each pattern's CWM logos and its
    `top` TOMTOM matches in `database`. `ttl=True` makes it call memelite's TOMTOM, in
    process; without it the report runs MEME suite's `tomtom` executable. Nothing is fetched."""
    from modiscolite.report import report_motifs

    with tempfile.TemporaryDirectory(prefix="modisco_report.") as folder:
        folder = Path(folder)
        meme = folder / "database.meme"
        report_database(database, meme)
        # With no pattern its TOMTOM step has no query and fails, so the report is the empty table.
        report_motifs(str(h5_path), str(folder / "report"), "", str(meme) if n_patterns else None, False,
                      top_n_matches=top, trim_threshold=trim_threshold, ttl=True)
        html = inline_images((folder / "report" / "motifs.html").read_text(), folder / "report")
    with atomic_path(output) as tmp:
        tmp.write_text(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>TF-MoDISco report</title>"
                       f"</head><body>\n{html}\n</body></html>\n")
