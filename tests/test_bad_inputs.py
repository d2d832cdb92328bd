"""The corpus of bad inputs: each case is one file or config a user could give, the
exact error it must get (file, record and position where they exist), and a check that
the failed step leaves none of its outputs behind.

The cases run the stage steps the rules call (files in, files out), so they are fast;
tests/test_workflow.py runs a few through Snakemake itself.
"""

import gzip
import re

import numpy as np
import pandas as pd
import pytest
import torch

from seqattr import InputError
from seqattr.classify import steps as classify_steps
from seqattr.classify.models import build_model, save_checkpoint
from seqattr.config import ConfigError, validate_config
from seqattr.data import steps as data_steps
from seqattr.data.encoding import EncodedSet, save_encoded
from seqattr.generative import steps as generative_steps
from seqattr.generative.checkpoint import save_model
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.io import read_table, write_json, write_table
from seqattr.report import record

from conftest import REPO

RNG = np.random.default_rng(0)


def dna(n, length=20):
    return ["".join(RNG.choice(list("ACGT"), size=length)) for _ in range(n)]


def fasta(records):
    return "".join(f">{name}\n{sequence}\n" for name, sequence in records)


def labelled_fasta(n_per_class=6, classes=("a", "b"), prefix=""):
    return fasta([(f"{prefix}{c}{i} label={c}", s) for c in classes for i, s in enumerate(dna(n_per_class))])


def csv(rows, header="id,label,sequence"):
    return header + "\n" + "".join(",".join(row) + "\n" for row in rows)


def good_rows(n_per_class=6):
    return [(f"{c}{i}", c, s) for c in ("a", "b") for i, s in enumerate(dna(n_per_class))]


# --- DNA: the data stage's import -----------------------------------------------------
# Each case: files to write (name -> bytes or text), the `local` section (paths relative
# to the case's folder), extra keyword arguments of the step, and the exact message
# ({dir} is the case's folder).

def truncated_gzip(text):
    data = gzip.compress(text.encode(), mtime=0)
    return data[: len(data) // 2]


def bad_crc_gzip(text):
    data = bytearray(gzip.compress(text.encode(), mtime=0))
    data[-8] ^= 0xFF  # the CRC-32 of the trailer
    return bytes(data)


def located_rows(change=None, n_per_class=6):
    """A table with genome coordinates, chr1:start-end on +, record (row) `change[0]`'s
    fields replaced by `change[1]`."""
    rows = []
    for i, (name, label, sequence) in enumerate(good_rows(n_per_class)):
        row = [name, label, sequence, "chr1", str(100 * i), str(100 * i + len(sequence)), "+"]
        if change and change[0] == i:
            row = [change[1].get(k, value) for k, value in enumerate(row)]
        rows.append(row)
    return csv(rows, header="id,label,sequence,chrom,start,end,strand")


GOOD_TEST = {"test.fa": labelled_fasta(3, prefix="test_")}
# A training file whose records a test file copies (a1 is its second record, a0 its first).
LEAK_TRAIN = labelled_fasta(6)

LOCATED = {"train": "train.csv", "test_fraction": 0.5, "id_column": "id"}

DNA_CASES = {
    "coordinates_end_not_after_start": (
        {"train.csv": located_rows((1, {5: "100"}))}, LOCATED, {},
        "{dir}/train.csv: record 'a1' (line 3), column 'end': 100 is not after start 100 (0-based, half-open as in "
        "BED: end > start)"),
    "coordinates_length_not_the_sequence_s": (
        {"train.csv": located_rows((2, {5: "219"}))}, LOCATED, {},
        "{dir}/train.csv: record 'a2' (line 4), column 'end': end - start is 19 but the sequence has 20 nt (0-based, "
        "half-open as in BED: end - start is the length)"),
    "coordinates_unknown_strand": (
        {"train.csv": located_rows((3, {6: "."}))}, LOCATED, {},
        "{dir}/train.csv: record 'a3' (line 5), column 'strand': '.' is not a strand (+ or -)"),
    "coordinates_start_not_an_integer": (
        {"train.csv": located_rows((0, {4: "1e3"}))}, LOCATED, {},
        "{dir}/train.csv: record 'a0' (line 2), column 'start': '1e3' is not a non-negative integer (0-based, "
        "half-open as in BED)"),
    "coordinates_row_without_a_strand": (
        {"train.csv": located_rows((4, {6: ""}))}, LOCATED, {},
        "{dir}/train.csv: record 'a4' (line 6), column 'strand': empty; with coordinates every record needs all of "
        "chrom, start, end, strand (1 record without them all)"),
    "coordinates_column_missing": (
        {"train.csv": csv([row[:6] for row in (r.split(",") for r in located_rows().splitlines()[1:])],
                          header="id,label,sequence,chrom,start,end")}, LOCATED, {},
        "{dir}/train.csv: has coordinate columns 'chrom', 'start', 'end' but no 'strand'; give all of chrom, start, "
        "end, strand or none"),
    "fasta_coordinates_in_some_ids": (
        {"train.fa": fasta([("chr1:0-20(+) label=a", dna(1)[0]), ("a1 label=a", dna(1)[0])]
                           + [(f"chr2:{20 * i}-{20 * i + 20}(-) label=b", s) for i, s in enumerate(dna(6))])},
        {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: record 'a1' (number 2) has no chrom:start-end(strand) id but record 'chr1:0-20(+)' has; "
        "give coordinates in every record's id or in none"),
    "fasta_coordinates_of_another_length": (
        {"train.fa": fasta([(f"chr2:{20 * i}-{20 * i + 21}(-) label={c}", s) for c in "ab"
                            for i, s in enumerate(dna(6))])},
        {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: record 'chr2:0-21(-)' (number 1), column 'end': end - start is 21 but the sequence has 20 nt "
        "(0-based, half-open as in BED: end - start is the length)"),
    "fasta_gzip_truncated": (
        {"train.fa.gz": truncated_gzip(labelled_fasta())}, {"train": "train.fa.gz", "test_fraction": 0.5}, {},
        "{dir}/train.fa.gz: truncated or corrupt gzip file (Compressed file ended before the end-of-stream marker "
        "was reached); re-download or re-compress it"),
    "fasta_gzip_bad_crc": (
        {"train.fa.gz": bad_crc_gzip(labelled_fasta())}, {"train": "train.fa.gz", "test_fraction": 0.5}, {},
        "{dir}/train.fa.gz: truncated or corrupt gzip file (CRC check failed); re-download or re-compress it"),
    "fasta_gzip_not_deflate": (
        {"train.fa.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xffgarbage that is not deflate data"},
        {"train": "train.fa.gz", "test_fraction": 0.5}, {},
        re.compile(r"\{dir\}/train\.fa\.gz: truncated or corrupt gzip file \(.+\); re-download or re-compress it")),
    "table_gzip_truncated": (
        {"train.csv.gz": truncated_gzip(csv(good_rows()))}, {"train": "train.csv.gz", "test_fraction": 0.5}, {},
        "{dir}/train.csv.gz: truncated or corrupt gzip file (Compressed file ended before the end-of-stream marker "
        "was reached); re-download or re-compress it"),
    "fasta_bom": (
        {"train.fa": b"\xef\xbb\xbf" + labelled_fasta().encode()}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: starts with a UTF-8 byte-order mark (BOM); save the file without one (plain ASCII or UTF-8)"),
    "table_bom": (
        {"train.csv": b"\xef\xbb\xbf" + csv(good_rows()).encode()}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: starts with a UTF-8 byte-order mark (BOM); save the file without one (plain ASCII or UTF-8)"),
    "fasta_latin1_byte_in_sequence": (
        {"train.fa": b">a1 label=a\nACGT\n>a2 label=a\nAC\xe9T\n"}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: record 'a2', line 4, column 3: byte 0xe9 is not text (not ASCII or UTF-8)"),
    "fasta_gzip_latin1_byte": (
        {"train.fa.gz": gzip.compress(b">a1 label=a\nACGT\nAC\xe9T\n")}, {"train": "train.fa.gz", "test_fraction": 0.5},
        {}, "{dir}/train.fa.gz: record 'a1', line 3, column 3: byte 0xe9 is not text (not ASCII or UTF-8)"),
    "table_latin1_byte": (
        {"train.csv": b"id,label,sequence\nx1,a,ACGT\nx2,b,AC\xe9T\n"}, {"train": "train.csv", "test_fraction": 0.5},
        {}, "{dir}/train.csv: line 3, column 8: byte 0xe9 is not text (not ASCII or UTF-8)"),
    "fasta_utf8_letter_in_sequence": (
        {"train.fa": labelled_fasta(3) + ">b9 label=b\nACGTÄCGT\n"}, {"train": "train.fa", "test": "test.fa"},
        {}, "{dir}/train.fa: record 'b9', position 5 (line 14): invalid character 'Ä' (sequences are ASCII letters)"),
    "fasta_text_before_first_header": (
        {"train.fa": "# exported by a tool\n" + labelled_fasta()}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: line 1: '# exported by a tool' comes before the first '>' header (not FASTA, or text "
        "above the first record)"),
    "fasta_empty_header": (
        {"train.fa": ">a1 label=a\nACGT\n>\nACGT\n"}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: record number 2 has an empty header (no name after '>')"),
    "fasta_without_label_field": (
        {"train.fa": ">a1 label=a\nACGT\n>a2 class=a\nACGT\n"}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: record 'a2' (number 2) has no 'label=<class>' field in its header"),
    "fasta_empty_file": (
        {"train.fa": ""}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: no FASTA records (empty file or not FASTA)"),
    "fasta_invalid_letter": (
        {"train.fa": labelled_fasta(3) + ">b9 label=b\nACGTXCGT\n"}, {"train": "train.fa", "test": "test.fa"},
        {}, "{dir}/train.fa: record 'b9', position 5: invalid character 'X' (allowed: ACGTNRYSWKMBDHV, any case)"),
    "fasta_numbered_lines": (  # GenBank-style numbers; spaces inside a line are dropped like line breaks
        {"train.fa": labelled_fasta(3) + ">b9 label=b\n1 ACGT ACGT\n"}, {"train": "train.fa", "test": "test.fa"},
        {}, "{dir}/train.fa: record 'b9', position 1: invalid character '1' (allowed: ACGTNRYSWKMBDHV, any case)"),
    "fasta_empty_sequence": (
        {"train.fa": labelled_fasta(3) + ">b9 label=b\n"}, {"train": "train.fa", "test": "test.fa"}, {},
        "{dir}/train.fa: record 'b9' has an empty sequence"),
    "fasta_duplicate_id": (
        {"train.fa": labelled_fasta(3) + ">a0 label=a\nACGT\n"}, {"train": "train.fa", "test": "test.fa"}, {},
        "{dir}/train.fa: duplicate record id 'a0' (1 ids repeated)"),
    "table_empty_label": (
        {"train.csv": csv(good_rows() + [("x9", "", "ACGT")])}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: record 'train_13' (line 14) has an empty or missing 'label'; every sequence needs a "
        "class label"),
    "table_blank_label": (
        {"train.csv": csv([("x1", "   ", "ACGT")] + good_rows())}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: record 'train_1' (line 2) has an empty or missing 'label'; every sequence needs a "
        "class label"),
    "table_missing_label_field": (
        {"train.tsv": "id\tsequence\tlabel\n" + "".join(f"{i}\t{s}\t{c}\n" for i, c, s in good_rows())
         + "x9\tACGT\n"}, {"train": "train.tsv", "test_fraction": 0.5, "id_column": "id"}, {},
        "{dir}/train.tsv: record 'x9' (line 14) has an empty or missing 'label'; every sequence needs a class label"),
    "table_missing_column": (
        {"train.csv": csv(good_rows(), header="id,label,seq")}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: missing column 'sequence'; columns are ['id', 'label', 'seq']"),
    "table_row_with_extra_field": (
        {"train.csv": csv(good_rows()) + "x9,a,ACGT,extra\n"}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: not a well-formed CSV table (Expected 3 fields in line 14, saw 4)"),
    "table_empty_file": (
        {"train.csv": ""}, {"train": "train.csv", "test_fraction": 0.5}, {}, "{dir}/train.csv: empty file"),
    "table_header_only": (
        {"train.csv": "id,label,sequence\n"}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: no rows (empty file)"),
    "table_empty_sequence": (
        {"train.csv": csv(good_rows() + [("x9", "a", " ")])}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: record 'train_13' has an empty sequence"),
    "class_of_one_sequence": (
        {"train.csv": csv(good_rows() + [("x9", "c", "ACGT")])}, {"train": "train.csv", "test_fraction": 0.4}, {},
        "{dir}/train.csv: class 'c' has only 1 sequence, too few to split into train and test with test_fraction "
        "0.4 (0 would go to test, 1 to train; each needs at least 2); add sequences, change test_fraction or give a "
        "separate test file"),
    "class_with_one_test_sequence": (
        {"train.csv": csv(good_rows(10) + [(f"c{i}", "c", "ACGT") for i in range(5)])},
        {"train": "train.csv", "test_fraction": 0.2}, {},
        "{dir}/train.csv: class 'c' has only 5 sequences, too few to split into train and test with test_fraction "
        "0.2 (1 would go to test, 4 to train; each needs at least 2); add sequences, change test_fraction or give a "
        "separate test file"),
    "sequence_longer_than_length_with_crop_none": (
        {"train.csv": csv(good_rows() + [("long1", "a", "ACGT" * 6)])}, {"train": "train.csv", "test_fraction": 0.5},
        {"encoding": {"crop": "none"}, "spec": {"length": 20}},
        "dataset toy ({dir}/train.csv): record 'train_13' has 24 nt, longer than the encoded length 20 (1 sequence too "
        "long), and encoding.crop is none; raise the dataset's length or set encoding.crop to centre or left"),
    "class_too_small_for_large_fraction": (
        {"train.csv": csv(good_rows(2))}, {"train": "train.csv", "test_fraction": 0.8}, {},
        "{dir}/train.csv: class 'a' has only 2 sequences, too few to split into train and test with test_fraction "
        "0.8 (2 would go to test, 0 to train; each needs at least 2); add sequences, change test_fraction or give a "
        "separate test file"),
    "test_lacks_a_class": (
        {"train.fa": labelled_fasta(), "test.fa": labelled_fasta(3, classes=("a",), prefix="test_")},
        {"train": "train.fa", "test": "test.fa"}, {},
        "{dir}/train.fa / {dir}/test.fa: train and test label sets differ: only in train ['b'], only in test []"),
    "one_class_only": (
        {"train.fa": labelled_fasta(classes=("a",))}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: a classifier needs at least two classes, found ['a']"),
    "label_not_in_configured_classes": (
        {"train.fa": labelled_fasta(classes=("a", "b", "c"))},
        {"train": "train.fa", "test_fraction": 0.5, "classes": ["a", "b"]}, {},
        "{dir}/train.fa: labels ['c'] are not among the configured classes ['a', 'b']"),
    "file_not_found": (
        {}, {"train": "missing.fa", "test_fraction": 0.5}, {}, "{dir}/missing.fa: file not found"),
    "unknown_format": (
        {"train.dat": labelled_fasta()}, {"train": "train.dat", "test_fraction": 0.5}, {},
        "{dir}/train.dat: cannot tell the format from the name; use .fa/.fasta or .csv/.tsv (optionally .gz)"),
    "class_name_with_trailing_space": (
        {"a.fa": fasta([("x", "ACGT")]), "b.fa": fasta([("y", "ACGT")])},
        {"train": {"a ": "a.fa", "b": "b.fa"}, "test_fraction": 0.5}, {},
        "class name 'a ' (the file a.fa): class names must be non-empty, without leading or trailing spaces"),
    "n_eval_larger_than_test_split": (
        {"train.fa": labelled_fasta(10)}, {"train": "train.fa", "test_fraction": 0.2},
        {"saliency": {"n_eval": 100, "methods": {"attngen": ["ig"]}}},
        "dataset toy: saliency.n_eval is 100 but the test split has only 4 sequences; lower saliency.n_eval "
        "(or null for the whole split)"),
    "sequences_too_short_for_the_cnn": (
        {"train.fa": labelled_fasta(10)}, {"train": "train.fa", "test_fraction": 0.2},
        {"classify": {"models": ["cnn"], "cnn": {}}},
        "dataset toy: sequences are encoded to length 20, which model cnn cannot take (cnn: input length 20 is too "
        "short for 3 blocks of kernel 8 and max-pool 2); set datasets.toy.length or change classify.cnn"),
    # Data hygiene: leakage, conflicting labels, record identity, header grammar, encodings.
    "test_sequence_copies_a_training_sequence": (
        {"train.fa": LEAK_TRAIN, "test.fa": fasta([("t1 label=a", LEAK_TRAIN.splitlines()[3].lower())]
                                                  + [(f"t{i} label={c}", s) for i, (c, s) in
                                                     enumerate(zip("bab", dna(3)), start=2)])},
        {"train": "train.fa", "test": "test.fa"}, {},
        "dataset toy ({dir}/train.fa / {dir}/test.fa): test record 't1' has the same sequence as training record "
        "'a1' (case ignored); 1 test sequences are copies of training sequences, so test metrics would be "
        "measured partly on training data (hygiene.cross_split: error; set it to drop to remove them from the test "
        "split, or to warn to keep them)"),
    "one_sequence_two_labels": (
        {"train.csv": csv(good_rows() + [("x9", "b", "ACGTACGTACGTACGTACGT"), ("x10", "a", "acgtacgtacgtacgtacgt")])},
        {"train": "train.csv", "test_fraction": 0.3}, {},
        "dataset toy ({dir}/train.csv): record 'train_13' (label 'b') has the same sequence as record 'train_14' "
        "(label 'a'); 1 sequences carry more than one label (hygiene.conflicting_labels: error; set it to drop to "
        "remove them, or to warn to keep them)"),
    "test_near_copy_with_policy_error": (
        {"train.fa": LEAK_TRAIN, "test.fa": fasta([("t1 label=a", "T" + LEAK_TRAIN.splitlines()[3][1:]
                                                    if LEAK_TRAIN.splitlines()[3][0] != "T"
                                                    else "A" + LEAK_TRAIN.splitlines()[3][1:])]
                                                  + [(f"t{i} label={c}", s) for i, (c, s) in
                                                     enumerate(zip("bab", dna(3)), start=2)])},
        {"train": "train.fa", "test": "test.fa"}, {"hygiene": {"near_duplicates": "error"}},
        "dataset toy ({dir}/train.fa / {dir}/test.fa): test record 't1' is at least 0.95 identical to training "
        "record 'a1'; 1 test sequences are near-copies of training sequences (hygiene.near_duplicates: error; set "
        "it to drop to remove them from the test split, or to warn to keep them)"),
    "copies_within_a_split_with_policy_error": (
        {"train.fa": LEAK_TRAIN + ">a9 label=a\n" + LEAK_TRAIN.splitlines()[1] + "\n"},
        {"train": "train.fa", "test": "test.fa"}, {"hygiene": {"within_split": "error"}},
        "dataset toy ({dir}/train.fa / {dir}/test.fa): train record 'a9' has the same sequence as train record "
        "'a0' (case ignored); 1 train sequences repeat another (hygiene.within_split: error; set it to drop to "
        "keep one copy, or to warn to keep them)"),
    "table_empty_id": (
        {"train.csv": csv(good_rows() + [(" ", "a", "ACGTTT")])},
        {"train": "train.csv", "test_fraction": 0.5, "id_column": "id"}, {},
        "{dir}/train.csv: line 14 has an empty id in column 'id' (1 rows without one); every record needs an id"),
    "table_duplicate_column_name": (
        {"train.csv": csv([(i, c, s, "ACGT") for i, c, s in good_rows()], header="id,label,sequence,sequence")},
        {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: column 'sequence' appears twice in the header (columns 3 and 4); rename or remove one"),
    "fasta_header_with_two_labels": (
        {"train.fa": labelled_fasta(3) + ">b9 label=b|label=a\nACGTTA\n"}, {"train": "train.fa", "test": "test.fa"},
        {}, "{dir}/train.fa: record 'b9' (number 7): its header has 2 'label=' fields ('b', 'a'); give one (fields "
            "are separated by '|' or spaces)"),
    "fasta_header_label_holding_equals": (
        {"train.fa": labelled_fasta(3) + ">b9 label=b=c\nACGTTA\n"}, {"train": "train.fa", "test": "test.fa"},
        {}, "{dir}/train.fa: record 'b9' (number 7): its header's label field 'label=b=c' is ambiguous (empty, or "
            "holding another '='); write label=<class>, fields separated by '|' or spaces"),
    "fasta_utf16": (
        {"train.fa": labelled_fasta().encode("utf-16")}, {"train": "train.fa", "test_fraction": 0.5}, {},
        "{dir}/train.fa: UTF-16 text (byte-order mark 0xff 0xfe); save it as UTF-8 or plain ASCII"),
    "table_utf16_without_bom": (
        {"train.csv": csv(good_rows()).encode("utf-16-le")}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: line 1, column 2: NUL byte (UTF-16 text without a byte-order mark, or not a text file); "
        "save it as UTF-8 or plain ASCII"),
    "table_cr_only_line_endings": (
        {"train.csv": csv(good_rows()).replace("\n", "\r").encode()}, {"train": "train.csv", "test_fraction": 0.5}, {},
        "{dir}/train.csv: lines end in CR only (classic Mac OS line endings), so the file reads as one line; "
        "convert them to LF (e.g. tr '\\r' '\\n')"),
    "class_with_one_sequence_in_the_test_file": (
        {"train.fa": labelled_fasta(3),
         "test.fa": fasta([("t1 label=a", "ACGTTGCA"), ("t2 label=b", "TTGACCAG"), ("t3 label=b", "GGATCCTA")])},
        {"train": "train.fa", "test": "test.fa"}, {},
        "{dir}/train.fa / {dir}/test.fa: class 'a' has 1 test sequence, fewer than 2: a class with one test "
        "sequence gets an accuracy of 0 or 1, no spread to compare models on; add sequences"),
    "class_with_one_sequence_in_the_training_file": (
        {"train.fa": labelled_fasta(3) + ">c1 label=c\nACGTTGCATT\n",
         "test.fa": labelled_fasta(3, ("a", "b", "c"), prefix="test_")},
        {"train": "train.fa", "test": "test.fa"}, {},
        "{dir}/train.fa / {dir}/test.fa: class 'c' has 1 training sequence, fewer than 2: one training sequence of "
        "a class is all the model learns it from, and the validation split can take it whole; add sequences"),
}


def write_files(folder, files):
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def absolute(source, folder):
    if isinstance(source, dict):
        return {label: str(folder / path) for label, path in source.items()}
    return str(folder / source)


def expect_message(error, expected, folder):
    message = str(error.value)
    if isinstance(expected, re.Pattern):
        pattern = expected.pattern.replace(r"\{dir\}", re.escape(str(folder)))
        assert re.fullmatch(pattern, message), message
    else:
        assert message == expected.format(dir=folder)


@pytest.mark.parametrize("case", sorted(DNA_CASES))
def test_bad_dna_input_is_one_located_error_and_leaves_no_output(case, tmp_path):
    files, local, options, expected = DNA_CASES[case]
    files = {**GOOD_TEST, **files}
    write_files(tmp_path, files)
    local = {"split_seed": 0, "sequence_column": "sequence", "label_column": "label", "id_column": None, **local}
    for key in ("train", "test"):
        if key in local:
            local[key] = absolute(local[key], tmp_path)
    out = tmp_path / "out"
    outputs = [out / "train.tsv.gz", out / "test.tsv.gz", out / "classes.json"]
    options = dict(options)
    spec = {"source": "local", "local": local, **options.pop("spec", {})}
    with pytest.raises(InputError) as error:
        data_steps.prepare(*outputs, spec=spec, name="toy", **options)
    if case == "class_name_with_trailing_space":  # the message names the file as configured
        expected = expected.replace("a.fa", str(tmp_path / "a.fa"))
    expect_message(error, expected, tmp_path)
    assert not out.exists()


def test_labels_are_stripped_like_sequences(tmp_path):
    """A trailing space or tab after a label is the same class, not a new one."""
    rows = [(i, c + " " if n % 2 else c, " " + s + " ") for n, (i, c, s) in enumerate(good_rows())]
    (tmp_path / "train.csv").write_text(csv(rows))
    (tmp_path / "fasta.fa").write_text(">a1 label=a\nACGT\n>b1 label=b\t\nACGA\n>a2 label=a\nACGC\n>b2 label=b\nAC\n")
    out = tmp_path / "out"
    local = {"train": str(tmp_path / "train.csv"), "test": str(tmp_path / "fasta.fa"), "split_seed": 0}
    data_steps.prepare(out / "train.tsv.gz", out / "test.tsv.gz", out / "classes.json",
                       spec={"source": "local", "local": local}, name="toy")
    train = read_table(out / "train.tsv.gz")
    assert sorted(set(train["label"])) == ["a", "b"] and (train["sequence"].str.len() == 20).all()
    assert read_table(out / "test.tsv.gz")["label"].tolist() == ["a", "b", "a", "b"]


# --- Protein: positive sets and the Absolut! table ----------------------------------------

def absolut_table(contributions, slides=("CARDY", "CARDW")):
    rows = "".join(f"{i}\t{slide}\t{cell}\tE1\n" for i, (slide, cell) in enumerate(zip(slides, contributions)))
    return "ID_slide_Variant\tSlide\tcontribPerAAparaBind\tinterMaskAGEpitope\n" + rows


PROTEIN_CASES = {
    "fasta_gzip_truncated": (
        "set.fa.gz", truncated_gzip(fasta([("p1", "CARDY"), ("p2", "CARDW")] * 20)), {"source": "fasta"},
        "{path}: truncated or corrupt gzip file (Compressed file ended before the end-of-stream marker was "
        "reached); re-download or re-compress it"),
    "fasta_bom": (
        "set.fa", b"\xef\xbb\xbf>p1\nCARDY\n", {"source": "fasta"},
        "{path}: starts with a UTF-8 byte-order mark (BOM); save the file without one (plain ASCII or UTF-8)"),
    "fasta_latin1_byte": (
        "set.fa", b">p1\nCARDY\n>p2\nCA\xc9DY\n", {"source": "fasta"},
        "{path}: record 'p2', line 4, column 3: byte 0xc9 is not text (not ASCII or UTF-8)"),
    "fasta_text_before_header": (
        "set.fa", "CARDY\n>p1\nCARDY\n", {"source": "fasta"},
        "{path}: line 1: 'CARDY' comes before the first '>' header (not FASTA, or text above the first record)"),
    "fasta_invalid_residue": (
        "set.fa", ">p1\nCARDY\n>p2\nCABDY\n", {"source": "fasta"},
        "{path}: record 'p2' (number 2) has 'B' at position 3; allowed are the 20 amino acids "
        "ACDEFGHIKLMNPQRSTVWY (any case)"),
    "fasta_mixed_lengths": (
        "set.fa", ">p1\nCARDY\n>p2\nCARD\n", {"source": "fasta"},
        "{path}: record 'p2' (number 2) has length 4 but the first record has 5; GAMA needs equal lengths "
        "(sequences are not aligned)"),
    "fasta_empty_sequence": (
        "set.fa", ">p1\nCARDY\n>p2\n", {"source": "fasta"}, "{path}: record 'p2' (number 2) is an empty sequence"),
    "fasta_duplicate_id": (
        "set.fa", ">p1\nCARDY\n>p2\nCARDW\n>p1\nCARDF\n", {"source": "fasta"},
        "{path}: duplicate record id 'p1' (records 1 and 3)"),
    "fasta_utf16": (
        "set.fa", ">p1\nCARDY\n".encode("utf-16"), {"source": "fasta"},
        "{path}: UTF-16 text (byte-order mark 0xff 0xfe); save it as UTF-8 or plain ASCII"),
    "fasta_too_few": (
        "set.fa", ">p1\nCARDY\n", {"source": "fasta", "min_size": 5},
        "{path}: 1 sequences, fewer than the minimum 5"),
    "mason_latin1_byte": (
        "mason.csv", b"AASeq,AgClass\nCARDY,1\nCAR\xe9Y,1\n", {"source": "mason"},
        "{path}: line 3, column 4: byte 0xe9 is not text (not ASCII or UTF-8)"),
    "mason_missing_column": (
        "mason.csv", "Seq,AgClass\nCARDY,1\n", {"source": "mason"},
        "{path}: missing column 'AASeq'; columns are ['Seq', 'AgClass']"),
    "table_empty": ("set.tsv", "", {"source": "table"}, "{path}: empty file"),
    "absolut_row_with_extra_field": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,", "Ca:1_-1.5,"]) + "9\tCARDY\tCa:1_-1.5,\tE1\textra\n",
        {"source": "absolut"}, "{path}: not a well-formed TSV table (Expected 4 fields in line 4, saw 5)"),
    "absolut_malformed_contribution": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,Ab:2_-3.0,", "Ca:1_-1.5,Ab:2-3.0,"]), {"source": "absolut"},
        "{path}: record 2 (contribPerAAparaBind): entry 'Ab:2-3.0' is not "
        "<residue><position letter>:<count>_<energy>"),
    "absolut_position_beyond_slice": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,Yg:2_-3.0,", "Ca:1_-1.5,"]), {"source": "absolut"},
        "{path}: record 1 (contribPerAAparaBind): entry 'Yg:2_-3.0' names position 'g', beyond a slice of 5 "
        "residues (a..e)"),
    "absolut_residue_not_in_slice": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,", "Wa:1_-1.5,"]), {"source": "absolut"},
        "{path}: record 2 (contribPerAAparaBind): entry for position 1 names residue 'W' but the slice 'CARDW' "
        "has 'C' there"),
    "absolut_position_twice": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,Ca:1_-2.0,", "Ca:1_-1.5,"]), {"source": "absolut"},
        "{path}: record 1 (contribPerAAparaBind): position 'a' appears twice"),
    "absolut_slices_of_different_lengths": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,", "Ca:1_-1.5,"], slides=("CARDY", "CARD")), {"source": "absolut"},
        "{path}: record 2 has a Slide slice of length 4 ('CARD') but record 1 has 5; every slice must have the "
        "same length"),
    "absolut_epitope_leaves_too_few": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,", "Ca:1_-1.5,"]), {"source": "absolut", "epitope": "E9",
                                                                    "min_size": 2},
        "{path}: the epitope filter 'E9' leaves 0 records, fewer than the configured minimum 2 "
        "(generative.sets.*.min_size)"),
    "absolut_energy_not_finite": (
        "absolut.tsv", absolut_table(["Ca:1_-1.5,Ab:2_-1e999,", "Ca:1_-1.5,"]), {"source": "absolut"},
        "{path}: record 1 (contribPerAAparaBind): entry 'Ab:2_-1e999' has a non-finite energy (-inf); energies "
        "must be finite numbers"),
    "absolut_every_contribution_empty": (
        "absolut.tsv", absolut_table(["", ""]), {"source": "absolut"},
        "{path}: none of the 2 records has a contribPerAAparaBind entry (every cell is empty), so there is no "
        "energy to compare GAMA with; check the column or the epitope filter"),
    "one_residue_sequences": (
        "set.fa", ">p1\nC\n>p2\nA\n>p3\nW\n", {"source": "fasta"},
        "{path}: record 'p1' (number 1) has 1 residue (3 such records); GAMA needs at least 2: a one-residue "
        "sequence has no other position to attribute to, and the chain ran to a NaN importance "
        "(docs/results.md#gama_small_sets.importance.one_residue)"),
    "every_sequence_a_copy_of_one": (
        "set.fa", ">p1\nCARDY\n>p2\nCARDY\n>p3\ncardy\n", {"source": "fasta"},
        "{path}: all 3 sequences are copies of 'CARDY'; the LSTM's held-out split keeps copies on one side, so "
        "nothing could be held out, and GAMA needs varied sequences"),
    "absolut_without_energy_column": (
        "absolut.tsv", "Slide\tinterMaskAGEpitope\nCARDY\tE1\n", {"source": "absolut"},
        "{path}: no column 'contribPerAAparaBind' (columns: Slide, interMaskAGEpitope, ...)"),
}


@pytest.mark.parametrize("case", sorted(PROTEIN_CASES))
def test_bad_protein_input_is_one_located_error_at_import(case, tmp_path):
    """Every protein problem, the Absolut! energies included, stops the set's import (the
    first job of its chain), so no LSTM is trained on a set that cannot be used."""
    name, content, spec, expected = PROTEIN_CASES[case]
    path = tmp_path / name
    write_files(tmp_path, {name: content})
    output = tmp_path / "out" / "sequences.tsv.gz"
    with pytest.raises(InputError) as error:
        generative_steps.positive_set({**spec, "path": str(path)}, output)
    assert str(error.value) == expected.format(path=path)
    assert not output.exists()


def airr_tsv(rows, columns=("sequence_id", "junction_aa", "v_call", "j_call")):
    """A small AIRR rearrangement TSV (strict validation is off: real files lack fields)."""
    return "\t".join(columns) + "\n" + "".join("\t".join(row) + "\n" for row in rows)


AIRR_GOOD = [("r1", "CARDYW", "IGHV3-23*01", "IGHJ4*02"), ("r2", "CARDFW", "IGHV1-2*01", "IGHJ4*02")]
AIRR_CASES = {
    "airr_without_cdr3_columns": (
        airr_tsv([("r1", "IGHV3-23*01")], columns=("sequence_id", "v_call")), {},
        "{path}: no 'junction_aa' column (an AIRR set needs cdr3_aa or junction_aa); columns are "
        "['sequence_id', 'v_call']"),
    "airr_junction_without_conserved_w": (
        airr_tsv(AIRR_GOOD + [("r3", "CARDYG", "IGHV3-23*01", "IGHJ4*02")]), {"flank_policy": "error"},
        "{path}: record 'r3' (row 3): junction_aa 'CARDYG' lacks the conserved W/F at its last position "
        "(flank_policy: error; drop or trim to go on)"),
    "airr_stop_codon": (
        airr_tsv(AIRR_GOOD + [("r3", "CAR*YW", "IGHV3-23*01", "IGHJ4*02")]), {},
        "{path}: record 'r3' (row 3) has '*' at position 4 of its junction_aa; allowed are the 20 amino acids "
        "ACDEFGHIKLMNPQRSTVWY (stop codons '*' and X are refused)"),
    "airr_x": (
        airr_tsv(AIRR_GOOD + [("r3", "CARXYW", "IGHV3-23*01", "IGHJ4*02")]), {},
        "{path}: record 'r3' (row 3) has 'X' at position 4 of its junction_aa; allowed are the 20 amino acids "
        "ACDEFGHIKLMNPQRSTVWY (stop codons '*' and X are refused)"),
    "airr_empty_cdr3": (
        airr_tsv(AIRR_GOOD + [("r3", "CW", "IGHV3-23*01", "IGHJ4*02")]), {},
        "{path}: record 'r3' (row 3) has an empty CDR3 after trimming the junction's flanks"),
    "airr_too_few": (
        airr_tsv(AIRR_GOOD), {"min_size": 5},
        "{path}: 2 unique sequences after filtering, fewer than the minimum 5"),
}


@pytest.mark.parametrize("case", sorted(AIRR_CASES))
def test_bad_airr_input_is_one_located_error_at_import(case, tmp_path):
    """An AIRR rearrangement set's problems stop its import with one line naming the file,
    the record (its sequence_id and row) and the position; nothing is written."""
    content, options, expected = AIRR_CASES[case]
    path = tmp_path / "set.airr.tsv"
    path.write_text(content)
    output, summary = tmp_path / "out" / "sequences.tsv.gz", tmp_path / "out" / "input_summary.tsv"
    with pytest.raises(InputError) as error:
        generative_steps.positive_set({"source": "airr", "path": str(path), **options}, output, None, summary)
    assert str(error.value) == expected.format(path=path)
    assert not output.exists() and not summary.exists()


# --- Checkpoints ------------------------------------------------------------------------

SMALL_ATTNGEN = {"channels": 8, "dilations": [2]}
LENGTH = 60


@pytest.fixture
def encoded_dataset(tmp_path):
    """Encoded train/test splits of two classes, 60 nt, and their classes.json."""
    paths = {}
    for split, n in (("train", 40), ("test", 20)):
        codes = RNG.integers(0, 4, size=(n, LENGTH))
        onehot = (codes[:, None, :] == np.arange(4)[None, :, None]).astype(np.uint8)
        save_encoded(EncodedSet(onehot, np.arange(n) % 2, np.array([f"{split}{i}" for i in range(n)]),
                                np.ones((n, LENGTH), bool), np.zeros((n, LENGTH), bool)), tmp_path / f"{split}.npz")
        paths[split] = tmp_path / f"{split}.npz"
    write_json(["a", "b"], tmp_path / "classes.json")
    paths["classes"] = tmp_path / "classes.json"
    return paths


EXTRA = {"training": {"mask_ratio": 0.0, "seed": 0, "val_fraction": 0.1}, "epochs": 1}


def classifier_file(path, name="cnn", length=LENGTH, n_classes=2, dataset="toy"):
    config = SMALL_ATTNGEN if name == "attngen" else {}
    save_checkpoint(path, build_model(name, config, length, n_classes), config, EXTRA, dataset=dataset)


def expects(key, declared, wanted, path):
    return (f"{path}: checkpoint declares {key} {declared!r} but this job expects {wanted!r}; the file was made "
            f"for another model or dataset (retrain it)")


def pickled_module(path):
    torch.save(torch.nn.Linear(2, 2), path)  # a whole module: needs unpickling of code, never loaded


CLASSIFIER_CASES = {
    "attngen_at_the_cnn_path": (lambda p: classifier_file(p, "attngen"),
                                lambda p: expects("model_name", "attngen", "cnn", p)),
    "three_classes_on_two_class_data": (lambda p: classifier_file(p, n_classes=3),
                                        lambda p: expects("n_classes", 3, 2, p)),
    "other_input_length": (lambda p: classifier_file(p, length=80), lambda p: expects("input_length", 80, 60, p)),
    "other_dataset": (lambda p: classifier_file(p, dataset="other"), lambda p: expects("dataset", "other", "toy", p)),
    "truncated": (lambda p: (classifier_file(p), p.write_bytes(p.read_bytes()[:300])),
                  lambda p: f"{p}: not a readable seqattr checkpoint (RuntimeError: PytorchStreamReader failed "
                            f"reading zip archive: failed finding central directory)"),
    "empty_file": (lambda p: p.write_bytes(b""),
                   lambda p: f"{p}: empty file, not a seqattr checkpoint"),
    "foreign_dict": (lambda p: torch.save({"weights": torch.zeros(2)}, p),
                     lambda p: f"{p}: not a seqattr checkpoint (needs keys format_version, model_name, model_config, "
                               f"input_length, n_classes, alphabet, dataset, state_dict)"),
    "old_format": (lambda p: (classifier_file(p), torch.save({**torch.load(p, weights_only=True), "format_version": 1}, p)),
                   lambda p: f"{p}: checkpoint format 1, expected 2 (retrain it)"),
}


@pytest.mark.parametrize("case", sorted(CLASSIFIER_CASES))
def test_wrong_classifier_checkpoint_is_refused_before_evaluation(case, encoded_dataset, tmp_path):
    make, message = CLASSIFIER_CASES[case]
    model_path = tmp_path / "cnn_r0_s0.pt"
    make(model_path)
    output = tmp_path / "metrics" / "cnn_r0_s0.tsv"
    with pytest.raises(InputError) as error:
        classify_steps.evaluate(model_path, encoded_dataset["train"], encoded_dataset["test"],
                                encoded_dataset["classes"], output, tmp_path / "p.tsv.gz", dataset="toy",
                                model="cnn")
    assert str(error.value) == message(model_path)
    assert not output.exists() and not (tmp_path / "p.tsv.gz").exists()


def test_pickled_code_in_a_classifier_checkpoint_is_never_run(encoded_dataset, tmp_path):
    model_path = tmp_path / "cnn_r0_s0.pt"
    pickled_module(model_path)
    with pytest.raises(InputError) as error:
        classify_steps.evaluate(model_path, encoded_dataset["train"], encoded_dataset["test"],
                                encoded_dataset["classes"], tmp_path / "m.tsv", tmp_path / "p.tsv.gz",
                                dataset="toy", model="cnn")
    assert str(error.value) == (f"{model_path}: not a readable seqattr checkpoint (UnpicklingError: it holds "
                                f"objects other than tensors and plain values, which are never loaded)")
    assert not (tmp_path / "m.tsv").exists()


def test_the_right_classifier_checkpoint_is_evaluated(encoded_dataset, tmp_path):
    model_path = tmp_path / "cnn_r0_s0.pt"
    classifier_file(model_path)
    table = classify_steps.evaluate(model_path, encoded_dataset["train"], encoded_dataset["test"],
                                    encoded_dataset["classes"], tmp_path / "m.tsv", tmp_path / "p.tsv.gz",
                                    dataset="toy", model="cnn")
    assert table["model"].tolist() == ["cnn", "cnn"] and table["n"].tolist() == [4, 20]


def generative_file(path, hidden=8, set_name="toy"):
    save_model(GenerativeLSTM(hidden), path, set_name=set_name)


def generative_expects(key, declared, wanted, path):
    return (f"{path}: checkpoint declares {key} {declared!r} but this job expects {wanted!r}; the file was made "
            f"for another model or set (retrain it)")


GENERATIVE_CASES = {
    "other_hidden_size": (lambda p: generative_file(p, hidden=16),
                          lambda p: generative_expects("hidden_size", 16, 8, p)),
    "other_set": (lambda p: generative_file(p, set_name="mason"),
                  lambda p: generative_expects("set", "mason", "toy", p)),
    "bare_state_dict_of_other_size": (lambda p: torch.save(GenerativeLSTM(4).state_dict(), p),
                                      lambda p: generative_expects("hidden_size", 4, 8, p)),
    "truncated": (lambda p: (generative_file(p), p.write_bytes(p.read_bytes()[:300])),
                  lambda p: f"{p}: not a readable generative LSTM checkpoint (RuntimeError: PytorchStreamReader "
                            f"failed reading zip archive: failed finding central directory)"),
    "empty_file": (lambda p: p.write_bytes(b""),
                   lambda p: f"{p}: empty file, not a generative LSTM checkpoint"),
    "a_folder": (lambda p: p.mkdir(),
                 lambda p: f"{p}: not a readable generative LSTM checkpoint (IsADirectoryError: [Errno 21] Is a "
                           f"directory: '{p}')"),
    "foreign_dict": (lambda p: torch.save({"weights": torch.zeros(2)}, p),
                     lambda p: f"{p}: not a generative LSTM checkpoint (no 'state_dict', and not a bare state_dict "
                               f"with 'lstm.weight_hh_l0')"),
    "dict_without_hidden_size": (lambda p: torch.save({"state_dict": GenerativeLSTM(8).state_dict()}, p),
                                 lambda p: f"{p}: not a seqattr generative checkpoint (lacks format_version, "
                                           f"model_name, alphabet, hidden_size, set)"),
    "a_tensor": (lambda p: torch.save(torch.zeros(3), p),
                 lambda p: f"{p}: not a generative LSTM checkpoint (holds a Tensor)"),
    "pickled_code": (pickled_module,
                     lambda p: f"{p}: not a readable generative LSTM checkpoint (UnpicklingError: it holds objects "
                               f"other than tensors and plain values, which are never loaded)"),
    "missing": (lambda p: None, lambda p: f"{p}: generative LSTM checkpoint not found"),
    "weights_of_another_shape": (
        lambda p: torch.save({**torch.load(generative_file(p) or p, weights_only=True),
                              "state_dict": {**GenerativeLSTM(8).state_dict(), "nn.bias": torch.zeros(5)}}, p),
        lambda p: f"{p}: weights do not fit a generative LSTM of hidden size 8 (Error(s) in loading state_dict "
                  f"for GenerativeLSTM:)"),
}


@pytest.mark.parametrize("case", sorted(GENERATIVE_CASES))
def test_wrong_generative_checkpoint_is_one_line_before_sampling(case, tmp_path):
    make, message = GENERATIVE_CASES[case]
    trained = tmp_path / "trained.pt"
    make(trained)
    sequences = tmp_path / "sequences.tsv.gz"
    write_table(pd.DataFrame({"id": ["s1", "s2"], "sequence": ["CARDY", "CARDW"]}), sequences)
    samples, summary = tmp_path / "samples.tsv.gz", tmp_path / "sample_summary.tsv"
    with pytest.raises(InputError) as error:
        generative_steps.sample(trained, sequences, samples, summary, n=4, temperature=1.0, max_length=8, seed=0,
                                set_name="toy", model={"hidden_size": 8})
    assert str(error.value) == message(trained)
    assert "weights_only=False" not in str(error.value)
    assert not samples.exists() and not summary.exists()


# --- Config -------------------------------------------------------------------------------

def config_with(**changes):
    import yaml

    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        section = config
        for parent in parents:
            section = section[parent]
        section[key] = value
    return config


CONFIG_CASES = {
    "n_eval_beyond_synthetic_test_split": (
        {"saliency__n_eval": 500},
        "saliency.n_eval: 500 is larger than the test split of synthetic_tiny (200 sequences); lower it or use null "
        "for the whole split"),
    "local_without_test": (
        {"datasets": {"mine": {"source": "local", "local": {"train": "x.fa"}}}},
        "datasets.mine.local: give either 'test' (a file) or 'test_fraction' (0 < f < 1)"),
    "test_fraction_out_of_range": (
        {"datasets": {"mine": {"source": "local", "local": {"train": "x.fa", "test_fraction": 1.5}}}},
        "config key datasets.mine.local.test_fraction: 1.5 is greater than or equal to the maximum of 1 (Without a "
        "test file: the share of train split off (stratified, seeded) as the test split.)"),
    "positions_beyond_length": (
        {"generative__sets__synthetic_tiny_and__positions": [3, 9]},
        "generative.sets.synthetic_tiny_and.positions: [3, 9] must lie in 1..8 (length)"),
    "no_gama_replicate": (
        {"gama__replicates": 0},
        "config key gama.replicates: 0 is less than the minimum of 1 (K model replicates per set (K >= 1): "
        "replicate k trains its own initial and trained model with seed generative.training.seed + k - 1 (the "
        "{replicate} wildcard, one job each); the set's profile is their mean with the sd over replicates.)"),
    "batch_larger_than_training_set": (
        {"classify__batch_size": 4096},
        "classify.batch_size: 4096 is larger than the 540 training sequences of dataset synthetic_tiny left after "
        "the validation split"),
    "seed_written_as_a_float": (
        {"classify__seeds": [1.0]},
        "config key classify.seeds.0: 1.0 is not an integer; write 1 (without the decimal point)"),
    "epochs_written_as_a_float": (
        {"classify__epochs": 2.0},
        "config key classify.epochs: 2.0 is not an integer; write 2 (without the decimal point)"),
    "synthetic_class_with_one_test_sequence": (
        {"datasets__synthetic_tiny__synthetic__n_test": 3},
        "datasets.synthetic_tiny.synthetic.n_test: 3 sequences over 2 classes leave 1 in the smallest class, fewer "
        "than 2 (each class needs 2 in train and in test: one test sequence gives a class an accuracy of 0 or 1); "
        "raise it to at least 4"),
    "positive_set_minimum_below_the_floor": (
        {"generative__sets__synthetic_tiny_and__min_size": 2},
        "config key generative.sets.synthetic_tiny_and.min_size: 2 is less than the minimum of 3 (Refuse smaller "
        "sets (counted after filtering). At least 3: GAMA gives NaN importances on 1 sequence and bootstrap "
        "intervals of zero width on 2, and intervals several times the largest importance on 3 and on 10 "
        "(record: gama_small_sets.interval_ratio.n3).)"),
    "synthetic_positive_set_below_its_minimum": (
        {"generative__sets__synthetic_tiny_and__n": 5},
        "generative.sets.synthetic_tiny_and.n: 5 sequences, fewer than generative.sets.synthetic_tiny_and.min_size "
        "= 10: GAMA's bootstrap intervals are several times the largest importance at 3 and at 10 sequences "
        "(docs/results.md#gama_small_sets.interval_ratio.n10)"),
    "held_out_fraction_holds_no_sequence": (
        {"generative__training__validation_fraction": 0.001},
        "generative.sets.synthetic_tiny_and.n: 400 sequences with generative.training.validation_fraction 0.001 "
        "hold out 0; the LSTM's held-out split needs at least 1 held out and 1 to train on (early stopping would "
        "watch the training NLL); raise the fraction or give more sequences"),
    "bootstrap_over_two_sequences": (
        {"gama__max_sequences": 2},
        "gama.max_sequences: 2 sequences are too few for gama.bootstrap = 20: a bootstrap over 2 sequences gives "
        "intervals of zero width and 1 sequence NaN importances (docs/results.md#gama_small_sets.interval_ratio.n2); "
        "use at least 3 or bootstrap: 0"),
    "set_size_in_exponent_notation": (
        {"datasets__synthetic_tiny__synthetic__n_train": 1e11},
        "config key datasets.synthetic_tiny.synthetic.n_train: 100000000000.0 is not an integer; write "
        "100000000000 (without the decimal point)"),
    "negative_attention_entropy_penalty": (
        {"classify__attention": {"concentration": "entropy", "entropy_penalty": -0.1}},
        "config key classify.attention.entropy_penalty: -0.1 is less than the minimum of 0 (Weight of the "
        "normalised entropy (0 on one position, 1 uniform) in the loss; read only with concentration entropy, which "
        "needs it above 0 (a value set for another concentration is refused).)"),
    "attention_temperature_of_zero": (
        {"classify__attention": {"concentration": "temperature", "temperature": 0}},
        "config key classify.attention.temperature: 0 is less than or equal to the minimum of 0 (Divides the "
        "attention logits (< 1 sharpens); read only with concentration temperature, which needs it other than 1 (a "
        "value set for another concentration is refused).)"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_bad_config_is_one_line_naming_the_key(case):
    changes, expected = CONFIG_CASES[case]
    with pytest.raises(ConfigError) as error:
        validate_config(config_with(**changes), REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert str(error.value) == expected




@pytest.mark.parametrize("changes, expected", [
    ({"datasets__synthetic_tiny__synthetic__n_train": 10**11},
     "datasets.synthetic_tiny.synthetic.n_train: 100000000000 sequences of 60 nt need about 6.3e+04 GB to import "
     "and encode, more than this machine's 16 GB of memory; lower it"),
    ({"generative__sets__synthetic_tiny_and__n": 10**11},
     "generative.sets.synthetic_tiny_and.n: 100000000000 sequences of 8 residues need about 2.14e+04 GB to import "
     "and encode, more than this machine's 16 GB of memory; lower it"),
])
def test_set_too_large_for_memory_is_refused_at_validation(changes, expected, monkeypatch):
    """The estimate is compared with the machine's memory, here pinned to 16 GB."""
    import seqattr.schema

    monkeypatch.setattr(seqattr.schema, "memory_bytes", lambda: 16 * 10**9)
    with pytest.raises(ConfigError) as error:
        validate_config(config_with(**changes), REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert str(error.value) == expected


CONFIG_FILE_CASES = {
    "empty": ("", "{path}: empty config file"),
    "only_a_comment": ("# nothing yet\n", "{path}: empty config file"),
    "yaml_syntax_error": ("run: x\ndatasets: [a\n  b: c\n",
                          "{path}: line 3, column 4: YAML syntax error (expected ',' or ']', but got ':')"),
    "tab_indentation": ("run: x\ndatasets:\n\tmine: {}\n",
                        "{path}: line 3, column 1: YAML syntax error (found character '\\t' that cannot start any "
                        "token)"),
    "a_list": ("- run\n- datasets\n", "{path}: a config is a mapping of keys (run:, datasets:, ...), not a list"),
    "latin1_byte": (b"run: test\nclassify: {models: [cnn]}  # \xe9\n",
                    "{path}: line 2, column 30: byte 0xe9 is not UTF-8 text"),
    "schema_error_names_the_file": (
        "run: test\ndatasets:\n  x:\n    source: nope\n",
        "{path}: config key datasets.x.source: 'nope' is not one of ['synthetic', 'local', 'genomic_benchmarks'] "
        "(synthetic (embedded generator), local (FASTA/CSV/TSV files) or genomic_benchmarks.)"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_FILE_CASES))
def test_bad_config_file_names_the_file_and_line(case, tmp_path):
    from seqattr.config import check_config_file

    content, expected = CONFIG_FILE_CASES[case]
    path = tmp_path / "run.yaml"
    write_files(tmp_path, {"run.yaml": content})
    with pytest.raises(ConfigError) as error:
        check_config_file(path)
    assert str(error.value) == expected.format(path=path)


def test_config_check_command_reports_the_file(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "run.yaml"
    path.write_text("")
    result = subprocess.run([sys.executable, "-m", "seqattr.config", str(path)], capture_output=True, text=True,
                            cwd=REPO, env={"PYTHONPATH": str(REPO / "src")})
    assert result.returncode == 1 and result.stderr.strip() == f"{path}: empty config file"
    good = subprocess.run([sys.executable, "-m", "seqattr.config", str(REPO / "config" / "test.yaml")],
                          capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "src")})
    assert good.returncode == 0 and good.stdout.strip().endswith("test.yaml: ok")


def test_corpus_count_is_the_one_the_docs_state():
    """The record (docs/record/, claim suite.bad_inputs.cases) states how many bad inputs this
    file checks: the case tables plus two cases with a test of their own (pickled code in a
    checkpoint; an empty config file through `python -m seqattr.config`)."""
    standalone = [test_pickled_code_in_a_classifier_checkpoint_is_never_run, test_config_check_command_reports_the_file]
    assert all(callable(test) for test in standalone)
    tables = (len(DNA_CASES) + len(PROTEIN_CASES) + len(CLASSIFIER_CASES) + len(GENERATIVE_CASES) + len(CONFIG_CASES)
              + len(CONFIG_FILE_CASES))
    value, _ = record.current_values(record.read_record(REPO / "docs" / "record"))["suite.bad_inputs.cases"]
    assert int(value) == tables + len(standalone), "the record's suite.bad_inputs.cases differs from this file's cases"


# --- The motifs stage's config (checked when workflow/rules/motifs.smk is read) -------------------
# Each case: the motifs section (a FASTA as {dir}/db.meme where it names one) and the
# exact message. Kept out of the corpus count above, which the record states.

MOTIF_CASES = {
    "jaspar_release_not_shipped": (
        {"classifiers": [{"model": "cnn", "methods": ["ig"]}], "jaspar_release": "JASPAR2099"},
        "motifs.jaspar_release: 'JASPAR2099' is not a JASPAR release that the installed pyjaspar ships; available: "
        "JASPAR2014, JASPAR2016, JASPAR2018, JASPAR2020, JASPAR2022, JASPAR2024, JASPAR2026"),
    "database_not_meme": (
        {"classifiers": [{"model": "cnn", "methods": ["ig"]}], "database": "{dir}/db.meme"},
        "{dir}/db.meme: not a MEME motif file (no 'MEME version' line at its start)"),
    "method_without_importance_maps": (
        {"classifiers": [{"model": "attngen", "methods": ["attention"]}]},
        "motifs.classifiers[0].methods: 'attention' reads the attention importance maps of attngen, which this run "
        "does not make (saliency.methods.attngen: ig); add attention there or use ism"),
}


@pytest.mark.parametrize("case", sorted(MOTIF_CASES))
def test_bad_motifs_config_is_one_line_naming_the_key_or_file(case, tmp_path):
    motifs, expected = MOTIF_CASES[case]
    (tmp_path / "db.meme").write_text(fasta([("s1", "ACGT")]))
    config = config_with(saliency__methods={"cnn": ["ig"], "attngen": ["ig"]})
    config["motifs"] = {key: value.format(dir=tmp_path) if isinstance(value, str) else value
                        for key, value in motifs.items()}
    with pytest.raises(ConfigError) as error:
        validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert str(error.value) == expected.format(dir=tmp_path)


# --- Through the workflow -----------------------------------------------------------------

@pytest.mark.workflow
def test_workflow_stops_at_import_on_an_empty_label(tmp_path):
    import yaml

    from conftest import snakemake

    train = tmp_path / "mine.csv"
    train.write_text(csv(good_rows(8) + [("x9", "", "ACGTACGTACGTACGTACGT")]))
    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config["datasets"] = {"mine": {"source": "local", "length": 20,
                                   "local": {"train": str(train), "test_fraction": 0.25}}}
    config_path = tmp_path / "mine.yaml"
    config_path.write_text(yaml.safe_dump(config))
    # The target first: --configfile takes every following word as a config file.
    result = snakemake("results/test/encoded/mine/train.npz", "--configfile", str(config_path), workdir=tmp_path,
                       check=False)
    assert result.returncode != 0
    assert (f"{train}: record 'mine_17' (line 18) has an empty or missing 'label'; every sequence needs a class "
            f"label") in result.stdout + result.stderr
    assert not (tmp_path / "results" / "test" / "data" / "mine").exists() or not any(
        (tmp_path / "results" / "test" / "data" / "mine").iterdir())


@pytest.mark.workflow
def test_workflow_refuses_a_checkpoint_of_another_model(test_run, tmp_path):
    """An AttnGen file at the CNN's path: the evaluation fails naming the file, instead of
    a metrics table without a CNN row."""
    import shutil

    from conftest import snakemake

    workdir = tmp_path / "run"
    shutil.copytree(test_run.parents[1], workdir, symlinks=True)
    models = workdir / "results" / "test" / "models" / "synthetic_tiny"
    shutil.copyfile(models / "attngen_r0.2_s0.pt", models / "cnn_r0_s0.pt")
    metrics = workdir / "results" / "test" / "metrics" / "synthetic_tiny" / "cnn_r0_s0.tsv"
    result = snakemake(str(metrics.relative_to(workdir)), "--configfile", str(REPO / "config" / "test.yaml"),
                       workdir=workdir, check=False)
    assert result.returncode != 0
    assert ("results/test/models/synthetic_tiny/cnn_r0_s0.pt: checkpoint declares model_name 'attngen' but this "
            "job expects 'cnn'; the file was made for another model or dataset (retrain it)") in (result.stdout
                                                                                                  + result.stderr)
    assert not metrics.exists()


def test_make_run_checks_the_config_file_before_snakemake_reads_it(tmp_path):
    """`make run CONFIG=...` names the file and line of a YAML error; Snakemake's own message
    (it parses --configfile before the workflow starts) names neither."""
    import shutil
    import subprocess

    if shutil.which("make") is None or not (REPO / ".venv" / ".installed").exists():
        pytest.skip("needs make and the project's .venv (make test builds it)")
    path = tmp_path / "run.yaml"
    path.write_text("run: x\n  bad: [1,\n")
    result = subprocess.run(["make", "-s", "-C", str(REPO), "run", f"CONFIG={path}", "CORES=1"], capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert f"{path}: line 2, column 6: YAML syntax error (mapping values are not allowed here)" in result.stderr
    assert "snakemake" not in result.stdout + result.stderr.replace(str(REPO), "")
