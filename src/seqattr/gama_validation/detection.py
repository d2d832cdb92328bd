"""Detection of implanted positions in a GAMA importance profile (synthetic sets).

The false-negative rate of the implanted positions under a rank rule (top-k, k = number
implanted) and under a score threshold (modified z-score), and the threshold's false
positives. The FNR rule is ours: the GAMA authors' code stops at the importance matrices.
Positions are 1-based.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

# Iglewicz & Hoaglin (1993): |modified z| > 3.5 flags an outlier. Implanted positions
# are the outliers of a profile whose other positions carry no signal.
DEFAULT_THRESHOLD_Z = 3.5


def _profile_array(importance: Sequence[float]) -> np.ndarray:
    values = np.asarray(importance, dtype=float)
    # Undefined importance cannot flag a position: it ranks last and is below any threshold.
    return np.where(np.isfinite(values), values, -np.inf)


def detected_by_rank(importance: Sequence[float], implanted: Iterable[int]) -> np.ndarray:
    """Which implanted positions are among the top-k of the profile (k = number implanted).

    `importance[i]` is the importance of position i + 1. Ties count against the implanted
    position: it is detected only if fewer than k other positions score at least as high.
    """
    values = _profile_array(importance)
    implanted = _check_positions(implanted, len(values))
    k = len(implanted)
    detected = []
    for position in implanted:
        value = values[position - 1]
        others_at_least = int((values >= value).sum()) - 1
        detected.append(np.isfinite(value) and others_at_least < k)
    return np.array(detected, dtype=bool)


def modified_z(importance: Sequence[float]) -> np.ndarray:
    """Iglewicz-Hoaglin modified z-scores: 0.6745 * (x - median) / MAD.

    Median and MAD instead of mean and sd because the implanted positions are up to 4 of
    16 and would inflate the sd they are measured against. With MAD = 0, values above the
    median get +inf and the rest 0 (or -inf below).
    """
    values = np.asarray(importance, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.full(values.shape, -np.inf)
    median = np.median(finite)
    mad = np.median(np.abs(finite - median))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = 0.6745 * (values - median) / mad if mad > 0 else np.sign(values - median) * np.inf
    z = np.where(values == median, 0.0, z) if mad == 0 else z
    return np.where(np.isfinite(values), z, -np.inf)


def detected_by_threshold(importance: Sequence[float], implanted: Iterable[int],
                          threshold_z: float = DEFAULT_THRESHOLD_Z) -> np.ndarray:
    """Which implanted positions have a modified z-score above `threshold_z`."""
    z = modified_z(importance)
    implanted = _check_positions(implanted, len(z))
    return np.array([z[p - 1] > threshold_z for p in implanted], dtype=bool)


def false_negative_rate(detected: np.ndarray) -> float:
    return float(1.0 - np.mean(detected)) if len(detected) else float("nan")


def false_positive_rate(importance: Sequence[float], implanted: Iterable[int],
                        threshold_z: float = DEFAULT_THRESHOLD_Z) -> float:
    """Share of the non-implanted positions above the threshold (the price of a low one)."""
    z = modified_z(importance)
    implanted = set(_check_positions(implanted, len(z)))
    others = [p for p in range(1, len(z) + 1) if p not in implanted]
    return float(np.mean([z[p - 1] > threshold_z for p in others])) if others else float("nan")


def _check_positions(implanted: Iterable[int], length: int) -> list[int]:
    implanted = [int(p) for p in implanted]
    if not implanted:
        raise ValueError("no implanted positions")
    bad = [p for p in implanted if not 1 <= p <= length]
    if bad:
        raise ValueError(f"implanted positions {bad} outside 1..{length} (positions are 1-based)")
    if len(set(implanted)) != len(implanted):
        raise ValueError(f"implanted positions {implanted} repeat")
    return implanted


def score_profile(importance, implanted, threshold_z: float = DEFAULT_THRESHOLD_Z) -> dict:
    """FNR by rank and by threshold (and the threshold's FPR) for one profile."""
    importance = np.asarray(importance, dtype=float)
    order = np.argsort(-np.where(np.isfinite(importance), importance, -np.inf), kind="stable")
    return {
        "fnr_rank": false_negative_rate(detected_by_rank(importance, implanted)),
        "fnr_threshold": false_negative_rate(detected_by_threshold(importance, implanted, threshold_z)),
        "fpr_threshold": false_positive_rate(importance, implanted, threshold_z),
        "top_positions": ",".join(str(int(i) + 1) for i in order[:len(list(implanted))]),
    }
