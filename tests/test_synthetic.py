import numpy as np
import pytest

from seqattr.data.synthetic import SyntheticSpec, generate, markov_background, transition_matrix

CLASSES = [
    {"name": "human_like", "gc": 0.42, "cpg_ratio": 0.3, "motifs": ["CACGTGAC", "TGACTCAT"]},
    {"name": "worm_like", "gc": 0.38, "cpg_ratio": 0.6, "motifs": ["TGATAAGA"]},
]


def spec(**overrides):
    cfg = {"n_train": 400, "n_test": 100, "length": 80, "seed": 3, "classes": CLASSES, **overrides}
    return SyntheticSpec.from_config(cfg)


def test_same_seed_same_data_and_other_seed_differs():
    a, b, c = generate(spec()), generate(spec()), generate(spec(seed=4))
    assert a.train.equals(b.train) and a.motifs.equals(b.motifs)
    assert not a.train["sequence"].equals(c.train["sequence"])


def test_classes_are_balanced_and_lengths_exact():
    splits = generate(spec(n_train=401))
    counts = splits.train["label"].value_counts()
    assert sorted(counts.tolist()) == [200, 201]
    assert splits.classes == ["human_like", "worm_like"]
    assert (splits.train["sequence"].str.len() == 80).all()
    assert set("".join(splits.train["sequence"])) <= set("ACGT")


def test_planted_intervals_hold_their_motif_up_to_mutations():
    splits = generate(spec(mutation_rate=0.0))
    sequences = dict(zip(splits.train["id"], splits.train["sequence"]))
    train_motifs = splits.motifs[splits.motifs["id"].str.startswith("train")]
    assert len(train_motifs) > 0
    for row in train_motifs.itertuples():
        assert sequences[row.id][row.start:row.end] == row.motif
        assert row.end - row.start == len(row.motif)


def test_motif_classes_follow_the_noise_model():
    splits = generate(spec(n_train=2000, own_motif_probability=0.8, swap_motif_probability=0.1))
    labels = dict(zip(splits.train["id"], splits.train["label"]))
    motifs = splits.motifs[splits.motifs["id"].str.startswith("train")].drop_duplicates("id")
    own = (motifs["class"] == motifs["id"].map(labels)).sum() / 2000
    swapped = (motifs["class"] != motifs["id"].map(labels)).sum() / 2000
    assert own == pytest.approx(0.8, abs=0.03)
    assert swapped == pytest.approx(0.1, abs=0.02)


def test_background_matches_gc_and_cpg_depletion():
    rng = np.random.default_rng(0)
    codes = markov_background(rng, 2000, 200, gc=0.42, cpg_ratio=0.3)
    gc = np.isin(codes, [1, 2]).mean()
    assert gc == pytest.approx(0.42, abs=0.02)
    cpg = ((codes[:, :-1] == 1) & (codes[:, 1:] == 2)).mean()
    expected = (codes[:, :-1] == 1).mean() * (codes[:, 1:] == 2).mean()
    assert cpg / expected < 0.45  # strongly depleted, like vertebrate DNA
    assert np.allclose(transition_matrix(0.42, 0.3).sum(axis=1), 1)
