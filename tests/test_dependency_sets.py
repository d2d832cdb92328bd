"""The dependency sets: exact probabilities, floors, samplers and layouts."""

import itertools
import math

import numpy as np
import pytest
from scipy.stats import chisquare

from seqattr.gama_validation.dependency_sets import (SET_KINDS, DependencySet, decoy_layout, learned_fraction,
                                                     mixture_entropy, parity_positions, place_pairs)

LN20 = math.log(20)


def enumerated_unit(unit, snr):
    """(configurations (20^k, k), p of each) of one unit, by walking every configuration."""
    configurations = np.array(list(itertools.product(range(20), repeat=len(unit.positions))))
    return configurations, unit.probability(configurations, snr)


@pytest.mark.parametrize("kind", ["pairs", "parity", "decoy"])
@pytest.mark.parametrize("snr", [1.0, 0.7, 0.5])
def test_floor_matches_enumeration_of_every_unit(kind, snr):
    dataset = DependencySet(kind, 12, snr, seed=3)
    entropy = dataset.free_positions * LN20
    for unit in dataset.units:
        _, p = enumerated_unit(unit, snr)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        positive = p[p > 0]
        entropy -= (positive * np.log(positive)).sum()
    assert dataset.entropy_floor == pytest.approx(entropy / 13, abs=1e-12)
    assert dataset.entropy_floor < dataset.uniform_nll


def test_mixture_entropy_ends():
    assert mixture_entropy(1.0) == 0.0
    assert mixture_entropy(1e-12) == pytest.approx(LN20, abs=1e-9)


def test_token_nll_matches_hand_computed_probabilities():
    dataset = DependencySet("pairs", 12, 0.7, seed=1, distances=(2,))
    (unit,) = dataset.units
    a, b = unit.positions
    follows = ["A"] * 12
    follows[b - 1] = "ACDEFGHIKLMNPQRSTVWY"[unit.table[0]]  # r_a = A, index 0
    breaks = list(follows)
    breaks[b - 1] = "ACDEFGHIKLMNPQRSTVWY"[unit.table[1]]
    nll = dataset.token_nll(["".join(follows), "".join(breaks)])
    p_follows = (1 / 20) * (0.7 + 0.3 / 20) * 20.0 ** -10
    p_breaks = (1 / 20) * (0.3 / 20) * 20.0 ** -10
    assert nll == pytest.approx([-math.log(p_follows) / 13, -math.log(p_breaks) / 13], rel=1e-12)


@pytest.mark.parametrize("kind", SET_KINDS)
def test_sample_mean_nll_approaches_the_floor(kind):
    dataset = DependencySet(kind, 12, 0.7, seed=2)
    nll = dataset.token_nll(dataset.sample(40_000, np.random.default_rng(0)))
    assert nll.mean() == pytest.approx(dataset.entropy_floor, abs=4 * nll.std() / math.sqrt(len(nll)) + 1e-12)


@pytest.mark.parametrize("kind", ["pairs", "parity", "decoy"])
def test_sampler_frequencies_match_each_unit(kind):
    snr = 0.6
    dataset = DependencySet(kind, 12, snr, seed=4)
    sequences = dataset.sample(60_000, np.random.default_rng(5))
    codes = np.array([["ACDEFGHIKLMNPQRSTVWY".index(r) for r in s] for s in sequences])
    for unit in dataset.units:
        columns = codes[:, [p - 1 for p in unit.positions]]
        if unit.kind == "parity":
            # 8,000 cells are too many for a chi-square on this sample: test the rule's
            # pattern, (r_a + r_b, r_c), whose 400 cells carry all of it
            observed = np.bincount(((columns[:, 0] + columns[:, 1]) % 20) * 20 + columns[:, 2], minlength=400)
            expected_share = np.full(400, (1 - snr) / 400)
            expected_share[np.arange(20) * 20 + unit.table] += snr / 20
        else:
            configurations, p = enumerated_unit(unit, snr)
            index = np.ravel_multi_index(tuple(columns.T), (20,) * len(unit.positions))
            observed = np.bincount(index, minlength=len(p))
            expected_share = p
        assert chisquare(observed, expected_share * len(codes)).pvalue > 1e-3


def test_parity_pairwise_mutual_information_is_exactly_zero():
    snr = 0.7
    (unit,) = DependencySet("parity", 12, snr, seed=0).units
    configurations, p = enumerated_unit(unit, snr)
    joint = np.zeros((20, 20, 20))
    joint[tuple(configurations.T)] = p
    for keep in [(0, 1), (0, 2), (1, 2)]:
        dropped = ({0, 1, 2} - set(keep)).pop()
        pair = joint.sum(axis=dropped)
        product = np.outer(pair.sum(axis=1), pair.sum(axis=0))
        assert np.abs(pair - product).max() < 1e-15  # independent, so the mutual information is 0
    product_of_three = np.einsum("i,j,k->ijk", joint.sum((1, 2)), joint.sum((0, 2)), joint.sum((0, 1)))
    total_correlation = (joint * np.log(joint / product_of_three)).sum()
    assert total_correlation == pytest.approx(LN20 - mixture_entropy(snr), rel=1e-9)


def test_decoy_marginals_enriched_and_pair_marginals_uniform():
    dataset = DependencySet("decoy", 12, 0.7, seed=0)
    marginals = dataset.column_marginals()
    pair = next(unit for unit in dataset.units if unit.kind == "pair")
    for unit in dataset.units:
        configurations, p = enumerated_unit(unit, 0.7)
        for column, position in enumerate(unit.positions):
            exact = np.bincount(configurations[:, column], weights=p, minlength=20)
            assert exact == pytest.approx(marginals[position - 1], abs=1e-15)
    for position in pair.positions:
        assert marginals[position - 1] == pytest.approx(np.full(20, 0.05), abs=1e-15)
    for position in dataset.enriched_positions:
        assert marginals[position - 1].max() == pytest.approx(0.7 + 0.3 / 20)
    assert dataset.planted_edges == {pair.positions}
    assert set(dataset.enriched_positions).isdisjoint(dataset.planted_positions)
    assert decoy_layout((1, 2, 4, 8), 12) == ((6, 7), (5, 8))


def test_marginal_set_keeps_the_columns_and_drops_the_dependencies():
    decoy = DependencySet("decoy", 12, 0.7, seed=0)
    null_generator = decoy.marginal_set()
    assert null_generator.entropy_floor > decoy.entropy_floor
    assert null_generator.entropy_floor < null_generator.uniform_nll  # the decoy enrichment is kept
    sequences = null_generator.sample(40_000, np.random.default_rng(1))
    nll = null_generator.token_nll(sequences)
    assert nll.mean() == pytest.approx(null_generator.entropy_floor, abs=4 * nll.std() / math.sqrt(len(nll)))
    pairs = DependencySet("pairs", 12, 1.0, seed=0).marginal_set()
    assert pairs.entropy_floor == pytest.approx(pairs.uniform_nll, abs=1e-12)


def test_place_pairs_disjoint_and_in_range():
    pairs = place_pairs((1, 2, 4, 8), 12)
    assert [b - a for a, b in pairs] == [1, 2, 4, 8]
    positions = [p for pair in pairs for p in pair]
    assert len(set(positions)) == 8 and min(positions) >= 1 and max(positions) <= 12
    assert all(a < b for a, b in pairs)


@pytest.mark.parametrize("distances, length", [((8, 9), 10), ((12,), 12), ((1, 1, 1), 5)])
def test_place_pairs_refuses_what_does_not_fit(distances, length):
    with pytest.raises(ValueError, match=rf"{list(distances)}.*length {length}".replace("[", r"\[").replace("]", r"\]")):
        place_pairs(distances, length)


def test_bad_sets_are_refused():
    with pytest.raises(ValueError, match="kind"):
        DependencySet("triples")
    with pytest.raises(ValueError, match="signal_to_noise"):
        DependencySet("pairs", signal_to_noise=0.0)
    with pytest.raises(ValueError, match="length 6"):
        DependencySet("pairs", 6)
    with pytest.raises(ValueError, match="parity"):
        parity_positions(2)


def test_planted_edges_of_each_kind():
    assert DependencySet("pairs").planted_edges == set(place_pairs((1, 2, 4, 8), 12))
    assert DependencySet("parity").planted_edges == {(3, 9), (6, 9)}
    assert DependencySet("parity").planted_positions == (3, 6, 9)
    assert DependencySet("uniform").planted_edges == set()


def test_determinism_by_seed():
    first, again, other = (DependencySet("pairs", 12, 0.7, seed=s) for s in (7, 7, 8))
    assert all((u.table == v.table).all() for u, v in zip(first.units, again.units))
    assert any((u.table != v.table).any() for u, v in zip(first.units, other.units))
    assert first.sample(50, np.random.default_rng(1)) == again.sample(50, np.random.default_rng(1))


def test_null_set_has_nothing_to_learn():
    null = DependencySet("uniform", 12, 0.5, seed=0)
    assert null.units == []
    assert null.entropy_floor == pytest.approx(null.uniform_nll, abs=1e-12)
    assert math.isnan(learned_fraction(2.5, null.uniform_nll, null.entropy_floor))
    pairs = DependencySet("pairs", 12, 1.0, seed=0)
    assert learned_fraction(pairs.entropy_floor, pairs.uniform_nll, pairs.entropy_floor) == 1.0
    assert learned_fraction(pairs.uniform_nll, pairs.uniform_nll, pairs.entropy_floor) == 0.0


def test_a_placed_parity_triple_follows_its_rule_at_its_positions():
    default = DependencySet("parity", 12, 0.7, seed=1)
    placed = DependencySet("parity", 12, 0.7, seed=1, parity_at=(5, 6, 7))
    assert placed.planted_edges == {(5, 7), (6, 7)} and placed.planted_positions == (5, 6, 7)
    assert placed.entropy_floor == default.entropy_floor  # the floor does not depend on where the unit sits
    (unit,) = placed.units
    codes = np.array([["ACDEFGHIKLMNPQRSTVWY".index(r) for r in s]
                      for s in placed.sample(20_000, np.random.default_rng(3))])
    follows = codes[:, 6] == unit.table[(codes[:, 4] + codes[:, 5]) % 20]
    assert follows.mean() == pytest.approx(0.7 + 0.3 / 20, abs=0.015)
    nll = placed.token_nll(placed.sample(40_000, np.random.default_rng(4)))
    assert nll.mean() == pytest.approx(placed.entropy_floor, abs=4 * nll.std() / math.sqrt(len(nll)))


@pytest.mark.parametrize("positions", [(5, 6), (6, 5, 7), (0, 1, 2), (10, 11, 13), (4, 4, 5)])
def test_a_parity_triple_that_is_not_three_ascending_positions_within_the_length_is_refused(positions):
    with pytest.raises(ValueError, match=r"parity positions .*within 1\.\.12"):
        DependencySet("parity", 12, parity_at=positions)
