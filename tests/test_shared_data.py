"""Integration with the real Genomic Benchmarks file in ../shared/data (skipped when absent)."""

import numpy as np

from seqattr.data import local
from seqattr.data.encoding import encode_split


def test_human_enhancers_cohn_through_the_local_source(shared_data):
    path = shared_data / "genomic" / "human_enhancers_cohn_test.tsv"
    splits = local.load({"train": str(path), "test_fraction": 0.2, "split_seed": 0,
                         "sequence_column": "seq", "label_column": "label"})
    assert splits.classes == ["0", "1"]
    assert len(splits.train) + len(splits.test) == 6948
    assert splits.test["label"].value_counts().to_dict() == {"0": 695, "1": 695}
    encoded = encode_split(splits.test, splits.classes, 500, "centre", "zero", str(path))
    assert encoded.onehot.shape == (1390, 4, 500)
    # Every position is a base or an ambiguity code; real genomic data has a few Ns.
    covered = encoded.onehot.sum(axis=1) + encoded.ambiguous
    assert (covered == 1).all()
    assert np.bincount(encoded.labels).tolist() == [695, 695]
