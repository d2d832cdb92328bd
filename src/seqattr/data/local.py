"""Local files: FASTA (plain or gzip) and CSV/TSV tables of labelled sequences."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import zlib
from pathlib import Path

import pandas as pd

from seqattr import InputError
from seqattr.data.canonical import (
    LabelledSplits,
    check_classes,
    check_split,
    labelled_frame,
    stratified_split,
)
from seqattr.data.coordinates import COORDINATE_COLUMNS, check_all_or_none, checked_coordinates, fasta_location

# FASTA header grammar: `>ID FIELD FIELD ...`, fields separated by `|` or white space; a
# field `key=value` sets a key (its value ends at the next separator), `label=<class>`
# the record's class. The record id is the first word, less any `|key=value` fields
# glued to it (`>r1|label=a|rep1` is record r1 of class a).
HEADER_SEPARATOR = re.compile(r"[|\s]+")
FASTA_SUFFIXES = {".fa", ".fasta", ".fna", ".fas"}
TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t", ".txt": "\t"}


GZIP_MAGIC = b"\x1f\x8b"


def read_text(path: Path) -> str:
    """The text of a plain or gzip file (told apart by the magic bytes, not the name).

    Read whole and decoded here, so that a truncated or corrupt gzip, a byte-order mark
    or a byte that is not UTF-8 is one InputError naming the file (and for a bad byte its
    line, column and FASTA record) instead of a zlib, EOF or Unicode error from a parser.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise InputError(f"{path}: truncated or corrupt gzip file ({error}); re-download or re-compress it") from None
    if raw.startswith(codecs.BOM_UTF8):
        raise InputError(f"{path}: starts with a UTF-8 byte-order mark (BOM); save the file without one "
                         f"(plain ASCII or UTF-8)")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{path}: UTF-16 text (byte-order mark 0x{raw[0]:02x} 0x{raw[1]:02x}); save it as UTF-8 "
                         f"or plain ASCII")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: {byte_location(raw, nul)}: NUL byte (UTF-16 text without a "
                         f"byte-order mark, or not a text file); save it as UTF-8 or plain ASCII")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: {byte_location(raw, error.start)}: byte 0x{raw[error.start]:02x} is not "
                         f"text (not ASCII or UTF-8)") from None
    if "\r" in text and "\n" not in text:
        # A table parser would see one long line, a FASTA parser one record.
        raise InputError(f"{path}: lines end in CR only (classic Mac OS line endings), so the file reads as one "
                         f"line; convert them to LF (e.g. tr '\\r' '\\n')")
    return text


def byte_location(raw: bytes, offset: int) -> str:
    """'line L, column C' of a byte offset (1-based), after the FASTA record it falls in, if any."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    where = f"line {line}, column {offset - line_start + 1}"
    header = 0 if raw.startswith(b">") else raw.find(b"\n>") + 1
    if header == 0 and not raw.startswith(b">") or header > offset:
        return where
    header = max(raw.rfind(b"\n>", 0, offset) + 1, 0)
    header_end = raw.find(b"\n", header)
    words = raw[header + 1:header_end if header_end >= 0 else len(raw)].split()
    record = words[0].decode("utf-8", errors="replace") if words else ""
    return f"record {record!r}, {where}"


def read_delimited(path: Path, sep: str) -> pd.DataFrame:
    """A CSV/TSV file (plain or gzip) as strings; an empty file or a row with more fields
    than the header is one InputError naming the file (and the line)."""
    import csv

    text = read_text(path)
    header = next(csv.reader(io.StringIO(text[:text.find("\n") + 1 or None]), delimiter=sep), [])
    seen = {}
    for column, name in enumerate(header, start=1):
        if name in seen:
            # pandas would rename the second to 'name.1' and the first would be used silently.
            raise InputError(f"{path}: column {name!r} appears twice in the header (columns {seen[name]} and "
                             f"{column}); rename or remove one")
        seen[name] = column
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: empty file") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[0].removeprefix("Error tokenizing data. C error: ")
        raise InputError(f"{path}: not a well-formed {'CSV' if sep == ',' else 'TSV'} table ({detail})") from None


def open_text(path: Path):
    """A text handle on a plain or gzip file; decoding problems raised as by `read_text`."""
    return io.StringIO(read_text(path))


def file_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in FASTA_SUFFIXES:
        return "fasta"
    if suffix in TABLE_SEPARATORS:
        return "table"
    raise InputError(f"{path}: cannot tell the format from the name; use .fa/.fasta or .csv/.tsv (optionally .gz)")


def parse_fasta(path: Path) -> list:
    """The records (Biopython SeqRecords) of a plain or gzip FASTA file; one InputError
    naming the file (and the line or record) for text before the first header or a
    header without a name."""
    # Imported here: the Snakefile imports this module (input_files) while parsing, and
    # Biopython's import would then be paid by every `snakemake` call.
    from Bio import SeqIO

    text = read_text(path)
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not line.startswith(">"):
                raise InputError(f"{path}: line {number}: {line[:20]!r} comes before the first '>' header "
                                 f"(not FASTA, or text above the first record)")
            break
    if not text.isascii():
        check_ascii_sequences(path, text)
    records = list(SeqIO.parse(io.StringIO(text), "fasta"))
    for number, record in enumerate(records, start=1):
        if not record.id:
            raise InputError(f"{path}: record number {number} has an empty header (no name after '>')")
    return records


def check_ascii_sequences(path: Path, text: str) -> None:
    """InputError at the first non-ASCII character of a sequence line (Biopython keeps
    sequences as ASCII bytes and would fail without naming the file)."""
    record, position = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(">"):
            record, position = (line[1:].split() or [""])[0], 0
            continue
        residues = line.strip()
        if not residues.isascii():
            column = next(i for i, char in enumerate(residues) if not char.isascii())
            raise InputError(f"{path}: record {record!r}, position {position + column + 1} (line {number}): "
                             f"invalid character {residues[column]!r} (sequences are ASCII letters)")
        position += len(residues)


def record_id(first_word: str) -> str:
    """The id of a header's first word: the word less any `|key=value` fields glued to it."""
    fields = first_word.split("|")
    kept = next((i for i, field in enumerate(fields) if "=" in field), len(fields))
    return "|".join(fields[:kept]) or first_word


def header_label(path: Path, record: str, number: int, description: str) -> str:
    """The value of the header's one `label=` field; an InputError naming the record for
    none, an empty one, two that differ, or a value that holds another '='."""
    values = [field[len("label="):] for field in HEADER_SEPARATOR.split(description)[1:]
              if field.startswith("label=")]
    where = f"{path}: record {record!r} (number {number})"
    if not values:
        raise InputError(f"{where} has no 'label=<class>' field in its header")
    if len(set(values)) > 1:
        raise InputError(f"{where}: its header has {len(values)} 'label=' fields ({', '.join(map(repr, values))}); "
                         f"give one (fields are separated by '|' or spaces)")
    value = values[0]
    if not value or "=" in value:
        raise InputError(f"{where}: its header's label field 'label={value}' is ambiguous (empty, or holding "
                         f"another '='); write label=<class>, fields separated by '|' or spaces")
    return value


def read_fasta(path: Path, label: str | None = None) -> pd.DataFrame:
    """Records of a FASTA file; the label is `label` or the header's `label=<class>` field
    (the header grammar is above `HEADER_SEPARATOR`)."""
    ids, labels, sequences, locations = [], [], [], []
    for number, record in enumerate(parse_fasta(path), start=1):
        name = record_id(record.id)
        record_label = label if label is not None else header_label(path, name, number, record.description)
        ids.append(name)
        labels.append(record_label)
        sequences.append(str(record.seq))
        locations.append(fasta_location(name))
    if not ids:
        raise InputError(f"{path}: no FASTA records (empty file or not FASTA)")
    frame = labelled_frame(ids, labels, sequences)
    return with_fasta_coordinates(frame, locations, path)


def with_fasta_coordinates(frame: pd.DataFrame, locations: list, path: Path) -> pd.DataFrame:
    """The records with the coordinates of their `chrom:start-end(strand)` ids, checked,
    when any id is one: then every id must be."""
    if not any(locations):
        return frame
    without = next(i for i, location in enumerate(locations + [None]) if location is None)
    if without < len(locations):
        first = next(i for i, location in enumerate(locations) if location)
        raise InputError(f"{path}: record {frame['id'].iloc[without]!r} (number {without + 1}) has no "
                         f"chrom:start-end(strand) id but record {frame['id'].iloc[first]!r} has; give coordinates "
                         f"in every record's id or in none")
    for column in COORDINATE_COLUMNS:
        frame[column] = [location[column] for location in locations]
    return checked_coordinates(frame, lambda row: f"{path}: record {frame['id'].iloc[row]!r} (number {row + 1})")


def read_table_file(path: Path, sequence_column: str, label_column: str | None, id_column: str | None,
                    label: str | None = None, prefix: str | None = None) -> pd.DataFrame:
    """A CSV/TSV of labelled sequences. Without `id_column` the ids are `<prefix>_<row>`
    (prefix: the file's name without extensions, unless given)."""
    suffix = [s.lower() for s in path.suffixes if s.lower() != ".gz"][-1]
    frame = read_delimited(path, TABLE_SEPARATORS[suffix])
    wanted = [sequence_column] + ([label_column] if label is None else []) + ([id_column] if id_column else [])
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}; columns are {list(frame.columns)}")
    if len(frame) == 0:
        raise InputError(f"{path}: no rows (empty file)")
    # A row with fewer fields than the header gives NaN in the missing cells.
    frame = frame.fillna("")
    if id_column:
        ids = frame[id_column].str.strip()
        empty = (ids == "").to_numpy().nonzero()[0]
        if len(empty):
            raise InputError(f"{path}: line {int(empty[0]) + 2} has an empty id in column {id_column!r} "
                             f"({len(empty)} rows without one); every record needs an id")
    else:
        prefix = prefix or path.name.split(".")[0]
        ids = [f"{prefix}_{i + 1}" for i in range(len(frame))]
    if label is not None:
        labels = [label] * len(frame)
    else:
        labels = frame[label_column].str.strip()
        empty = (labels == "").to_numpy().nonzero()[0]
        if len(empty):
            row = int(empty[0])
            raise InputError(f"{path}: record {str(list(ids)[row])!r} (line {row + 2}) has an empty or missing "
                             f"{label_column!r}; every sequence needs a class label")
    labelled = labelled_frame(ids, labels, frame[sequence_column].str.strip())
    present = [column for column in COORDINATE_COLUMNS if column in frame.columns]
    if not present:
        return labelled
    if len(present) < len(COORDINATE_COLUMNS):
        absent = [column for column in COORDINATE_COLUMNS if column not in present]
        raise InputError(f"{path}: has coordinate column{'s' if len(present) > 1 else ''} "
                         f"{', '.join(map(repr, present))} but no {absent[0]!r}; give all of "
                         f"{', '.join(COORDINATE_COLUMNS)} or none")
    for column in COORDINATE_COLUMNS:
        labelled[column] = frame[column].to_numpy()
    return checked_coordinates(labelled, lambda row: f"{path}: record {str(labelled['id'].iloc[row])!r} "
                                                     f"(line {row + 2})")


def read_labelled(source, cfg: dict, base: Path, prefixes: dict | None = None) -> pd.DataFrame:
    """One split: a single file, or a mapping class -> file (one file per class)."""
    prefixes = prefixes or {}
    if isinstance(source, dict):
        for label in source:
            if not str(label).strip() or str(label) != str(label).strip():
                raise InputError(f"class name {str(label)!r} (the file {source[label]}): class names must be "
                                 f"non-empty, without leading or trailing spaces")
        parts = [read_labelled_file(base / path, cfg, label=str(label), prefix=prefixes.get(base / path))
                 for label, path in source.items()]
        return pd.concat(parts, ignore_index=True)
    return read_labelled_file(base / source, cfg, prefix=prefixes.get(base / source))


def read_labelled_file(path: Path, cfg: dict, label: str | None = None, prefix: str | None = None) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if file_format(path) == "fasta":
        return read_fasta(path, label)
    return read_table_file(path, cfg.get("sequence_column", "sequence"), cfg.get("label_column", "label"),
                           cfg.get("id_column"), label, prefix)


def id_prefixes(paths) -> dict:
    """The prefix of each file's generated ids: its path relative to the files' common
    folder, without extensions, '/' as '_' (train/seqs.csv and test/seqs.csv give
    train_seqs and test_seqs; train.csv and test.csv side by side give train and test)."""
    paths = [Path(p) for p in paths]
    if not paths:
        return {}
    common = Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths]))
    prefixes = {}
    for path in paths:
        parts = Path(os.path.abspath(path.parent)).relative_to(common).parts + (path.name.split(".")[0],)
        prefixes[path] = "_".join(parts)
    return prefixes


def describe(source) -> str:
    return ", ".join(map(str, source.values())) if isinstance(source, dict) else str(source)


def load(cfg: dict, base: Path = Path(".")) -> LabelledSplits:
    """Train and test from `cfg`: separate files, or one split by a seeded stratified fraction."""
    prefixes = id_prefixes(base / path for path in input_files(cfg))
    train = read_labelled(cfg["train"], cfg, base, prefixes)
    check_split(train, describe(cfg["train"]))
    if cfg.get("test"):
        test = read_labelled(cfg["test"], cfg, base, prefixes)
        check_split(test, describe(cfg["test"]))
    else:
        train, test = stratified_split(train, cfg["test_fraction"], cfg["split_seed"], describe(cfg["train"]))
    source = describe(cfg["train"]) + (f" / {describe(cfg['test'])}" if cfg.get("test") else "")
    both = pd.concat([train, test], ignore_index=True)
    check_split(both, source)  # an id in both files is a duplicate too
    check_all_or_none(both, source)
    classes = check_classes(train, test, cfg.get("classes"), source)
    return LabelledSplits(train, test, classes)


def input_files(cfg: dict) -> list[str]:
    """Every local file a dataset reads, so that Snakemake reruns when one changes."""
    files = []
    for key in ("train", "test"):
        source = cfg.get(key)
        if isinstance(source, dict):
            files.extend(map(str, source.values()))
        elif source:
            files.append(str(source))
    return files
