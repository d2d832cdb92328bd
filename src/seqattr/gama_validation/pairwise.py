"""Model-free pairwise baselines: what a GAMA scoring of residue pairs is judged against.

From the sequences alone, no model and no IG: the plug-in mutual information between two
positions' residues (`mutual_information`), with the average-product correction
(`apc`, Dunn et al. 2008) that removes the part every pair of a position shares (its
entropy, its own noise); and the couplings of a pseudo-likelihood Potts model
(`potts_couplings`, as plmDCA: Ekeberg et al. 2013), which separate a direct pair from the
chains of pairs that MI also sees. Both are symmetric (L, L) scores;
`gama.edges.symmetric_to_edges` makes them an edge matrix. The per-position baseline is
the logo (`model_free.logo_information`).

Neither sees a dependency of three positions whose every pair is independent (a parity
r_c = r_a + r_b mod 20 with uniform r_a, r_b): its pairwise MI is zero, and a pairwise
Potts model has no term for it. That is where a scoring that reads a model's own
conditional predictions has something to add.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from seqattr.gama.columns import N_RESIDUES, RESIDUES


def one_hot(sequences) -> np.ndarray:
    """(N, L, 20) float one-hot of equal-length amino-acid sequences (residues in
    `information.RESIDUES` order)."""
    sequences = list(sequences)
    if not sequences:
        raise ValueError("no sequences")
    lengths = {len(s) for s in sequences}
    if len(lengths) != 1:
        raise ValueError(f"sequences of several lengths {sorted(lengths)}: pairwise scores need one length")
    columns = np.array([list(s) for s in sequences])
    index = np.searchsorted(RESIDUES, columns)
    known = (index < N_RESIDUES) & (RESIDUES[np.minimum(index, N_RESIDUES - 1)] == columns)
    if not known.all():
        raise ValueError(f"letters outside the 20 amino acids: {sorted(set(columns[~known]))}")
    return (index[:, :, None] == np.arange(N_RESIDUES)).astype(float)


def mutual_information(sequences, pseudocount: float = 0.0) -> np.ndarray:
    """(L, L) symmetric plug-in mutual information between positions in nats, NaN on the
    diagonal: sum_ab f_ab ln(f_ab / (f_a f_b)) from the joint residue counts of each pair,
    each of the 20 x 20 cells raised by `pseudocount` (the marginals are those of the raised
    joint table). Without a pseudocount the estimate is biased upwards by about
    (20 - 1)^2 / (2 N) for independent columns."""
    if pseudocount < 0:
        raise ValueError(f"pseudocount {pseudocount} < 0")
    encoded = one_hot(sequences)
    n, length, _ = encoded.shape
    flat = encoded.reshape(n, length * N_RESIDUES)
    joint = (flat.T @ flat).reshape(length, N_RESIDUES, length, N_RESIDUES).transpose(0, 2, 1, 3) + pseudocount
    joint /= joint.sum(axis=(2, 3), keepdims=True)
    first, second = joint.sum(axis=3, keepdims=True), joint.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(joint > 0, joint * np.log(joint / (first * second)), 0.0)
    information = terms.sum(axis=(2, 3))
    information = (information + information.T) / 2  # exact in theory; removes rounding asymmetry
    np.fill_diagonal(information, np.nan)
    return information


def apc(matrix) -> np.ndarray:
    """Average-product correction (Dunn et al. 2008) of a symmetric pair score (L, L):
    M_ij - mean_i mean_j / mean_all, with mean_i the mean of row i off the diagonal and
    mean_all the mean of every off-diagonal entry. The diagonal stays NaN. A matrix whose
    off-diagonal mean is 0 has no background to remove and comes back unchanged."""
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] < 3:
        raise ValueError(f"expected a square (L, L) matrix with L >= 3, got {values.shape}")
    off = values.copy()
    np.fill_diagonal(off, np.nan)
    row_means = np.nanmean(off, axis=1)
    overall = np.nanmean(off)
    corrected = off - np.outer(row_means, row_means) / overall if overall != 0 else off
    return corrected


def potts_couplings(sequences, regularisation: float = 0.001, max_iter: int = 200) -> np.ndarray:
    """(L, L) symmetric coupling scores of a pseudo-likelihood Potts model, NaN diagonal.

    Per column i, a multinomial logistic regression (L2, lbfgs) predicts r_i from the
    one-hot of every other column; its weights on column j's one-hot form the 20 x 20
    coupling block J_ij (rows: residue at i; columns: residue at j; the residues seen at
    each column only). The score of (i, j) is the Frobenius norm of J_ij in the zero-sum
    gauge (rows and columns centred), averaged with that of J_ji. `regularisation` is the
    L2 weight per sequence: each fit minimises mean NLL + regularisation * ||J||^2 (sklearn
    C = 1 / (2 N regularisation)). Why weaker than plmDCA's 0.01: a strong L2 shrinks the
    weights of a direct partner, and the residual dependency leaks onto that partner's own
    partners; on a chain 1 -> 2 -> 3 of noisy copies, 0.01 scores the indirect pair (1, 3)
    as high as mutual information does, 0.001 well below (record:
    gama_dependency.potts_regularisation.chain_indirect_0_01,
    gama_dependency.potts_regularisation.chain_indirect_0_001). The average-product correction
    (`apc`) is the caller's.
    """
    if regularisation <= 0:
        raise ValueError(f"regularisation {regularisation} must be > 0")
    encoded = one_hot(sequences)
    n, length, _ = encoded.shape
    if length < 2:
        raise ValueError("a Potts model needs at least 2 columns")
    seen = encoded.any(axis=0)  # (L, 20): which residues occur at each column
    labels = encoded.argmax(axis=2)
    norms = np.zeros((length, length))
    for target in range(length):
        if seen[target].sum() < 2:  # a conserved column: nothing to predict, no couplings
            continue
        others = [j for j in range(length) if j != target]
        features = np.concatenate([encoded[:, j, seen[j]] for j in others], axis=1)
        model = LogisticRegression(C=1.0 / (2 * n * regularisation), max_iter=max_iter)
        model.fit(features, labels[:, target])
        # two residues: sklearn fits one logit difference w; the symmetric two-class form is -w/2, +w/2
        weights = np.vstack([-model.coef_ / 2, model.coef_ / 2]) if model.coef_.shape[0] == 1 else model.coef_
        start = 0
        for j in others:
            width = int(seen[j].sum())
            norms[target, j] = _gauge_norm(weights[:, start : start + width])
            start += width
    scores = (norms + norms.T) / 2
    np.fill_diagonal(scores, np.nan)
    return scores


def _gauge_norm(block: np.ndarray) -> float:
    """Frobenius norm of a coupling block in the zero-sum gauge (row and column means 0)."""
    centred = block - block.mean(axis=0, keepdims=True) - block.mean(axis=1, keepdims=True) + block.mean()
    return float(np.sqrt((centred ** 2).sum()))
