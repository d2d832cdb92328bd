import numpy as np
import pandas as pd
import pytest

from seqattr import InputError
from seqattr.data.encoding import encode, encode_split, load_encoded, one_hot, save_encoded
from seqattr.data import steps
from seqattr.io import write_json, write_table


def frame(sequences, labels=None):
    labels = labels or ["a"] * len(sequences)
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(sequences))], "label": labels, "sequence": sequences})


def test_one_hot_channels_are_acgt_and_lowercase_is_accepted():
    encoded = encode_split(frame(["ACGT", "acgt"]), ["a"], 4, "centre", "zero", "x")
    assert encoded.onehot.dtype == np.uint8 and encoded.onehot.shape == (2, 4, 4)
    assert (encoded.onehot[0] == np.eye(4, dtype=np.uint8)).all()
    assert (encoded.onehot[1] == encoded.onehot[0]).all()
    assert encoded.mask.all() and not encoded.ambiguous.any()


def test_ambiguous_codes_zero_or_uniform():
    zero = encode_split(frame(["ANRT"]), ["a"], 4, "centre", "zero", "x")
    assert zero.onehot[0, :, 1].sum() == 0 and zero.onehot[0, :, 2].sum() == 0
    assert zero.ambiguous[0].tolist() == [False, True, True, False]
    uniform = encode_split(frame(["ANRT"]), ["a"], 4, "centre", "uniform", "x").as_float()
    assert np.allclose(uniform[0, :, 1], 0.25) and np.allclose(uniform[0, :, 0], [1, 0, 0, 0])


@pytest.mark.parametrize(
    "crop, expected",
    [("centre", ["-AC-", "CGTA"]), ("left", ["AC--", "AACG"])],
)
def test_padding_and_cropping(crop, expected):
    codes = encode(["AC", "AACGTAGG"], 4, crop)
    letters = np.array(list("ACGTN-"))[codes]
    assert ["".join(row) for row in letters] == expected


def test_mask_marks_padding():
    encoded = encode_split(frame(["AC", "ACGTAC"]), ["a"], 4, "centre", "zero", "x")
    assert encoded.mask.tolist() == [[False, True, True, False], [True, True, True, True]]
    assert encoded.onehot[0, :, 0].sum() == 0


@pytest.mark.parametrize(
    "sequences, crop, record, position, char",
    [
        (["ACGT", "ACXT"], "centre", "r1", 3, "X"),
        (["AAAAAAAAC*"], "centre", "r0", 10, "*"),
    ],
)
def test_invalid_character_names_file_record_and_position(sequences, crop, record, position, char):
    length = 4 if len(sequences[0]) == 4 else 10
    with pytest.raises(InputError) as error:
        encode_split(frame(sequences), ["a"], length, crop, "zero", "data/train.tsv.gz")
    message = str(error.value)
    assert "data/train.tsv.gz" in message and f"record {record!r}" in message
    assert f"position {position}" in message and repr(char) in message


def test_invalid_character_position_counts_from_the_original_sequence_when_cropped():
    with pytest.raises(InputError, match=r"record 'r0', position 4: invalid character '-'"):
        encode_split(frame(["AAC-GTAA"]), ["a"], 4, "centre", "zero", "f")


def test_one_hot_of_codes():
    assert one_hot(np.array([[0, 3, 4, 5]], dtype=np.uint8))[0].T.tolist() == [
        [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_save_load_round_trip_is_byte_identical(tmp_path):
    encoded = encode_split(frame(["ACGTN", "TTGCA"], ["a", "b"]), ["b", "a"], 5, "centre", "uniform", "x")
    save_encoded(encoded, tmp_path / "one.npz")
    save_encoded(encoded, tmp_path / "two.npz")
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()
    loaded = load_encoded(tmp_path / "one.npz")
    assert loaded.labels.tolist() == [1, 0]  # label index follows the class list order
    assert loaded.ids.tolist() == ["r0", "r1"] and loaded.ambiguous_value == 0.25
    assert np.array_equal(loaded.onehot, encoded.onehot) and np.array_equal(loaded.mask, encoded.mask)


def test_encode_files_defaults_length_to_longest_training_sequence(tmp_path):
    write_table(frame(["ACG", "ACGTA"], ["a", "b"]), tmp_path / "train.tsv.gz")
    write_table(frame(["ACGTACG", "A"], ["a", "b"]), tmp_path / "test.tsv.gz")
    write_json(["a", "b"], tmp_path / "classes.json")
    length = steps.encode(tmp_path / "train.tsv.gz", tmp_path / "test.tsv.gz", tmp_path / "classes.json",
                          tmp_path / "train.npz", tmp_path / "test.npz", length=None)
    assert length == 5
    assert load_encoded(tmp_path / "test.npz").onehot.shape == (2, 4, 5)


def test_failed_encoding_leaves_no_output(tmp_path):
    write_table(frame(["ACGT", "AC?T"], ["a", "b"]), tmp_path / "train.tsv.gz")
    write_table(frame(["ACGT", "ACGT"], ["a", "b"]), tmp_path / "test.tsv.gz")
    write_json(["a", "b"], tmp_path / "classes.json")
    with pytest.raises(InputError, match="train.tsv.gz: record 'r1', position 3"):
        steps.encode(tmp_path / "train.tsv.gz", tmp_path / "test.tsv.gz", tmp_path / "classes.json",
                     tmp_path / "train.npz", tmp_path / "test.npz", length=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classes.json", "test.tsv.gz", "train.tsv.gz"]


def test_coordinates_travel_with_the_encoding_and_map_window_columns_to_the_genome(tmp_path):
    """Position i of a minus-strand sequence is genome end - 1 - i; the window column of a
    sequence's first nucleotide shifts with padding and cropping."""
    from seqattr.data.coordinates import GenomeCoordinates

    table = frame(["ACGTAC", "ACG", "ACGTACGT"])
    table["chrom"], table["start"], table["end"], table["strand"] = ["c1", "c2", "c1"], [10, 0, 100], [16, 3, 108], \
        ["+", "-", "-"]
    encoded = encode_split(table, ["a"], 6, "centre", "zero", "t")
    assert encoded.coordinates.offset.tolist() == [0, 2, -1]  # padded 2 on the left; cropped 1 at the start
    save_encoded(encoded, tmp_path / "e.npz")
    back = load_encoded(tmp_path / "e.npz").coordinates
    assert isinstance(back, GenomeCoordinates) and back.chrom.tolist() == ["c1", "c2", "c1"]
    genome, inside = back.genome_positions(6)
    assert genome[0].tolist() == [10, 11, 12, 13, 14, 15] and inside[0].all()
    assert inside[1].tolist() == [False, False, True, True, True, False] and genome[1, 2:5].tolist() == [2, 1, 0]
    assert genome[2].tolist() == [106, 105, 104, 103, 102, 101]  # sequence positions 1-6 of 8, minus strand
    assert load_encoded(tmp_path / "e.npz").onehot.shape == (3, 4, 6)
    assert encode_split(frame(["ACGT"]), ["a"], 4, "centre", "zero", "t").coordinates is None
