"""One replicate's scorings as tables, from its models' IG: the profiles per length stratum,
combined over strata on IMGT positions (`gama.strata`), ranked; the matrices as one long
table; the bootstrap draws. No file is read or written here (`gama.steps` does that).

The gama section's tables key a scoring by mode, readout, metric and reduction
(`SCORING`): its IG always starts from `vocabulary.GAMA_IG_START`, so a row's scoring is
`vocabulary.Scoring.of_row(row, GAMA_IG_START)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from seqattr.errors import InputError
from seqattr.gama.metric import matrix_table, scoring_profiles
from seqattr.gama.replicates import bootstrap_profiles
from seqattr.gama.strata import combine_matrices, combine_profiles
from seqattr.gama.vocabulary import GAMA_IG_START, INFORMATION_METRICS, Scoring, metric_kind
from seqattr.generative.imgt import imgt_positions

SCORING = ["mode", "readout", "metric", "reduction"]
MATRIX_COLUMNS = ["mode", "readout", "metric", "output_pos", "input_pos", "score"]


@dataclass
class ReplicateIG:
    """What one replicate's scorings read, per length stratum: {length: {(mode, readout):
    IG (N, T, T)}} of the initial, trained and (for the null metrics) null model; the
    trained model's information profile and per-sequence terms ({length: ...}, for the
    information metrics) and the name of the background they are measured against."""

    initial: dict
    trained: dict
    null: dict | None = None
    information: dict = field(default_factory=dict)
    information_terms: dict = field(default_factory=dict)
    background: str | None = None

    @property
    def counts(self) -> dict[int, int]:
        """{length: attributed sequences}."""
        return {length: next(iter(tensors.values())).shape[0] for length, tensors in self.trained.items()}

    def null_of(self, length: int):
        return self.null[length] if self.null is not None else None


def imgt_column(positions, length: int) -> list[str]:
    """The IMGT CDR3 number of each residue position (1-based) of a CDR3 of `length` residues."""
    numbers = imgt_positions(length)
    return [numbers[int(p) - 1] for p in positions]


def stratum_scorings(ig: ReplicateIG, metrics, reductions) -> tuple[dict, dict]:
    """({length: profile frame (SCORING, position, importance)}, {length: {(mode, readout,
    metric): matrix}}): every scoring of each stratum (`metric.scoring_profiles`); a
    matrix is shared by the reductions of its (mode, readout, metric)."""
    profiles, matrices = {}, {}
    for length in ig.trained:
        rows, matrices[length] = [], {}
        for (mode, readout, metric, reduction), matrix, profile in scoring_profiles(
                ig.trained[length], ig.initial[length], metrics, reductions, ig_null=ig.null_of(length),
                information=ig.information.get(length)):
            if reduction == reductions[0] and matrix is not None:
                matrices[length][(mode, readout, metric)] = matrix
            rows.append(pd.DataFrame({"mode": mode, "readout": readout, "metric": metric, "reduction": reduction,
                                      "position": range(1, len(profile) + 1), "importance": profile.numpy()}))
        profiles[length] = pd.concat(rows, ignore_index=True)
    return profiles, matrices


def stratified_profile(profiles: dict, counts: dict, keys: list[str], imgt: bool) -> pd.DataFrame:
    """One length stratum's profile as it is (with its IMGT numbers and count when `imgt`),
    or several strata combined on IMGT positions (`strata.combine_profiles`)."""
    if len(profiles) > 1:
        return combine_profiles(profiles, counts, keys)
    ((length, frame),) = profiles.items()
    frame = frame.copy()
    if imgt:
        frame["imgt_position"] = imgt_column(frame["position"], length)
        frame["n_sequences"] = counts[length]
    return frame


def selected(frame: pd.DataFrame, scorings=None) -> pd.DataFrame:
    """The rows of the listed scorings (`vocabulary.Scoring`s or their strings) and of every
    baseline; all rows when `scorings` is None or empty."""
    if not scorings or frame.empty:
        return frame
    wanted = {(scoring if isinstance(scoring, Scoring) else Scoring.parse(scoring)).format() for scoring in scorings}
    parts = frame[SCORING].astype(str)
    # each row's Scoring.format(), built column-wise: a bootstrap table has a row per draw and position
    labels = parts["mode"] + "/" + parts["readout"] + f"/{GAMA_IG_START}/" + parts["metric"] + "/" + parts["reduction"]
    keep = labels.isin(wanted) | frame["metric"].map(metric_kind).eq("baseline")
    return frame[keep].reset_index(drop=True)


def ranked(profile: pd.DataFrame) -> pd.DataFrame:
    """The profile with each metric's kind and each position's rank within its scoring
    (1 = most important; ties by position, undefined importances last)."""
    profile = profile.assign(kind=profile["metric"].map(metric_kind))
    profile["rank"] = (profile.groupby(SCORING, sort=False)["importance"]
                       .rank(ascending=False, method="first", na_option="bottom").astype(int))
    return profile


def matrix_frame(matrices: dict, counts: dict, profile: pd.DataFrame) -> pd.DataFrame:
    """The long matrix table (MATRIX_COLUMNS) of the (mode, readout, metric)s the profile
    kept; several strata combined on IMGT tokens (`strata.combine_matrices`). Empty (with
    its columns) for a profile of the information baseline alone, which has no matrix."""
    kept = set(map(tuple, profile[["mode", "readout", "metric"]].drop_duplicates().to_numpy()))
    tables = []
    for key in [key for key in matrices[next(iter(matrices))] if key in kept]:
        per_length = {length: matrices[length][key] for length in matrices}
        matrix = (next(iter(per_length.values())) if len(per_length) == 1
                  else combine_matrices(per_length, counts)[0])
        tables.append(matrix_table(matrix, key[0]).assign(readout=key[1], metric=key[2]))
    return pd.concat(tables)[MATRIX_COLUMNS] if tables else pd.DataFrame(columns=MATRIX_COLUMNS)


def replicate_profile(profile: pd.DataFrame, ig: ReplicateIG, imgt: bool, replicate: int) -> pd.DataFrame:
    """A ranked profile in the replicate table's columns: the scoring, its kind, the
    background of the information metrics (when computed), the position (and IMGT
    position and count), importance, rank, the replicate and its attributed sequences."""
    columns = SCORING + ["kind", "position"] + (["imgt_position"] if imgt else []) + ["importance", "rank"]
    profile = profile[columns + (["n_sequences"] if imgt else [])].round({"importance": 6})
    if ig.background is not None:  # which background the information baseline is measured against
        profile.insert(profile.columns.get_loc("kind") + 1, "information_background",
                       profile["metric"].map(lambda m: ig.background if m in INFORMATION_METRICS else ""))
    return profile.assign(replicate=replicate, n_attributed=sum(ig.counts.values()))


def bootstrap_frame(ig: ReplicateIG, metrics, reductions, draws: int, seed: int, replicate: int, imgt: bool,
                    scorings=None) -> pd.DataFrame:
    """`draws` bootstrap profiles over the attributed sequences of each stratum
    (`replicates.bootstrap_profiles`, seeded by (seed, replicate) and, with several strata,
    the length), combined over strata as the profile is; the listed scorings' rows only."""
    several = len(ig.trained) > 1
    frames = {length: bootstrap_profiles(ig.trained[length], ig.initial[length], metrics, reductions, draws,
                                         [seed, replicate] + ([length] if several else []),
                                         ig_null=ig.null_of(length), information=ig.information_terms.get(length))
              for length in ig.trained}
    if several and draws > 0:
        keys = SCORING + ["draw"]
        frame = stratified_profile(frames, ig.counts, keys, imgt)[keys + ["position", "importance"]]
    else:
        frame = next(iter(frames.values()))
    return selected(frame, scorings).assign(replicate=replicate).round({"importance": 6})


def check_finite_importances(profile: pd.DataFrame, path, set_name: str) -> None:
    """InputError for an importance that is NaN or infinite: it would be ranked (last, or
    first) and counted in the top-4 stability as if it were a measurement."""
    bad = profile[~np.isfinite(pd.to_numeric(profile["importance"], errors="coerce"))]
    if "reduction" in bad:
        # The output role of the first position is undefined by construction (it is predicted
        # from START alone; `metric._output_role`): NaN there is not a degenerate set.
        bad = bad[~((bad["reduction"] == "output") & (bad["position"] == 1))]
    if len(bad):
        row = bad.iloc[0]
        scoring = ", ".join(f"{key} {row[key]}" for key in SCORING if key in row)
        raise InputError(f"{path}: set {set_name or '?'}: the importance of position {row['position']} ({scoring}) "
                         f"is {row['importance']} ({len(bad)} rows not finite); a set this small or this uniform "
                         f"cannot be scored, give more (and more varied) sequences")
