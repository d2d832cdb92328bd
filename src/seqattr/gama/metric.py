"""The GAMA score of each (output position, input position) pair and the per-residue profile.

Follows the authors' `ig_summary.py` / `batch_ig_metric.py`: each model's IG values (all
sequences, all output and input positions, as returned by `gama_ig`) are z-normalised
with their own mean and standard deviation; then for output j and input p

    score[j, p] = |median_trained - median_init| / ((var_trained + var_init) / pooled_j),
    pooled_j    = sum over p' <= j of (var_trained + var_init)[j, p'] / (j + 1),

with medians and variances (ddof 1, as pandas) over sequences. (The authors sum over all
p'; the inputs after j have zero IG, hence zero variance, so the sums agree.)

Our alternatives (`vocabulary.METRICS`, which also says what each reads) are documented
with their functions: `effect_size`, and the two spread metrics, `spread` and `null_spread` (`spread_matrix`), which compare how much
each entry's IG varies across sequences instead of where its median lies; `information`,
the trained model's own information per position (`gama.information`, no IG): a
**baseline**, not a GAMA scoring (`vocabulary.metric_kind`); and two combinations of that baseline
with the GAMA scoring `null_spread`: `null_spread_information` (`combined_profile`) and
`null_spread_or_information` (`union_profile`), kind `gama+baseline`. The model-free
baselines (`vocabulary.MODEL_FREE_BASELINES`: the logo, `gama_validation.pairwise`'s mutual
information and Potts couplings) read neither a model nor its IG; `vocabulary.metric_kind`
names them baselines too.
"""

from __future__ import annotations

import pandas as pd
import torch

from seqattr.gama.edges import position_scores, residue_edges
from seqattr.gama.vocabulary import (BASELINE_METRICS, EDGE_REDUCTIONS, INFORMATION_METRICS, METRICS, MOMENT_METRICS,
                                     NO_SETTING, NULL_METRICS, REDUCTIONS)


def _standardise(values: torch.Tensor) -> torch.Tensor:
    return (values - values.mean()) / values.std()


def _median(values: torch.Tensor) -> torch.Tensor:
    """The median over dim 0 as pandas takes it (the mean of the two middle values when
    the count is even), from two selections instead of a sort (`torch.quantile` sorts)."""
    low = torch.median(values, dim=0).values
    if values.shape[0] % 2:
        return low
    return (low - torch.median(-values, dim=0).values) / 2


def moments(ig_trained: torch.Tensor, ig_initial: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """What every metric reads, from IG tensors (N, T_out, T_in) of the trained and initial
    model, each z-normalised with its own mean and sd: |median_trained - median_init| and
    var_trained + var_init (ddof 1) per entry, over sequences."""
    if ig_trained.shape[1:] != ig_initial.shape[1:]:
        raise ValueError(f"IG shapes differ: {tuple(ig_trained.shape)} vs {tuple(ig_initial.shape)}")
    trained, initial = _standardise(ig_trained.double()), _standardise(ig_initial.double())
    return (_median(trained) - _median(initial)).abs(), trained.var(dim=0) + initial.var(dim=0)


def _undefined(score: torch.Tensor, spread: torch.Tensor) -> torch.Tensor:
    length = spread.shape[0]
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    score[~causal | (spread == 0)] = float("nan")
    score[0] = float("nan")
    return score


def gama_matrix(ig_trained: torch.Tensor, ig_initial: torch.Tensor) -> torch.Tensor:
    """Scores (T_out, T_in) from IG tensors (N, T_out, T_in) of the trained and initial model.

    NaN where undefined: inputs after the output (p > j); output 0, which reads only the
    START token, the same in every sequence, so its IG has no spread (the authors' code
    writes 0 there); and any pair whose IG does not vary in either model.
    """
    return _gama_score(*moments(ig_trained, ig_initial))


def _gama_score(median_gap: torch.Tensor, spread: torch.Tensor) -> torch.Tensor:
    length = spread.shape[0]
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    pooled = (spread * causal).sum(dim=1) / torch.arange(1, length + 1, dtype=spread.dtype)
    return _undefined(median_gap * pooled[:, None] / spread, spread)


def effect_size_matrix(ig_trained: torch.Tensor, ig_initial: torch.Tensor) -> torch.Tensor:
    """Our alternative to the paper's score (`metric: effect_size`), per entry (j, p):

        |median_trained - median_init| / sqrt((var_trained + var_init) / 2)

    on each model's z-normalised IG, as `gama_matrix`. The paper divides each entry's
    spread by the mean spread of its output row (`pooled_j`), which makes scores depend on
    where in the sequence the entry is; here each entry is measured only against its own
    spread, a standardised median shift. NaN where `gama_matrix` has NaN.
    """
    return _effect_size_score(*moments(ig_trained, ig_initial))


def _effect_size_score(median_gap: torch.Tensor, spread: torch.Tensor) -> torch.Tensor:
    return _undefined(median_gap / torch.sqrt(spread / 2), spread)


def spread_matrix(ig_trained: torch.Tensor, ig_reference: torch.Tensor) -> torch.Tensor:
    """Our spread metrics, per entry (j, p), on the raw IG (N, T_out, T_in) of both models:

        sd_n IG_trained[n, j, p] - sd_n IG_reference[n, j, p]      (ddof 1, over sequences)

    `metric: spread` takes the untrained initial model as the reference (the paper's
    comparison); `metric: null_spread` takes the null model: the same initial weights
    trained to its own floor on the column-shuffled set (`gama.null_model`), which has
    every position's residue frequencies but no dependency between positions.

    Why the spread and not the median: with the log-probability readout, output j's IG at
    input p is the part of log p(r_(j+1) | r_1..r_j) that residue p accounts for, so a
    planted dependency shows as IG that varies with the residues (positive where r_(j+1)
    completes the pattern, negative where it does not) while a position the model ignores
    gives IG near 0 in every sequence: the planted entries stand out by their spread, and
    their median can stay near 0. Why raw and not z-normalised: log-probability IG is in
    nats in both models, and z-normalising each model by its own overall spread would
    scale the trained model by its planted entries. Why the null model: a trained LSTM
    varies most with its last inputs, however the set was built (what the paper's metric
    reads as position), and the null model has that same structure; the difference keeps
    what only the dependencies add. NaN where `gama_matrix` has NaN (inputs after the
    output, output 0) and where neither model's IG varies. Meant for the log_prob readout
    (the mean logit is in arbitrary units per model).
    """
    if ig_trained.shape[1:] != ig_reference.shape[1:]:
        raise ValueError(f"IG shapes differ: {tuple(ig_trained.shape)} vs {tuple(ig_reference.shape)}")
    trained, reference = ig_trained.double().std(dim=0), ig_reference.double().std(dim=0)
    return _undefined(trained - reference, trained + reference)


def _input_role(matrix: torch.Tensor, length: int) -> torch.Tensor:
    block = matrix[: length + 1, 1 : length + 1]  # outputs 0..L, inputs r_1..r_L
    return torch.nanmean(block, dim=0)


def _output_role(matrix: torch.Tensor, length: int) -> torch.Tensor:
    """Residue p as what is predicted: the mean score of output p - 1 (the prediction of
    r_p) over the residue inputs r_1..r_(p-1) it reads; NaN for p = 1, which reads only START."""
    values = torch.full((length,), float("nan"), dtype=matrix.dtype)
    for p in range(2, length + 1):
        values[p - 1] = torch.nanmean(matrix[p - 1, 1:p])
    return values


def _edge_reduction(matrix: torch.Tensor, reduction: str) -> torch.Tensor:
    scores = position_scores(residue_edges(matrix.detach().cpu().numpy()), reduction)
    return torch.from_numpy(scores).to(matrix.dtype)


def _standardised(profile: torch.Tensor) -> torch.Tensor:
    finite = profile[torch.isfinite(profile)]
    if finite.numel() < 2 or finite.std() == 0:
        return torch.zeros_like(profile)
    return (profile - finite.mean()) / finite.std()


def importance_profile(matrix: torch.Tensor, reduction: str = "input") -> torch.Tensor:
    """Importance (L,) of residue positions 1..L from a GAMA matrix over T = L + 2 tokens.

    reduction "input" (the paper): residue p's importance is the mean score over the
    outputs that can see it and that training fits, j = p..L (the predictions of
    r_(p+1)..r_L and END); the output after END (j = L + 1) and the START and END inputs
    are left out. "output": residue p as what is predicted (`_output_role`): an implanted
    residue shows in both roles, as a predictor of later residues and as predicted by
    earlier ones, and the input role alone misses the last implanted position. "both":
    the sum of the two profiles, each standardised over positions (z-scores; a position
    with one role undefined keeps the other). NaN scores are skipped. "max" and "sum": the
    larger of the two roles over the residue pairs alone (`gama.edges.position_scores` of
    `gama.edges.residue_edges`), each role the max or the sum of the position's edges,
    not their mean: an edge a -> b counts fully at both a and b, where the mean roles
    divide it by L - a + 1 at a and by b - 1 at b. NaN only where both roles are.
    """
    length = matrix.shape[0] - 2
    if length < 1 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"expected a square matrix over L + 2 >= 3 tokens, got {tuple(matrix.shape)}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction {reduction!r}: allowed {REDUCTIONS}")
    if reduction == "input":
        return _input_role(matrix, length)
    if reduction == "output":
        return _output_role(matrix, length)
    if reduction in EDGE_REDUCTIONS:
        return _edge_reduction(matrix, reduction)
    as_input, as_output = _standardised(_input_role(matrix, length)), _standardised(_output_role(matrix, length))
    both = torch.nan_to_num(as_input, nan=0.0) + torch.nan_to_num(as_output, nan=0.0)
    both[torch.isnan(as_input) & torch.isnan(as_output)] = float("nan")
    return both


def combined_profile(matrix: torch.Tensor, information: torch.Tensor, reduction: str = "both") -> torch.Tensor:
    """`metric: null_spread_information`, in nats: the information **baseline** plus the
    null_spread GAMA scoring (kind `gama+baseline`): information(p) + dependency(p), with
    dependency the null_spread matrix `matrix` reduced to residue p in its input role,
    its output role (`reduction` input or output), or the sum of the two roles (both;
    raw, not standardised as `importance_profile`'s both, so that the two terms keep
    their common unit), or the larger role by max or sum over partners (max, sum; as
    `importance_profile`, in nats). NaN role values count as 0.

    The two terms see different things. `null_spread` sees dependencies between positions
    (what the trained model learned beyond the column-shuffled null model) and is blind to
    a position every sequence carries (no IG spread in either model); `information` sees
    any position the model predicts better than uniform, conserved or dependent, and says
    nothing about which positions it depends on. Why a sum in nats and not of z-scores:
    where the set has no dependency the null_spread profile is noise of a few thousandths
    of a nat, and standardising it over positions would blow that noise up to the scale of
    the information term and push planted positions out of the top k
    (docs/gama_validation.md).
    """
    dependency = _dependency(matrix, information.shape[0], reduction)
    return information.double() + dependency


def _dependency(matrix: torch.Tensor, length: int, reduction: str) -> torch.Tensor:
    """The null_spread matrix reduced to each residue position in nats: its input role, its
    output role, their raw sum (both), or the larger role by max or sum over partners (max,
    sum); NaN role values count as 0."""
    roles = {"input": [_input_role], "output": [_output_role], "both": [_input_role, _output_role]}
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction {reduction!r}: allowed {REDUCTIONS}")
    _check_matrix(matrix, length)
    if reduction in EDGE_REDUCTIONS:
        return torch.nan_to_num(_edge_reduction(matrix.double(), reduction), nan=0.0)
    return sum(torch.nan_to_num(role(matrix.double(), length), nan=0.0) for role in roles[reduction])


def _check_matrix(matrix: torch.Tensor, length: int) -> None:
    if matrix.shape != (length + 2, length + 2):
        raise ValueError(f"a matrix over L + 2 = {length + 2} tokens was expected for {length} positions, "
                         f"got {tuple(matrix.shape)}")


def robust_z(profile: torch.Tensor) -> torch.Tensor:
    """Iglewicz and Hoaglin's modified z-scores over positions, 0.6745 (x - median) / MAD:
    how far each position stands out of the profile's own noise, which the median and MAD
    measure without being pulled by the few positions that stand out. With MAD = 0 the mean
    absolute deviation from the median (x 0.7979, its ratio to the sd of a normal) stands
    in; a constant profile gives zeros."""
    profile = profile.double()
    median = profile.median()
    deviation = (profile - median).abs()
    mad = deviation.median()
    if mad > 0:
        return 0.6745 * (profile - median) / mad
    spread = deviation.mean()
    return 0.7979 * (profile - median) / spread if spread > 0 else torch.zeros_like(profile)


def union_profile(matrix: torch.Tensor, information: torch.Tensor, reduction: str = "both") -> torch.Tensor:
    """`metric: null_spread_or_information` (kind `gama+baseline`: it contains the information
    baseline): per position, the larger of the robust z-scores
    of the `null_spread` profile (`importance_profile(matrix, reduction)`, the null_spread
    scoring itself) and of the information term.

    A position counts when it stands out of either term's noise: conserved or enriched
    (information), or part of a dependency (null_spread). Why not `combined_profile`'s sum:
    in nats the information term dominates (ln 20 at a position the model predicts with
    certainty, against tenths of a nat of IG spread averaged over a role), so on a set
    whose planted positions carry only a dependency the sum keeps the predicted position
    and can lose the one that predicts it (docs/results.md, "Dependency-only sets"). Why robust z:
    each term is measured against its own noise, so a term that is only noise (the
    null_spread profile of a conserved-only motif) stays within a few units while a real
    signal stands far out.
    """
    _check_matrix(matrix, information.shape[0])
    dependency = torch.nan_to_num(importance_profile(matrix, reduction).double(), nan=0.0)
    return torch.maximum(robust_z(dependency), robust_z(information))


def score_matrix(ig_trained: torch.Tensor, ig_initial: torch.Tensor, metric: str = "gama",
                 ig_null: torch.Tensor | None = None) -> torch.Tensor:
    """The (T_out, T_in) scores under `metric`: "gama" (the paper's, `gama_matrix`),
    "effect_size", "spread" (against the initial model) or "null_spread" (against the null
    model, whose IG `ig_null` it needs; `spread_matrix`)."""
    if metric in MOMENT_METRICS:
        return score_from_moments(moments(ig_trained, ig_initial), metric)
    return _spread_score(ig_trained, ig_initial, ig_null, metric)


def _spread_score(ig_trained, ig_initial, ig_null, metric: str) -> torch.Tensor:
    if metric == "spread":
        return spread_matrix(ig_trained, ig_initial)
    if metric in NULL_METRICS:
        if ig_null is None:
            raise ValueError(f"metric {metric!r} needs the null model's IG (ig_null)")
        return spread_matrix(ig_trained, ig_null)
    if metric == "information":
        raise ValueError("metric 'information' has no matrix: it reads the model, not its IG (gama.information)")
    raise ValueError(f"metric {metric!r}: allowed {METRICS}")


def score_from_moments(moments_: tuple[torch.Tensor, torch.Tensor], metric: str) -> torch.Tensor:
    """`score_matrix` from `moments`, which the moment metrics (gama, effect_size) share."""
    if metric == "gama":
        return _gama_score(*moments_)
    if metric == "effect_size":
        return _effect_size_score(*moments_)
    if metric in METRICS:
        raise ValueError(f"metric {metric!r} reads the IG itself, not its moments: use score_matrix")
    raise ValueError(f"metric {metric!r}: allowed {METRICS}")


def matrix_table(matrix: torch.Tensor, mode: str) -> pd.DataFrame:
    """Long table mode, output_pos, input_pos, score over token indices (0 START, L + 1 END)."""
    length = matrix.shape[0]
    out_pos, in_pos = torch.meshgrid(torch.arange(length), torch.arange(length), indexing="ij")
    return pd.DataFrame({"mode": mode, "output_pos": out_pos.flatten().numpy(),
                         "input_pos": in_pos.flatten().numpy(), "score": matrix.flatten().numpy()})


def profile_table(profile: torch.Tensor, mode: str) -> pd.DataFrame:
    """mode, position (1-based residue), importance, rank (1 = most important; ties by position)."""
    frame = pd.DataFrame({"mode": mode, "position": range(1, len(profile) + 1), "importance": profile.numpy()})
    frame["rank"] = frame["importance"].rank(ascending=False, method="first", na_option="bottom").astype(int)
    return frame


def baseline_scoring(metric: str, information: torch.Tensor):
    """The row of a model baseline (`BASELINE_METRICS`: it reads no IG) as `scoring_profiles`
    yields it: ((NO_SETTING, NO_SETTING, metric, NO_SETTING), None, profile)."""
    if metric not in BASELINE_METRICS:
        raise ValueError(f"metric {metric!r} is not a model baseline: {BASELINE_METRICS}")
    return (NO_SETTING, NO_SETTING, metric, NO_SETTING), None, information.double().clone()


def scoring_profiles(ig_trained: dict, ig_initial: dict, metrics=("gama",), reductions=("input",), rows=None,
                     ig_null: dict | None = None, information: torch.Tensor | None = None):
    """Every scoring of one pair of models: yields ((mode, readout, metric, reduction),
    matrix, profile) for each (mode, readout) key of the IG dicts (`gama_ig_readouts`)
    x metric x reduction. `rows` (sequence indices, e.g. a bootstrap resample) selects the
    same sequences from both models; all sequences when None. The matrix is shared by the
    reductions of a (mode, readout, metric). `ig_null` (same keys): the null model's IG,
    which the metrics in NULL_METRICS need; `information` (L,): the trained model's
    information profile (`gama.information`), which the metrics in INFORMATION_METRICS
    need. `information` itself reads no IG: it is yielded once (`baseline_scoring`), in
    its place among the first key's metrics; `null_spread_information` yields the
    null_spread matrix and the combined profile."""
    if ig_null is None and set(metrics) & set(NULL_METRICS):
        raise ValueError(f"metrics {sorted(set(metrics) & set(NULL_METRICS))} need the null model's IG (ig_null)")
    if information is None and set(metrics) & set(INFORMATION_METRICS):
        raise ValueError(f"metrics {sorted(set(metrics) & set(INFORMATION_METRICS))} need the trained model's "
                         "information profile (information)")
    for index, (mode, readout) in enumerate(ig_trained):
        trained, initial = ig_trained[(mode, readout)], ig_initial[(mode, readout)]
        null = ig_null[(mode, readout)] if ig_null is not None else None
        if rows is not None:
            trained, initial = trained[rows], initial[rows]
            null = null[rows] if null is not None else None
        # the medians and variances, once for every moment metric
        shared = moments(trained, initial) if set(metrics) & set(MOMENT_METRICS) else None
        for metric in metrics:
            if metric in BASELINE_METRICS:
                if index == 0:
                    yield baseline_scoring(metric, information)
                continue
            matrix = (score_from_moments(shared, metric) if metric in MOMENT_METRICS
                      else _spread_score(trained, initial, null, metric))
            for reduction in reductions:
                profile = (combined_profile(matrix, information, reduction) if metric == "null_spread_information"
                           else union_profile(matrix, information, reduction) if metric == "null_spread_or_information"
                           else importance_profile(matrix, reduction))
                yield (mode, readout, metric, reduction), matrix, profile
