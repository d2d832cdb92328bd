"""The data stage's steps, one per rule: files in, files out. Sources and encoding live
in `sources`, `canonical` and `encoding`; the overview in `summary`."""

from __future__ import annotations

import logging

from seqattr.data.canonical import check_classes, read_classes, read_split, write_splits
from seqattr.data.encoding import check_fits, encode_split, save_encoded
from seqattr.data.hygiene import check_set, check_splits
from seqattr.data.local import describe
from seqattr.data.sources import load_dataset
from seqattr.data.summary import overview_figure, summary_table
from seqattr.errors import InputError
from seqattr.figures import save_figure
from seqattr.input_lengths import length_problem
from seqattr.io import read_table, write_table

log = logging.getLogger(__name__)


def prepare(train_path, test_path, classes_path, motifs_path=None, *, spec: dict, name: str,
            saliency: dict | None = None, classify: dict | None = None, encoding: dict | None = None,
            hygiene: dict | None = None, hygiene_path=None) -> None:
    """A dataset from its config entry (synthetic, local or genomic-benchmarks) as canonical files.

    What the later stages would find wrong with the data is refused here, before any
    classifier is trained: the data-hygiene check (`hygiene`, the config section: copies
    across the split, conflicting labels, ...; its table goes to `hygiene_path`); with
    `saliency`, a test split smaller than saliency.n_eval when any model is attributed; with
    `classify`, an encoded length that a configured model cannot take; with `encoding`, a
    sequence longer than the dataset's length when cropping is off.
    """
    splits = load_dataset(spec)
    splits, table = check_hygiene(splits, hygiene, f"dataset {name} ({dataset_files(spec)})")
    log.info("%s: %d train, %d test sequences, classes %s", name, len(splits.train), len(splits.test),
             splits.classes)
    check_evaluation_fits(splits, saliency or {}, name)
    check_models_fit(splits, classify or {}, spec.get("length"), name)
    check_lengths_fit(splits, encoding or {}, spec, name)
    write_splits(splits, train_path, test_path, classes_path, motifs_path)
    if hygiene_path is not None:
        write_table(table, hygiene_path)


def check_hygiene(splits, hygiene: dict | None, source: str):
    """(splits after the hygiene policies, the hygiene table); a planted-motif table keeps
    the rows of the sequences that remain."""
    import dataclasses

    train, test, table = check_splits(splits.train, splits.test, hygiene, source)
    for _, finding in table[table["action"].str.startswith("dropped")].iterrows():
        log.warning("%s: %s (%s): %d sequences dropped (hygiene policy drop)", source, finding["check"],
                    finding["split"], finding["sequences"])
    for _, finding in table[(table["policy"] == "warn") & (table["sequences"] > 0)].iterrows():
        log.warning("%s: %s (%s): %d sequences, kept (hygiene policy warn)", source, finding["check"],
                    finding["split"], finding["sequences"])
    if len(train) == len(splits.train) and len(test) == len(splits.test):
        return splits, table
    check_classes(train, test, splits.classes, source)  # a class dropped entirely is an error, as on import
    motifs = splits.motifs
    if motifs is not None:
        motifs = motifs[motifs["id"].isin(set(train["id"]) | set(test["id"]))].reset_index(drop=True)
    return dataclasses.replace(splits, train=train, test=test, motifs=motifs), table


def dataset_files(spec: dict) -> str:
    """The dataset's input for messages: its file(s), else its source."""
    if spec["source"] != "local":
        return dataset_source(spec, "train").removesuffix(" train split")
    local = spec["local"]
    return describe(local["train"]) + (f" / {describe(local['test'])}" if local.get("test") else "")


def check_lengths_fit(splits, encoding: dict, spec: dict, name: str) -> None:
    """With encoding.crop none, every sequence must fit the dataset's length."""
    if encoding.get("crop") != "none" or spec.get("length") is None:
        return
    for split, frame in (("train", splits.train), ("test", splits.test)):
        check_fits(list(frame["sequence"]), int(spec["length"]), f"dataset {name} ({dataset_source(spec, split)})",
                   ids=list(frame["id"]))


def dataset_source(spec: dict, split: str) -> str:
    """Where a split's sequences come from, for messages: the local file(s), else the source."""
    if spec["source"] == "local":
        local = spec["local"]
        return describe(local[split] if local.get(split) else local["train"])
    return f"{spec['source']} {split} split"


def check_models_fit(splits, classify: dict, length: int | None, name: str) -> None:
    """Each configured classifier must take the length the encoding will give (the
    dataset's `length`, else the longest training sequence): a model that cannot fails
    now, not when its training job starts."""
    if not classify.get("models"):
        return
    length = int(length or splits.train["sequence"].str.len().max())
    for model in classify["models"]:
        problem = length_problem(model, classify.get(model), length)
        if problem:
            raise InputError(f"dataset {name}: sequences are encoded to length {length}, which model {model} "
                             f"cannot take ({problem}); set datasets.{name}.length or change classify.{model}")


def check_evaluation_fits(splits, saliency: dict, name: str) -> None:
    n_eval = saliency.get("n_eval")
    if n_eval is None or not any((saliency.get("methods") or {}).values()):
        return
    if n_eval > len(splits.test):
        raise InputError(f"dataset {name}: saliency.n_eval is {n_eval} but the test split has only "
                         f"{len(splits.test)} sequences; lower saliency.n_eval (or null for the whole split)")


def encode(train_path, test_path, classes_path, train_out, test_out, *, length: int | None, crop: str = "centre",
           ambiguous: str = "zero") -> int:
    """Encode a canonical train/test pair; L defaults to the longest training sequence."""
    classes = read_classes(classes_path)
    train, test = read_split(train_path), read_split(test_path)
    if length is None:
        length = int(train["sequence"].str.len().max())
    for frame, source, out in ((train, train_path, train_out), (test, test_path, test_out)):
        save_encoded(encode_split(frame, classes, length, crop, ambiguous, str(source)), out)
    return length


def summarise(train_path, test_path, classes_path, table_path, png, pdf, *, name: str, motifs_path=None) -> None:
    """The dataset's summary table and overview figure."""
    classes = read_classes(classes_path)
    splits = {"train": read_split(train_path), "test": read_split(test_path)}
    motifs = read_table(motifs_path) if motifs_path else None
    write_table(summary_table(splits, classes), table_path)
    save_figure(overview_figure(splits, classes, motifs, f"Dataset {name}"), png, pdf)


def set_hygiene(sequences_path, hygiene_path) -> None:
    """The hygiene table of a generative set (its sequences.tsv.gz): exact duplicates,
    which the LSTM's held-out split keeps on one side, and the distinct sequences."""
    table = check_set(read_table(sequences_path, dtype={"id": str, "sequence": str}))
    write_table(table, hygiene_path)
