import gzip
from pathlib import Path

import pandas as pd
import pytest

from seqattr import InputError
from seqattr.data import genomic_benchmarks, local
from seqattr.data.canonical import read_classes, read_split, stratified_split, write_splits, labelled_frame
from seqattr.data.sources import load_dataset


def distinct(i: int, length: int = 8) -> str:
    """The i-th of 4**length distinct DNA sequences (base-4 digits of i)."""
    return "".join("ACGT"[(i >> (2 * k)) & 3] for k in range(length))


def write(path: Path, text: str, gzipped: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if gzipped:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def fasta(records):
    return "".join(f">{rid} label={label}\n{seq}\n" for rid, label, seq in records)


TRAIN = [("a1", "enh", "ACGTAC"), ("a2", "enh", "ACGTTT"), ("b1", "bg", "TTTTAA"), ("b2", "bg", "GGGCCC")]
# Two per class: every class needs at least 2 sequences in train and in test (seqattr.minimums).
TEST = [("a3", "enh", "ACGAAC"), ("b3", "bg", "TTGGAA"), ("a4", "enh", "ACGACC"), ("b4", "bg", "TTGGCA")]


@pytest.mark.parametrize("gzipped", [False, True])
def test_fasta_with_label_field_plain_and_gzip(tmp_path, gzipped):
    suffix = ".fa.gz" if gzipped else ".fa"
    write(tmp_path / f"train{suffix}", fasta(TRAIN), gzipped)
    write(tmp_path / f"test{suffix}", fasta(TEST), gzipped)
    splits = local.load({"train": f"train{suffix}", "test": f"test{suffix}"}, tmp_path)
    assert splits.classes == ["bg", "enh"]
    assert splits.train["id"].tolist() == ["a1", "a2", "b1", "b2"]
    assert splits.test["label"].tolist() == ["enh", "bg", "enh", "bg"]


def test_one_fasta_file_per_class(tmp_path):
    # Four per class: a fraction split leaves each class at least 2 on each side.
    write(tmp_path / "enh.fa", ">x1\nACGT\n>x2\nAAAA\n>x3\nACGA\n>x4\nAATA\n")
    write(tmp_path / "bg.fa", ">y1\nCCCC\n>y2\nGGGG\n>y3\nCCGC\n>y4\nGGCG\n")
    splits = local.load({"train": {"enh": "enh.fa", "bg": "bg.fa"}, "test_fraction": 0.5, "split_seed": 1}, tmp_path)
    assert sorted(splits.train["label"]) == ["bg", "bg", "enh", "enh"]
    assert sorted(splits.test["label"]) == ["bg", "bg", "enh", "enh"]


def test_table_with_configured_columns_and_split(tmp_path):
    rows = "\n".join(f"s{i},{distinct(i)},{'pos' if i % 2 else 'neg'}" for i in range(20))
    write(tmp_path / "all.csv", "name,seq,cls\n" + rows + "\n")
    cfg = {"train": "all.csv", "test_fraction": 0.25, "split_seed": 0, "sequence_column": "seq",
           "label_column": "cls", "id_column": "name"}
    splits = local.load(cfg, tmp_path)
    assert len(splits.train) == 16 and len(splits.test) == 4
    assert splits.test["label"].value_counts().to_dict() == {"neg": 2, "pos": 2}
    again = local.load(cfg, tmp_path)
    assert again.test["id"].tolist() == splits.test["id"].tolist()  # seeded


def test_stratified_split_is_seeded_and_disjoint():
    frame = labelled_frame([f"s{i}" for i in range(100)], ["a"] * 60 + ["b"] * 40, [distinct(i) for i in range(100)])
    train, test = stratified_split(frame, 0.2, seed=5)
    assert len(test) == 20 and test["label"].value_counts().to_dict() == {"a": 12, "b": 8}
    assert not set(train["id"]) & set(test["id"])
    assert stratified_split(frame, 0.2, seed=5)[1]["id"].tolist() == test["id"].tolist()
    assert stratified_split(frame, 0.2, seed=6)[1]["id"].tolist() != test["id"].tolist()


def test_stratified_split_keeps_copies_of_a_sequence_on_one_side():
    """PCR-style duplicates (and case variants) of one sequence never span train and test."""
    sequences = [distinct(i % 30) for i in range(90)]  # each sequence three times
    sequences = [s.lower() if i % 2 else s for i, s in enumerate(sequences)]
    labels = ["a" if i % 30 < 15 else "b" for i in range(90)]
    frame = labelled_frame([f"s{i}" for i in range(90)], labels, sequences)
    for seed in range(5):
        train, test = stratified_split(frame, 0.2, seed=seed)
        assert not set(train["sequence"].str.upper()) & set(test["sequence"].str.upper())
        assert len(test) == 18 and test["label"].value_counts().to_dict() == {"a": 9, "b": 9}


def test_stratified_split_without_copies_is_the_plain_permutation():
    """With every sequence distinct the grouped split is the per-class permutation it
    replaced, so existing splits (the enhancers run's) stay what they were."""
    import numpy as np

    frame = labelled_frame([f"s{i}" for i in range(50)], ["a", "b"] * 25, [distinct(i) for i in range(50)])
    rng = np.random.default_rng(3)
    expected = []
    for label in ("a", "b"):
        rows = np.flatnonzero((frame["label"] == label).to_numpy())
        expected.extend(rng.permutation(rows)[:round(0.2 * len(rows))])
    assert stratified_split(frame, 0.2, seed=3)[1]["id"].tolist() == frame["id"][sorted(expected)].tolist()


def test_stratified_split_refuses_a_class_of_too_few_distinct_sequences():
    frame = labelled_frame([f"s{i}" for i in range(20)], ["a"] * 10 + ["b"] * 10,
                           ["ACGT"] * 10 + [distinct(i) for i in range(10)])
    with pytest.raises(InputError) as error:
        stratified_split(frame, 0.25, seed=0, source="all.csv")
    assert str(error.value) == ("all.csv: class 'a': its 10 sequences are 1 distinct ones, too few to keep every "
                                "copy of a sequence on one side of a split with test_fraction 0.25 (each side "
                                "needs at least 2); add sequences or give a separate test file")


@pytest.mark.parametrize(
    "train_text, test_text, message",
    [
        ("", fasta(TEST), "train.fa: no FASTA records"),
        (fasta(TRAIN + [("a1", "enh", "ACGT")]), fasta(TEST), "duplicate record id 'a1'"),
        (fasta(TRAIN), fasta([("a1", "enh", "ACGT"), ("b3", "bg", "ACGT")]), "duplicate record id 'a1'"),
        (fasta(TRAIN), fasta([("a3", "enh", "ACGT"), ("c3", "other", "ACGT")]), "train and test label sets differ"),
        (fasta(TRAIN[:2] + [("b1", "bg", "ACGU")]), fasta(TEST), "record 'b1', position 4: invalid character 'U'"),
        (">a1\nACGT\n", fasta(TEST), "record 'a1' (number 1) has no 'label=<class>' field"),
        (fasta([("a1", "enh", "ACGT"), ("a2", "enh", "ACGA")]), fasta([("a3", "enh", "ACGT")]), "at least two classes"),
    ],
)
def test_bad_local_input_gives_one_clear_error(tmp_path, train_text, test_text, message):
    write(tmp_path / "train.fa", train_text)
    write(tmp_path / "test.fa", test_text)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        local.load({"train": "train.fa", "test": "test.fa"}, tmp_path)


def test_configured_class_with_no_sequences(tmp_path):
    write(tmp_path / "train.fa", fasta(TRAIN))
    write(tmp_path / "test.fa", fasta(TEST))
    with pytest.raises(InputError, match="labels \\['bg'\\] are not among the configured classes"):
        local.load({"train": "train.fa", "test": "test.fa", "classes": ["enh", "x"]}, tmp_path)
    with pytest.raises(InputError, match="class 'x' has no sequences in the training data"):
        local.load({"train": "train.fa", "test": "test.fa", "classes": ["enh", "bg", "x"]}, tmp_path)


def test_missing_column_and_empty_table(tmp_path):
    write(tmp_path / "t.tsv", "id\tsequence\nx\tACGT\n")
    with pytest.raises(InputError, match="t.tsv: missing column 'label'"):
        local.load({"train": "t.tsv", "test_fraction": 0.5, "split_seed": 0}, tmp_path)
    write(tmp_path / "e.tsv", "")
    with pytest.raises(InputError, match="e.tsv: empty file"):
        local.load({"train": "e.tsv", "test_fraction": 0.5, "split_seed": 0}, tmp_path)
    with pytest.raises(InputError, match="nothere.fa: file not found"):
        local.load({"train": "nothere.fa", "test_fraction": 0.5, "split_seed": 0}, tmp_path)


def make_benchmark_folder(root: Path, name: str) -> Path:
    """A small dataset in the genomic-benchmarks layout <split>/<class>/<id>.txt."""
    for split, n in (("train", 3), ("test", 2)):
        for label, base in (("human", "ACGT"), ("worm", "TTAA")):
            for i in range(n):
                write(root / name / split / label / f"{i}.txt", base * 5 + "\n")
    return root


def test_genomic_benchmarks_cached_folder_is_converted(tmp_path):
    make_benchmark_folder(tmp_path / "cache", "demo_human_or_worm")
    splits = load_dataset({"source": "genomic_benchmarks",
                           "genomic_benchmarks": {"name": "demo_human_or_worm", "cache_dir": str(tmp_path / "cache")}})
    assert splits.classes == ["human", "worm"]
    assert len(splits.train) == 6 and len(splits.test) == 4
    assert splits.train["id"].tolist()[:2] == ["human_0", "human_1"]
    assert set(splits.train["sequence"]) == {"ACGT" * 5, "TTAA" * 5}
    (tmp_path / "out").mkdir()
    write_splits(splits, *(tmp_path / "out" / name for name in ("train.tsv.gz", "test.tsv.gz", "classes.json")))
    assert read_split(tmp_path / "out" / "train.tsv.gz").equals(splits.train)
    assert read_classes(tmp_path / "out" / "classes.json") == ["human", "worm"]


def test_genomic_benchmarks_download_failure_names_dataset_cache_and_fix(tmp_path, monkeypatch):
    import genomic_benchmarks.loc2seq as loc2seq

    def offline(*args, **kwargs):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(loc2seq, "download_dataset", offline)
    with pytest.raises(InputError) as error:
        genomic_benchmarks.load({"name": "demo_human_or_worm", "cache_dir": str(tmp_path)})
    message = str(error.value)
    assert "'demo_human_or_worm'" in message and str(tmp_path / "demo_human_or_worm") in message
    assert "cache_dir" in message and "source: local" in message and "\n" not in message


def test_genomic_benchmarks_empty_class_folder(tmp_path):
    make_benchmark_folder(tmp_path, "ds")
    for path in (tmp_path / "ds" / "test" / "worm").iterdir():
        path.unlink()
    with pytest.raises(InputError, match="class 'worm' has no sequences"):
        genomic_benchmarks.load({"name": "ds", "cache_dir": str(tmp_path)})


# --- genome coordinates kept through import ------------------------------------------

def test_genomic_benchmarks_interval_lists_give_each_record_its_coordinates(tmp_path):
    """The package's interval lists (<split>/<class>.csv.gz: id, region, start, end,
    strand) beside the cached class folders: each record gets the row of its file's id."""
    root = make_benchmark_folder(tmp_path / "cache", "ds")
    for split, n in (("train", 3), ("test", 2)):
        for k, label in enumerate(("human", "worm")):
            rows = "".join(f"{i},chr{k + 1},{100 * i},{100 * i + 20},{'+-'[i % 2]}\n" for i in reversed(range(n)))
            write(root / "ds" / split / f"{label}.csv.gz", "id,region,start,end,strand\n" + rows, gzipped=True)
    splits = load_dataset({"source": "genomic_benchmarks", "genomic_benchmarks": {"name": "ds",
                                                                                  "cache_dir": str(root)}})
    train = splits.train.set_index("id")
    assert train.loc["worm_1", ["chrom", "start", "end", "strand"]].tolist() == ["chr2", 100, 120, "-"]
    assert train.loc["human_2", ["chrom", "start", "end", "strand"]].tolist() == ["chr1", 200, 220, "+"]
    (tmp_path / "out").mkdir()
    write_splits(splits, *(tmp_path / "out" / name for name in ("train.tsv.gz", "test.tsv.gz", "classes.json")))
    back = read_split(tmp_path / "out" / "train.tsv.gz")
    assert list(back.columns) == ["id", "label", "sequence", "chrom", "start", "end", "strand"]
    assert back.equals(splits.train)


def test_genomic_benchmarks_without_interval_lists_have_no_coordinates(tmp_path):
    make_benchmark_folder(tmp_path / "cache", "ds")
    splits = genomic_benchmarks.load({"name": "ds", "cache_dir": str(tmp_path / "cache")})
    assert list(splits.train.columns) == ["id", "label", "sequence"]


def test_local_table_and_fasta_coordinates_are_kept(tmp_path):
    rows = "".join(f"{rid},{label},{seq},chr{i % 2 + 1},{10 * i},{10 * i + len(seq)},{'+-'[i % 2]}\n"
                   for i, (rid, label, seq) in enumerate(TRAIN + TEST))
    write(tmp_path / "t.csv", "id,label,sequence,chrom,start,end,strand\n" + rows)
    splits = local.load({"train": "t.csv", "test_fraction": 0.5, "split_seed": 0, "id_column": "id"}, tmp_path)
    both = pd.concat([splits.train, splits.test]).set_index("id")
    assert both.loc["b1", ["chrom", "start", "end", "strand"]].tolist() == ["chr1", 20, 26, "+"]
    assert both.loc["a2", ["chrom", "start", "end", "strand"]].tolist() == ["chr2", 10, 16, "-"]
    records = "".join(f">chr3:{5 * i}-{5 * i + len(seq)}{'(-)' if i % 2 else ''} label={label}\n{seq}\n"
                      for i, (_, label, seq) in enumerate(TRAIN))
    write(tmp_path / "t.fa", records)
    fa = local.read_fasta(tmp_path / "t.fa")
    assert fa[["chrom", "start", "end", "strand"]].values.tolist()[:2] == [["chr3", 0, 6, "+"], ["chr3", 5, 11, "-"]]
    assert fa["id"].tolist()[0] == "chr3:0-6"
    plain = local.read_fasta(write(tmp_path / "p.fa", fasta(TRAIN)))
    assert list(plain.columns) == ["id", "label", "sequence"]


def test_a_test_file_without_the_coordinates_of_the_training_file_is_refused(tmp_path):
    rows = "".join(f"{rid},{label},{seq},chr1,0,{len(seq)},+\n" for rid, label, seq in TRAIN)
    write(tmp_path / "train.csv", "id,label,sequence,chrom,start,end,strand\n" + rows)
    write(tmp_path / "test.fa", fasta(TEST))
    with pytest.raises(InputError, match=r"record 'a3' has no genome coordinates but others have; give chrom, "
                                         r"start, end, strand for every record or for none"):
        local.load({"train": "train.csv", "test": "test.fa", "split_seed": 0, "id_column": "id"}, tmp_path)


def test_genomic_benchmarks_interval_list_without_a_records_row_is_named(tmp_path):
    root = make_benchmark_folder(tmp_path / "cache", "ds")
    write(root / "ds" / "train" / "human.csv", "id,region,start,end,strand\n0,chr1,0,20,+\n2,chr1,40,60,+\n")
    with pytest.raises(InputError, match=r"ds/train/human.csv: has no row for record '1' \(.*ds/train/human/1.txt; "
                                         r"1 records without one\)"):
        genomic_benchmarks.load({"name": "ds", "cache_dir": str(root)})
    write(root / "ds" / "train" / "human.csv", "id,region,start,end,strand\n0,chr1,0,20,+\n1,chr1,40,60,x\n"
                                               "2,chr1,40,60,+\n")
    with pytest.raises(InputError, match=r"ds/train/human.csv: record '1' \(line 3\), column 'strand': 'x' is not a "
                                         r"strand \(\+ or -\)$"):
        genomic_benchmarks.load({"name": "ds", "cache_dir": str(root)})
