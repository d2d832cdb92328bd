"""The data-hygiene check (src/seqattr/data/hygiene.py): its table, its policies, the
grouped splits, unique ids across files, and one line on the terminal for a failed job."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch

from seqattr.data import local, steps
from seqattr.data.canonical import labelled_frame
from seqattr.data.hygiene import check_splits, grouped_held_out, near_duplicate_rows
from seqattr.io import read_table

from conftest import REPO

RNG = np.random.default_rng(26)


def random_dna(n, length):
    return ["".join(row) for row in RNG.choice(list("ACGT"), size=(n, length))]


def mutate(sequence, positions):
    return "".join(("A" if base != "A" else "C") if i in positions else base for i, base in enumerate(sequence))


def leaky_files(tmp_path):
    train = random_dna(12, 40)
    test = [train[0].lower(), mutate(train[1], {5})] + random_dna(4, 40)
    labels = ["a", "b"] * 6
    (tmp_path / "train.fa").write_text("".join(f">r{i} label={c}\n{s}\n" for i, (c, s) in enumerate(zip(labels, train))))
    (tmp_path / "test.fa").write_text("".join(f">t{i} label={c}\n{s}\n" for i, (c, s) in enumerate(zip(labels, test))))
    return {"source": "local", "local": {"train": str(tmp_path / "train.fa"), "test": str(tmp_path / "test.fa")}}


def test_drop_removes_test_copies_and_the_table_says_so(tmp_path):
    out = tmp_path / "out"
    steps.prepare(out / "train.tsv.gz", out / "test.tsv.gz", out / "classes.json", spec=leaky_files(tmp_path),
                  name="toy", hygiene={"cross_split": "drop", "near_duplicates": "drop"},
                  hygiene_path=out / "hygiene.tsv")
    assert read_table(out / "test.tsv.gz")["id"].tolist() == ["t2", "t3", "t4", "t5"]
    table = read_table(out / "hygiene.tsv").fillna("").set_index(["check", "split"])
    leak = table.loc[("exact_duplicates", "test in train")]
    assert (leak["sequences"], leak["action"], leak["example"]) == (1, "dropped from test", "t0 = r0")
    near = table.loc[("near_duplicates (identity >= 0.95)", "test in train")]
    assert (near["sequences"], near["action"], near["example"]) == (1, "dropped from test", "t1 ~ r1")
    assert table.loc[("sequences", "test"), "sequences"] == 4


def test_warn_keeps_copies_and_counts_them(tmp_path):
    out = tmp_path / "out"
    steps.prepare(out / "train.tsv.gz", out / "test.tsv.gz", out / "classes.json", spec=leaky_files(tmp_path),
                  name="toy", hygiene={"cross_split": "warn"}, hygiene_path=out / "hygiene.tsv")
    assert len(read_table(out / "test.tsv.gz")) == 6
    table = read_table(out / "hygiene.tsv").fillna("")
    assert table[table["action"] == "kept"]["sequences"].sum() == 12 + 6 + 2  # all rows, one copy, one near-copy


def test_conflicting_labels_dropped_everywhere():
    train = labelled_frame(["a1", "b1", "a2", "b2"], ["a", "b", "a", "b"], ["AAAA", "aaaa", "CCCC", "GGGG"])
    test = labelled_frame(["a3", "b3"], ["a", "b"], ["TTTT", "GCGC"])
    train, test, table = check_splits(train, test, {"conflicting_labels": "drop"}, "x")
    assert train["id"].tolist() == ["a2", "b2"] and len(test) == 2
    assert table.iloc[0]["example"] == "a1 (a) = b1 (b)"


def test_near_duplicates_match_an_all_pairs_count():
    """The pigeonhole search finds exactly the pairs an all-against-all comparison finds."""
    train = random_dna(300, 30)
    test = random_dna(100, 30)
    for i in range(0, 100, 7):  # 0, 1 or 2 mismatches against a training sequence (identity 0.93 to 1)
        test[i] = mutate(train[i], set(RNG.choice(30, size=i % 3, replace=False)))
    train_key, test_key = pd.Series(train), pd.Series(test)
    near = near_duplicate_rows(train_key, test_key, 0.95)[0]
    codes = lambda seqs: np.array([list(s) for s in seqs])  # noqa: E731
    mismatches = (codes(test)[:, None, :] != codes(train)[None, :, :]).sum(axis=2)
    expected = ((mismatches > 0) & (mismatches <= 1)).any(axis=1)
    assert near.tolist() == expected.tolist() and near.sum() >= 4


def test_generated_ids_are_unique_across_files_of_one_name(tmp_path):
    for split in ("train", "test"):
        (tmp_path / split).mkdir()
        rows = "".join(f"{c},{s}\n" for c, s in zip("abab", random_dna(4, 12)))
        (tmp_path / split / "seqs.csv").write_text("label,sequence\n" + rows)
    splits = local.load({"train": "train/seqs.csv", "test": "test/seqs.csv"}, tmp_path)
    assert splits.train["id"].tolist()[:2] == ["train_seqs_1", "train_seqs_2"]
    assert splits.test["id"].tolist()[:2] == ["test_seqs_1", "test_seqs_2"]


def test_fasta_header_fields_after_a_bar_end_the_label(tmp_path):
    (tmp_path / "train.fa").write_text(">r1|label=a|rep1\nACGT\n>r2 label=b rep2\nACGA\n>r3|label=a\nAAAA\n"
                                       ">r4 x=1|label=b\nCCCC\n")
    frame = local.read_fasta(tmp_path / "train.fa")
    assert frame["id"].tolist() == ["r1", "r2", "r3", "r4"] and frame["label"].tolist() == ["a", "b", "a", "b"]


def test_generative_held_out_split_keeps_copies_on_one_side():
    sequences = [f"CAR{'DEFGHIKLMN'[i % 10]}Y" for i in range(60)]
    order, n_val = grouped_held_out(sequences, 0.2, torch.Generator().manual_seed(0))
    held, kept = {sequences[i] for i in order[:n_val]}, {sequences[i] for i in order[n_val:]}
    assert not held & kept and n_val == 12 and sorted(order.tolist()) == list(range(60))
    distinct = [f"S{i}" for i in range(40)]
    order, n_val = grouped_held_out(distinct, 0.2, torch.Generator().manual_seed(3))
    assert order.tolist() == torch.randperm(40, generator=torch.Generator().manual_seed(3)).tolist() and n_val == 8


def test_generative_set_hygiene_counts_repeats(tmp_path):
    from seqattr.io import write_table

    write_table(pd.DataFrame({"id": ["s1", "s2", "s3"], "sequence": ["CARDY", "CARDW", "CARDY"]}),
                tmp_path / "sequences.tsv.gz")
    steps.set_hygiene(tmp_path / "sequences.tsv.gz", tmp_path / "hygiene.tsv")
    table = read_table(tmp_path / "hygiene.tsv").fillna("")
    assert table[["sequences", "distinct", "example"]].values.tolist() == [[1, 1, "s3 = s1"], [3, 2, ""]]


JOB = """
import sys
from seqattr import InputError
from seqattr.workflow import logged
with logged(sys.argv[1]) as log:
    log.info("reading")
    raise InputError("data.fa: record 'x', position 3: invalid character 'X'")
"""


@pytest.mark.parametrize("log_name, stderr", [
    ("logs/job.log", "InputError: data.fa: record 'x', position 3: invalid character 'X' (full log: {log})"),
    ("a_file/job.log", "FileExistsError: cannot create the job's log {log} (File exists)"),
])
def test_a_failed_job_prints_one_line_and_its_log_keeps_the_traceback(tmp_path, log_name, stderr):
    (tmp_path / "a_file").write_text("")
    log = tmp_path / log_name
    result = subprocess.run([sys.executable, "-c", JOB, str(log)], capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO / "src")})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [stderr.format(log=log)]
    if log_name.startswith("logs"):
        assert "Traceback (most recent call last)" in log.read_text()


def test_nan_importances_are_an_error_never_ranked(tmp_path):
    from seqattr import InputError
    from seqattr.gama import steps as gama_steps

    profile = pd.DataFrame({"mode": ["exact"] * 2, "readout": ["full"] * 2, "metric": ["gama"] * 2,
                            "reduction": ["input"] * 2, "position": [1, 2], "importance": [0.5, float("nan")],
                            "replicate": [1, 1]})
    path = tmp_path / "profile.tsv"
    profile.to_csv(path, sep="\t", index=False)
    with pytest.raises(InputError) as error:
        gama_steps.summarise([path], [], [], tmp_path / "out.tsv", tmp_path / "matrix.tsv", set_name="one")
    assert str(error.value) == (f"{path}: set one: the importance of position 2 (mode exact, readout full, metric "
                                f"gama, reduction input) is nan (1 rows not finite); a set this small or this uniform "
                                f"cannot be scored, give more (and more varied) sequences")
    assert not (tmp_path / "out.tsv").exists()


def test_a_lock_on_the_results_folder_is_found_and_named(tmp_path):
    from seqattr.workflow import lock_message, results_lock_holder

    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.output.lock").write_text("results/other/data/x/train.tsv.gz\n")
    assert results_lock_holder("results/demo", tmp_path) is None
    (locks / "1.output.lock").write_text(f"{tmp_path}/results/demo/data/x/train.tsv.gz\n")
    lock = results_lock_holder("results/demo", tmp_path)
    assert lock == str(locks / "1.output.lock")
    assert lock_message("results/demo", ".snakemake/locks/1.output.lock") == (
        "another snakemake run holds the lock on results/demo/ (.snakemake/locks/1.output.lock): wait for it to "
        "finish. If no run is alive (it was killed), remove the stale lock with `snakemake --unlock` and rerun with "
        "--rerun-incomplete")


@pytest.mark.parametrize("argv, locks", [
    (["snakemake", "--cores", "2"], True),
    (["snakemake", "all", "-c1", "--configfile", "config/test.yaml"], True),
    (["snakemake", "-np"], False),
    (["snakemake", "--cores", "1", "--dry-run"], False),
    (["snakemake", "--unlock"], False),
    (["snakemake", "--lint"], False),
    (["snakemake", "--report=report.zip"], False),
    (["python", "-m", "snakemake", "--nolock", "--ignore-incomplete"], False),  # a spawned job
])
def test_only_runs_that_execute_jobs_check_the_lock(argv, locks):
    from seqattr.workflow import takes_lock

    assert takes_lock(argv) is locks
