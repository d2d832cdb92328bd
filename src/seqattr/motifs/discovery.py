"""TF-MoDISco-lite patterns from hypothetical contributions, trimmed and filtered.

TOMTOM gives very low p-values to low-information queries (near-uniform motifs match
CTCF-like targets), so a pattern is matched only when it has at least `min_seqlets`
seqlets and, after trimming, at least `min_information` bits in total and
`min_mean_information` bits per column: on real sequences TF-MoDISco also returns long,
diffuse patterns (AT-rich stretches) whose many weak columns add up to several bits, and
TOMTOM matches them to long zinc-finger motifs (ZNF354A, CTCF) at p < 1e-7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Relative to a column's uniform background (0.25 per base).
BACKGROUND = np.full(4, 0.25)


@dataclass(frozen=True)
class Pattern:
    name: str  # pos_0, neg_1, ...: TF-MoDISco's metacluster (sign of the contribution) and rank
    sign: int  # +1: the seqlets raise the explained class's score; -1: lower it
    n_seqlets: int
    ppm: np.ndarray  # (4, w) base frequencies of the trimmed seqlets
    cwm: np.ndarray  # (4, w) mean contribution of the observed bases (trimmed)
    information: float  # bits in the trimmed PPM, summed over its positions
    trim_start: int = 0  # where the trimmed core starts in TF-MoDISco's (untrimmed) pattern and its seqlets

    @property
    def consensus(self) -> str:
        return consensus(self.ppm)


def information_per_position(ppm: np.ndarray, pseudocount: float = 1e-3) -> np.ndarray:
    """Bits per column of a (4, w) PPM against a uniform background."""
    p = (np.asarray(ppm, dtype=np.float64) + pseudocount)
    p = p / p.sum(axis=0, keepdims=True)
    return (p * np.log2(p / BACKGROUND[:, None])).sum(axis=0)


def consensus(ppm: np.ndarray, min_information: float = 0.5) -> str:
    """The most frequent base per column; lower case where the column holds < min_information bits."""
    bits = information_per_position(ppm)
    bases = np.array(list("ACGT"))[np.asarray(ppm).argmax(axis=0)]
    return "".join(b if i >= min_information else b.lower() for b, i in zip(bases, bits))


def trim_span(cwm: np.ndarray, ppm: np.ndarray, threshold: float = 0.3, min_position_information: float = 0.25):
    """(start, end) of a pattern's core: from the first to the last column whose total |CWM|
    is at least `threshold` x the largest, then low-information end columns dropped."""
    weight = np.abs(np.asarray(cwm)).sum(axis=0)
    if not len(weight) or weight.max() <= 0:
        return 0, len(weight)
    keep = np.flatnonzero(weight >= threshold * weight.max())
    start, end = int(keep[0]), int(keep[-1]) + 1
    bits = information_per_position(ppm)
    while end - start > 1 and bits[start] < min_position_information:
        start += 1
    while end - start > 1 and bits[end - 1] < min_position_information:
        end -= 1
    return start, end


def patterns_from_modisco(metaclusters: dict[int, list], trim_threshold: float = 0.3) -> list[Pattern]:
    """Patterns (trimmed) of TF-MoDISco's output: sign -> its list of SeqletSets or None."""
    patterns = []
    for sign, found in metaclusters.items():
        prefix = "pos" if sign > 0 else "neg"
        for rank, pattern in enumerate(found or []):
            ppm = np.asarray(pattern.sequence, dtype=np.float64).T  # modisco holds (w, 4)
            cwm = np.asarray(pattern.contrib_scores, dtype=np.float64).T
            start, end = trim_span(cwm, ppm, trim_threshold)
            ppm, cwm = ppm[:, start:end], cwm[:, start:end]
            patterns.append(Pattern(f"{prefix}_{rank}", sign, len(pattern.seqlets), ppm, cwm,
                                    float(information_per_position(ppm).sum()), start))
    return patterns


def passes(pattern: Pattern, min_seqlets: int, min_information: float, min_mean_information: float = 0.0) -> bool:
    return (pattern.n_seqlets >= min_seqlets and pattern.information >= min_information
            and pattern.information >= min_mean_information * pattern.ppm.shape[1])


@dataclass(frozen=True)
class ModiscoResult:
    patterns: list[Pattern]  # trimmed, pos_* then neg_*
    positive: list | None  # TF-MoDISco's own SeqletSets, as modiscolite.io.save_hdf5 takes them
    negative: list | None
    length: int  # the sequences' length: the window every seqlet coordinate is relative to


def run_modisco(onehot: np.ndarray, hypothetical: np.ndarray, *, window: int = 21, flank: int = 10,
                max_seqlets: int = 2000, n_leiden_runs: int = 8, min_metacluster_size: int = 50,
                final_min_cluster_size: int = 20, trim_threshold: float = 0.3) -> ModiscoResult:
    """TF-MoDISco-lite on float one-hot (N, 4, L) and hypothetical contributions (N, 4, L)."""
    from modiscolite.tfmodisco import TFMoDISco

    x = np.ascontiguousarray(np.transpose(onehot, (0, 2, 1)), dtype=np.float32)
    h = np.ascontiguousarray(np.transpose(hypothetical, (0, 2, 1)), dtype=np.float32)
    positive, negative = TFMoDISco(one_hot=x, hypothetical_contribs=h, sliding_window_size=window,
                                   flank_size=flank, max_seqlets_per_metacluster=max_seqlets,
                                   n_leiden_runs=n_leiden_runs, min_metacluster_size=min_metacluster_size,
                                   final_min_cluster_size=final_min_cluster_size)
    return ModiscoResult(patterns_from_modisco({1: positive, -1: negative}, trim_threshold), positive, negative,
                         x.shape[1])
