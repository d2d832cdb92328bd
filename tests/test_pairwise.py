"""Model-free pairwise baselines: plug-in mutual information, the average-product
correction and pseudo-likelihood Potts couplings, on sets whose dependencies are known."""

import math

import numpy as np
import pytest

from seqattr.gama.columns import RESIDUES
from seqattr.gama_validation.pairwise import apc, mutual_information, one_hot, potts_couplings


def as_sequences(indices: np.ndarray) -> list[str]:
    return ["".join(RESIDUES[row]) for row in indices]


def uniform_columns(n: int, length: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 20, size=(n, length))


def noisy_copy(source: np.ndarray, keep: float, rng) -> np.ndarray:
    """A column that copies `source` through a fixed permutation in a share `keep` of rows and
    is uniform in the rest."""
    copied = rng.permutation(20)[source]
    return np.where(rng.random(len(source)) < keep, copied, rng.integers(0, 20, len(source)))


def test_mutual_information_of_a_copied_pair_is_ln_20_and_of_independent_columns_near_0():
    n = 20000
    columns = uniform_columns(n, 4, seed=0)
    columns[:, 2] = np.random.default_rng(1).permutation(20)[columns[:, 0]]  # r_3 = perm(r_1)
    information = mutual_information(as_sequences(columns))
    assert information.shape == (4, 4)
    assert np.isnan(np.diag(information)).all()
    np.testing.assert_allclose(information, information.T)
    assert information[0, 2] == pytest.approx(math.log(20), abs=0.01)
    # independent pairs: only the plug-in bias, about 19^2 / (2 n) = 0.009 nats
    independent = [information[0, 1], information[0, 3], information[1, 2], information[1, 3], information[2, 3]]
    assert max(independent) < 0.02
    assert min(independent) > 0.0


def test_a_pseudocount_shrinks_mutual_information_towards_0():
    columns = uniform_columns(500, 3, seed=2)
    columns[:, 1] = columns[:, 0]
    sequences = as_sequences(columns)
    plain, smoothed = mutual_information(sequences), mutual_information(sequences, pseudocount=5.0)
    assert smoothed[0, 1] < plain[0, 1]
    assert smoothed[0, 2] < plain[0, 2]
    with pytest.raises(ValueError, match="pseudocount"):
        mutual_information(sequences, pseudocount=-1)


def test_the_parity_triple_has_pairwise_mutual_information_at_the_level_of_independent_columns():
    n = 20000
    columns = uniform_columns(n, 4, seed=3)
    columns[:, 2] = (columns[:, 0] + columns[:, 1]) % 20  # r_c = r_a + r_b mod 20; column 4 independent
    information = mutual_information(as_sequences(columns))
    triple = [information[0, 1], information[0, 2], information[1, 2]]
    independent = [information[0, 3], information[1, 3], information[2, 3]]
    bias = (20 - 1) ** 2 / (2 * n)
    assert max(triple) < bias + 0.005
    assert max(triple) < max(independent) + 0.005
    # the dependency is real: given r_a, r_b fixes r_c (what no pairwise score sees)
    pair = columns[:, 0] * 20 + columns[:, 1]
    assert len(set(zip(pair, columns[:, 2]))) == len(set(pair))


def test_apc_removes_the_product_of_the_row_means_over_the_overall_mean():
    matrix = np.array([[np.nan, 1.0, 2.0, 3.0],
                       [1.0, np.nan, 4.0, 5.0],
                       [2.0, 4.0, np.nan, 6.0],
                       [3.0, 5.0, 6.0, np.nan]])
    means = np.array([6.0, 10.0, 12.0, 14.0]) / 3
    overall = 42.0 / 12
    corrected = apc(matrix)
    assert np.isnan(np.diag(corrected)).all()
    assert corrected[0, 1] == pytest.approx(1.0 - means[0] * means[1] / overall)
    assert corrected[2, 3] == pytest.approx(6.0 - means[2] * means[3] / overall)
    np.testing.assert_allclose(corrected, corrected.T)
    zeros = np.zeros((3, 3))
    np.testing.assert_array_equal(np.nan_to_num(apc(zeros), nan=-1), [[-1, 0, 0], [0, -1, 0], [0, 0, -1]])


def test_one_hot_refuses_unknown_letters_and_mixed_lengths():
    assert one_hot(["AC", "YW"]).shape == (2, 2, 20)
    with pytest.raises(ValueError, match="B"):
        one_hot(["AB"])
    with pytest.raises(ValueError, match="lengths"):
        one_hot(["AC", "ACD"])


def test_potts_couplings_rank_a_planted_pair_first_among_12_columns():
    rng = np.random.default_rng(4)
    columns = uniform_columns(3000, 12, seed=5)
    columns[:, 7] = noisy_copy(columns[:, 2], keep=0.5, rng=rng)  # pair (3, 8)
    scores = apc(potts_couplings(as_sequences(columns)))
    assert scores.shape == (12, 12) and np.isnan(np.diag(scores)).all()
    np.testing.assert_allclose(scores, scores.T)
    best = np.unravel_index(np.nanargmax(scores), scores.shape)
    assert set(best) == {2, 7}


def test_potts_couplings_tell_a_chain_s_direct_pairs_from_its_indirect_one_better_than_mutual_information():
    rng = np.random.default_rng(6)
    columns = uniform_columns(4000, 6, seed=7)
    columns[:, 1] = noisy_copy(columns[:, 0], keep=0.8, rng=rng)  # 1 -> 2 -> 3: 1 and 3 dependent through 2
    columns[:, 2] = noisy_copy(columns[:, 1], keep=0.8, rng=rng)
    sequences = as_sequences(columns)
    information, couplings = mutual_information(sequences), potts_couplings(sequences)
    # mutual information scores the indirect pair (1, 3) at over 0.6 of the direct ones
    assert min(information[0, 1], information[1, 2]) / information[0, 2] < 1.6
    # the Potts model explains most of it by the chain: under half of the direct couplings
    assert min(couplings[0, 1], couplings[1, 2]) / couplings[0, 2] > 2.0
    noise = couplings[3:, 3:][np.triu_indices(3, 1)]
    assert couplings[0, 2] > noise.max()  # L2 shrinkage leaves some of it
