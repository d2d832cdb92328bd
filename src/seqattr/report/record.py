"""The record: every measured claim of the project as rows of data in `docs/record/`.

    python -m seqattr.report.record check
    python -m seqattr.report.record append --run results/<run> --command "..." [--claim ID ...]
        [--config PATH] [--machine "..."] [--allow-dirty]
    python -m seqattr.report.record append --rows bench_output.tsv --command "..." [...]

`check` validates the record and every citation of it in README.md and docs/*.md (and
every `record: <claim.id>` reference in code and config); `append` adds one row per claim
from a finished run's tables (the claims whose `source` names a run table) or from a
bench script's TSV, marks each claim's previous row superseded, and rewrites only the
topic files it changed, all or none. The format is in docs/record/README.md.

The functions below take and return tables of strings (pandas DataFrames whose index is
the row's line number in its file, so that every error names file, line and column);
reading and writing files is confined to `read_record`, `write_record` and `main`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from seqattr.io import atomic_path

TOPIC_COLUMNS = ("topic", "title", "intro")
CLAIM_COLUMNS = ("claim", "title", "unit", "paper", "source")
ROW_COLUMNS = ("claim", "value", "low", "high", "interval", "command", "config", "commit", "date", "machine",
               "origin", "status", "note")
#: the columns of a bench script's output for `append --rows`; the first two are required
BENCH_COLUMNS = ("claim", "value", "low", "high", "interval", "note")
#: row fields that may be empty; every other field of a measurement must be filled
OPTIONAL_ROW_FIELDS = {"low", "high", "interval", "config", "note"}

UNITS = ("fraction", "percent", "points", "seconds", "minutes", "hours", "MB", "GB", "count", "ratio",
         "correlation", "auc", "nats", "per_second", "text")
ORIGINS = ("carried_over", "appended")
STATUSES = ("current", "superseded")

TOPIC_ID = re.compile(r"[a-z0-9_]+")
CLAIM_ID = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")
COMMIT = re.compile(r"[0-9a-f]{7,40}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")

RUN_SOURCE = re.compile(
    r"results/(?P<run>\{run\}|[A-Za-z0-9_.-]+)/(?P<table>[^:\[\]\s]+):"
    r"(?P<columns>[^:\[\],\s]+(?:,[^:\[\],\s]+,[^:\[\],\s]+)?)(?:\[(?P<filters>[^\[\]]*)\])?")
BENCH_SOURCE = re.compile(r"bench/[A-Za-z0-9_]+\.py")

#: where `check` looks for citations (beside README.md), and the pages it leaves alone
#: because the generator writes them (tests/test_docs.py compares them with the record)
GENERATED_PAGES = ("results.md", "history.md")
#: where `record: <claim.id>` references to the record may stand (code, config, schema)
REFERENCE_FOLDERS = ("src", "workflow", "config", "bench", "profiles")
REFERENCE_SUFFIXES = {".py", ".smk", ".yaml", ".yml", ".md"}
#: the folders whose uncommitted changes make a measurement's commit a lie
MEASURED_CODE = ("src", "workflow", "config")


class RecordError(ValueError):
    """A record that cannot be used: one line per problem, each naming file, line and column."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Record:
    """The record's tables: topics.tsv, claims.tsv and each topic's measurements (`<topic>.tsv`,
    keyed by the file's stem); `where` is the folder named in error messages."""

    topics: pd.DataFrame
    claims: pd.DataFrame
    measurements: dict[str, pd.DataFrame]
    where: str = "docs/record"

    def file(self, stem: str) -> str:
        return f"{self.where}/{stem}.tsv"


# --- reading and checking -------------------------------------------------------------------------


def parse_table(text: str, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """A TSV's rows as strings, indexed by line number (the header is line 1); the header
    must be `columns` and every line must have one field per column."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise RecordError([f"{name}:1: empty file; expected the header {' '.join(columns)} (tab-separated)"])
    header = tuple(lines[0].split("\t"))
    if header != columns:
        wrong = next((i for i, (got, want) in enumerate(zip(header, columns)) if got != want),
                     min(len(header), len(columns)))
        got = header[wrong] if wrong < len(header) else "(missing)"
        want = columns[wrong] if wrong < len(columns) else "(nothing)"
        raise RecordError([f"{name}:1: column {wrong + 1} of the header is {got!r}, expected {want!r} "
                           f"(the columns are: {', '.join(columns)})"])
    problems, records = [], []
    for number, line in enumerate(lines[1:], 2):
        fields = line.split("\t")
        if len(fields) != len(columns):
            problems.append(f"{name}:{number}: {len(fields)} tab-separated fields, expected {len(columns)} "
                            f"({', '.join(columns)})")
        else:
            records.append(fields)
    if problems:
        raise RecordError(problems)
    index = pd.RangeIndex(2, 2 + len(records), name="line")
    return pd.DataFrame(records, columns=list(columns), index=index, dtype=object)


def format_table(frame: pd.DataFrame, columns: tuple[str, ...]) -> str:
    """`frame` as the record's TSV text (header line, one line per row, final newline)."""
    lines = ["\t".join(columns)] + ["\t".join(str(row[c]) for c in columns) for _, row in frame.iterrows()]
    return "\n".join(lines) + "\n"


def read_record(directory: str | os.PathLike, where: str | None = None) -> Record:
    """topics.tsv, claims.tsv and every other `*.tsv` of `directory` (a topic's measurements)."""
    directory = Path(directory)
    where = where or directory.as_posix()
    problems, tables = [], {}
    paths = {"topics": directory / "topics.tsv", "claims": directory / "claims.tsv"}
    paths |= {p.stem: p for p in sorted(directory.glob("*.tsv")) if p.stem not in paths}
    for stem, path in paths.items():
        columns = {"topics": TOPIC_COLUMNS, "claims": CLAIM_COLUMNS}.get(stem, ROW_COLUMNS)
        name = f"{where}/{path.name}"
        if not path.is_file():
            problems.append(f"{name}:1: no such file")
            continue
        try:
            tables[stem] = parse_table(path.read_text(encoding="utf-8"), name, columns)
        except RecordError as error:
            problems += error.problems
    if problems:
        raise RecordError(problems)
    topics, claims = tables.pop("topics"), tables.pop("claims")
    return Record(topics, claims, tables, where)


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(text))


def is_date(text: str) -> bool:
    if not DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def topic_of(claim: str) -> str:
    return claim.split(".", 1)[0]


def record_errors(record: Record, bench_scripts: set[str] | None = None) -> list[str]:
    """Every problem of the record, one line each (file:line: column: what is wrong); empty
    when the record is sound. `bench_scripts` (e.g. {"bench/gama_speed.py"}), where given,
    are the bench scripts a claim's `source` may name."""
    problems: list[str] = []
    problems += _field_errors(record)
    topics = _topic_errors(record, problems)
    units = _claim_errors(record, topics, bench_scripts, problems)
    _measurement_errors(record, topics, units, problems)
    return problems


def _field_errors(record: Record) -> list[str]:
    """Tabs or line breaks inside a field, which would break the file's rows when written."""
    tables = {"topics": record.topics, "claims": record.claims, **record.measurements}
    return [f"{record.file(stem)}:{line}: {column}: a tab or line break inside the field"
            for stem, frame in tables.items() for line, row in frame.iterrows() for column, text in row.items()
            if re.search(r"[\t\r\n]", str(text))]


def _topic_errors(record: Record, problems: list[str]) -> dict[str, int]:
    """Checks topics.tsv; returns each topic's line."""
    name, seen = record.file("topics"), {}
    claim_topics = {topic_of(claim) for claim in record.claims["claim"]}
    for line, row in record.topics.iterrows():
        topic = row["topic"]
        if not TOPIC_ID.fullmatch(topic):
            problems.append(f"{name}:{line}: topic: {topic!r} is not [a-z0-9_]+")
        elif topic in seen:
            problems.append(f"{name}:{line}: topic: {topic!r} is also on line {seen[topic]}")
        elif topic not in claim_topics:
            problems.append(f"{name}:{line}: topic: no claim of claims.tsv belongs to {topic!r}")
        seen.setdefault(topic, line)
        for column in ("title", "intro"):
            if not row[column].strip():
                problems.append(f"{name}:{line}: {column}: empty")
    return seen


def _claim_errors(record: Record, topics: dict[str, int], bench_scripts: set[str] | None,
                  problems: list[str]) -> dict[str, str]:
    """Checks claims.tsv; returns each claim's unit."""
    name, seen, units = record.file("claims"), {}, {}
    measured = {claim for frame in record.measurements.values() for claim in frame["claim"]}
    for line, row in record.claims.iterrows():
        claim = row["claim"]
        if not CLAIM_ID.fullmatch(claim):
            problems.append(f"{name}:{line}: claim: {claim!r} is not topic.part[.part...] of [a-z0-9_]")
            continue
        if claim in seen:
            problems.append(f"{name}:{line}: claim: {claim!r} is also on line {seen[claim]}")
            continue
        seen[claim] = line
        if topic_of(claim) not in topics:
            problems.append(f"{name}:{line}: claim: its topic {topic_of(claim)!r} is not in topics.tsv")
        if not row["title"].strip():
            problems.append(f"{name}:{line}: title: empty")
        if row["unit"] not in UNITS:
            problems.append(f"{name}:{line}: unit: {row['unit']!r} is not one of {', '.join(UNITS)}")
        else:
            units[claim] = row["unit"]
        try:
            source = parse_source(row["source"])
        except ValueError as error:
            problems.append(f"{name}:{line}: source: {error}")
        else:
            if isinstance(source, BenchSource) and bench_scripts is not None and source.script not in bench_scripts:
                problems.append(f"{name}:{line}: source: {source.script} does not exist")
        if claim not in measured:
            problems.append(f"{name}:{line}: claim: {claim!r} has no row in {record.file(topic_of(claim))}")
    return units


def _measurement_errors(record: Record, topics: dict[str, int], units: dict[str, str], problems: list[str]) -> None:
    known = set(record.claims["claim"])
    for stem, frame in record.measurements.items():
        name = record.file(stem)
        if stem not in topics:
            problems.append(f"{name}:1: topic: {stem!r} is not a topic of topics.tsv")
        current: dict[str, list[int]] = {}
        for line, row in frame.iterrows():
            claim = row["claim"]
            if claim not in known:
                problems.append(f"{name}:{line}: claim: {claim!r} is not in claims.tsv")
            elif topic_of(claim) != stem:
                problems.append(f"{name}:{line}: claim: {claim!r} belongs in {record.file(topic_of(claim))}")
            problems += _row_errors(name, line, row, units.get(claim))
            if row["status"] == "current":
                current.setdefault(claim, []).append(line)
        for claim in dict.fromkeys(frame["claim"]):
            lines = current.get(claim, [])
            if len(lines) != 1:
                at = f"lines {', '.join(map(str, lines))}" if lines else "none"
                problems.append(f"{name}:{frame.index[frame['claim'] == claim][0]}: status: {claim!r} needs "
                                f"exactly one current row ({at})")


def _row_errors(name: str, line: int, row: pd.Series, unit: str | None) -> list[str]:
    """The problems of one measurement row; `unit` is its claim's (None when unknown)."""
    problems = [f"{name}:{line}: {column}: empty" for column in ROW_COLUMNS
                if column not in OPTIONAL_ROW_FIELDS and not str(row[column]).strip()]
    at = f"{name}:{line}"
    if unit == "text":
        problems += [f"{at}: {column}: a text claim has no interval bounds" for column in ("low", "high")
                     if row[column]]
    elif unit is not None:
        for column in ("value", "low", "high"):
            if row[column] and not is_number(row[column]):
                problems.append(f"{at}: {column}: {row[column]!r} is not a number (unit {unit})")
        numbers = {c: Decimal(row[c]) for c in ("value", "low", "high") if row[c] and is_number(row[c])}
        if "low" in numbers and "value" in numbers and numbers["low"] > numbers["value"]:
            problems.append(f"{at}: low: {row['low']} is above the value {row['value']}")
        if "high" in numbers and "value" in numbers and numbers["high"] < numbers["value"]:
            problems.append(f"{at}: high: {row['high']} is below the value {row['value']}")
    if row["commit"] and not COMMIT.fullmatch(row["commit"]):
        problems.append(f"{at}: commit: {row['commit']!r} is not a commit hash (7 to 40 lowercase hex digits)")
    if row["date"] and not is_date(row["date"]):
        problems.append(f"{at}: date: {row['date']!r} is not a date YYYY-MM-DD")
    if row["origin"] and row["origin"] not in ORIGINS:
        problems.append(f"{at}: origin: {row['origin']!r} is not one of {', '.join(ORIGINS)}")
    if row["status"] and row["status"] not in STATUSES:
        problems.append(f"{at}: status: {row['status']!r} is not one of {', '.join(STATUSES)}")
    return problems


def check_record(record: Record, bench_scripts: set[str] | None = None) -> Record:
    """`record`, or a RecordError listing its problems."""
    problems = record_errors(record, bench_scripts)
    if problems:
        raise RecordError(problems)
    return record


def all_measurements(record: Record) -> pd.DataFrame:
    """Every row of every topic file, with the topic (file stem) and line as columns, in
    topics.tsv order and then file order."""
    order = list(record.topics["topic"])
    stems = sorted(record.measurements, key=lambda s: (order.index(s) if s in order else len(order), s))
    frames = [record.measurements[s].reset_index().assign(topic=s) for s in stems]
    if not frames:
        return pd.DataFrame(columns=["line", *ROW_COLUMNS, "topic"])
    return pd.concat(frames, ignore_index=True)


def current_rows(record: Record) -> pd.DataFrame:
    """The current row of each claim, indexed by claim id (a sound record has exactly one)."""
    rows = all_measurements(record)
    return rows[rows["status"] == "current"].set_index("claim")


def current_values(record: Record) -> dict[str, tuple[str, str]]:
    """claim id -> (its current value, its unit), for the citation checker."""
    units = dict(zip(record.claims["claim"], record.claims["unit"]))
    return {claim: (row["value"], units.get(claim, "")) for claim, row in current_rows(record).iterrows()}


# --- where a new value comes from -------------------------------------------------------------------


@dataclass(frozen=True)
class RunSource:
    """`results/{run}/<table>:<column>[,<low>,<high>][<col>=<value>;...]`; `run` None for `{run}`
    (any run), or the one run whose tables it reads."""

    run: str | None
    table: str
    column: str
    low: str | None = None
    high: str | None = None
    filters: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class BenchSource:
    script: str


def parse_source(text: str) -> RunSource | BenchSource | None:
    """A claim's `source`: None when empty; ValueError naming what is malformed."""
    if not text:
        return None
    if BENCH_SOURCE.fullmatch(text):
        return BenchSource(text)
    match = RUN_SOURCE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is neither results/{{run}}/<table>:<column>[<col>=<value>;...] "
                         "nor bench/<script>.py")
    if ".." in match["table"].split("/"):
        raise ValueError(f"{text!r}: the table must lie inside the run folder")
    columns = match["columns"].split(",")
    filters = []
    if match["filters"] is not None:
        for part in match["filters"].split(";"):
            column, equals, value = part.partition("=")
            if not equals or not column:
                raise ValueError(f"{text!r}: the filter part {part!r} is not <column>=<value>")
            if column in dict(filters):
                raise ValueError(f"{text!r}: the filter names {column!r} twice")
            filters.append((column, value))
    run = None if match["run"] == "{run}" else match["run"]
    low, high = (columns[1], columns[2]) if len(columns) == 3 else (None, None)
    return RunSource(run, match["table"], columns[0], low, high, tuple(filters))


def _same(cell: str, wanted: str) -> bool:
    """A table cell equals a filter value: as text, as a number (0.1 = 0.10) or as a boolean."""
    if cell == wanted:
        return True
    if is_number(cell) and is_number(wanted):
        return Decimal(cell) == Decimal(wanted)
    return cell.lower() in ("true", "false") and cell.lower() == wanted.lower()


def rows_matching(table: pd.DataFrame, source: RunSource, name: str) -> pd.DataFrame:
    """The rows of a run table that the source's filter keeps; ValueError for a column the
    table lacks (the source no longer fits the workflow's tables)."""
    named = [source.column, source.low, source.high, *(column for column, _ in source.filters)]
    missing = [column for column in named if column and column not in table.columns]
    if missing:
        raise ValueError(f"{name}: no column {', '.join(map(repr, missing))} (columns: {', '.join(table.columns)})")
    keep = pd.Series(True, index=table.index)
    for column, wanted in source.filters:
        keep &= table[column].astype(str).map(lambda cell: _same(cell, wanted))
    return table[keep]


def value_from_table(table: pd.DataFrame, source: RunSource, name: str, unit: str) -> dict[str, str]:
    """{value, low, high} of the one row the source's filter leaves in `table` (the run table
    `name`, read as strings); ValueError unless exactly one row is left and its cells are
    numbers (text for a `text` claim)."""
    chosen = rows_matching(table, source, name)
    where = f"{name}[{';'.join(f'{c}={v}' for c, v in source.filters)}]" if source.filters else name
    if len(chosen) != 1:
        raise ValueError(f"{where}: the filter leaves {len(chosen)} rows, expected exactly 1")
    row = chosen.iloc[0]
    found = {"value": str(row[source.column]), "low": "", "high": ""}
    if source.low:
        found |= {"low": str(row[source.low]), "high": str(row[source.high])}
    for key, column in (("value", source.column), ("low", source.low), ("high", source.high)):
        if column and unit != "text" and not is_number(found[key]):
            raise ValueError(f"{where}: {column} is {found[key]!r}, not a number")
        if column and not found[key]:
            raise ValueError(f"{where}: {column} is empty")
    return found


# --- appending ----------------------------------------------------------------------------------------


def append(record: Record, new: pd.DataFrame) -> tuple[Record, list[str]]:
    """The record with `new` (ROW_COLUMNS, status and origin filled by the caller) added to
    its topics' files, each claim's previous current row marked superseded; and the topics
    changed. ValueError for an unknown claim, a claim twice in `new`, or a row identical to
    the claim's current one (the same run appended twice)."""
    known = set(record.claims["claim"])
    repeated = new["claim"][new["claim"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"claims given twice: {', '.join(repeated)}")
    unknown = [claim for claim in new["claim"] if claim not in known]
    if unknown:
        raise ValueError(f"not in {record.file('claims')}: {', '.join(unknown)}")
    same = ("value", "low", "high", "command", "config", "commit", "machine")
    measurements = {stem: frame.copy() for stem, frame in record.measurements.items()}
    changed: list[str] = []
    for _, row in new.iterrows():
        stem = topic_of(row["claim"])
        frame = measurements.get(stem, pd.DataFrame(columns=list(ROW_COLUMNS), dtype=object))
        previous = frame.index[(frame["claim"] == row["claim"]) & (frame["status"] == "current")]
        for line in previous:
            if all(str(frame.at[line, c]) == str(row[c]) for c in same):
                raise ValueError(f"{record.file(stem)}:{line}: {row['claim']} already has this row (the same run "
                                 "appended twice?)")
        frame.loc[previous, "status"] = "superseded"
        line = int(frame.index.max()) + 1 if len(frame) else 2
        frame.loc[line] = [str(row[c]) for c in ROW_COLUMNS]
        frame.index.name = "line"
        measurements[stem] = frame
        changed += [stem] if stem not in changed else []
    return Record(record.topics, record.claims, measurements, record.where), changed


def measurement_rows(found: pd.DataFrame, *, command: str, config: str, commit: str, date: str, machine: str,
                     note: str = "") -> pd.DataFrame:
    """New record rows (ROW_COLUMNS) from `found` (claim, value and optionally low, high,
    interval, note): appended, current, with the given provenance; `note` is added to each."""
    rows = []
    for _, item in found.iterrows():
        notes = [str(item.get("note", "") or ""), note]
        rows.append({"claim": item["claim"], "value": item["value"], "low": item.get("low", "") or "",
                     "high": item.get("high", "") or "", "interval": item.get("interval", "") or "",
                     "command": command, "config": config, "commit": commit, "date": date, "machine": machine,
                     "origin": "appended", "status": "current", "note": "; ".join(n for n in notes if n)})
    return pd.DataFrame(rows, columns=list(ROW_COLUMNS), dtype=object)


def write_record(record: Record, directory: str | os.PathLike, stems: Iterable[str]) -> None:
    """Rewrite the topic files `stems` of the record in `directory`: each goes to a temporary
    file first, and the files are renamed into place only once all are written, so a
    failure leaves every file as it was."""
    with contextlib.ExitStack() as stack:
        for stem in stems:
            tmp = stack.enter_context(atomic_path(Path(directory) / f"{stem}.tsv"))
            tmp.write_text(format_table(record.measurements[stem], ROW_COLUMNS), encoding="utf-8")


# --- citations ------------------------------------------------------------------------------------------

#: `[text](<path>results.md#anchor)` (or history.md), optionally right after `NUMBER (`, where
#: NUMBER may carry `%`, `x` or the multiplication sign, or a unit word that must agree with
#: the claim's unit, and may be bold or code (`**45%** (`)
CITATION = re.compile(
    r"(?:(?<![\w.,\-+\u2212])(?P<number>[-+\u2212]?\d[\d,]*(?:\.\d+)?)(?P<mark>%|x|\u00d7)?"
    r"(?:\s+(?P<word>s|min|h|MB|GB|nats|points))?[*`]*\s+\()?"
    r"\[(?P<text>[^\]\n]*)\]\((?P<path>[^()\s#]*?(?:results|history)\.md)#(?P<anchor>[^()\s]+)\)")
UNIT_WORDS = {"s": "seconds", "min": "minutes", "h": "hours", "MB": "MB", "GB": "GB", "nats": "nats",
              "points": "points"}
#: what ends in a digit right before a citation that CITATION could not read as one number
#: (a range such as 0.935-0.941, a number glued to a word): reported, never skipped
UNREAD_NUMBER = re.compile(r"\d[%x\u00d7]?[*`]*\s+\($")
REFERENCE = re.compile(r"\brecord: ([a-z0-9_]+(?:\.[a-z0-9_]+)+)")


@dataclass(frozen=True)
class Citation:
    line: int
    claim: str
    path: str
    number: str | None  # as shown, without commas; None for a link that cites no number, "" for one unread
    mark: str  # "%", "x", the multiplication sign or ""
    word: str  # a unit word between the number and the link, or ""
    text: str  # the link text


def find_citations(text: str) -> list[Citation]:
    """Links into results.md or history.md whose anchor is a claim id, with the number
    right before them where there is one."""
    found = []
    for match in CITATION.finditer(text):
        if not CLAIM_ID.fullmatch(match["anchor"]):
            continue
        if match["number"]:
            number = match["number"].replace(",", "").replace("\u2212", "-")
        else:
            number = "" if UNREAD_NUMBER.search(text[max(0, match.start() - 40):match.start()]) else None
        found.append(Citation(text.count("\n", 0, match.start()) + 1, match["anchor"], match["path"], number,
                              match["mark"] or "", match["word"] or "", match["text"]))
    return found


def shown_value(value: str, unit: str, citation: Citation) -> str | None:
    """What the claim's value looks like with the decimals, and in the unit, the citation
    shows (rounded half up; a fraction times 100 under `%`); None when it cannot be shown so."""
    if unit == "text" or not is_number(value):
        return None
    scale = Decimal(1)
    if citation.mark == "%":
        if unit not in ("fraction", "percent"):
            return None
        scale = Decimal(100) if unit == "fraction" else Decimal(1)
    decimals = len(citation.number.partition(".")[2])
    return str((Decimal(value) * scale).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def citation_errors(name: str, text: str, values: Mapping[str, tuple[str, str]]) -> list[str]:
    """Each citation of `text` (the document `name`) that names an unknown claim or shows a
    number other than the claim's current value (`values`: claim -> (value, unit)) at the
    decimals shown; one line each."""
    problems = []
    for citation in find_citations(text):
        at = f"{name}:{citation.line}"
        if citation.claim not in values:
            problems.append(f"{at}: {citation.claim}: no such claim in the record")
            continue
        if CLAIM_ID.fullmatch(citation.text.strip("`")) and citation.text.strip("`") != citation.claim:
            problems.append(f"{at}: the link text names {citation.text.strip('`')} but links {citation.claim}")
        if citation.number is None:
            continue
        if citation.number == "":
            problems.append(f"{at}: the number before {citation.claim} is not one number (a range? cite each "
                            "bound's claim, or reword)")
            continue
        value, unit = values[citation.claim]
        shown = f"{citation.number}{citation.mark}{' ' + citation.word if citation.word else ''}"
        if citation.word and UNIT_WORDS[citation.word] != unit:
            problems.append(f"{at}: {shown} cites {citation.claim}, whose unit is {unit}, not {citation.word}")
            continue
        expected = shown_value(value, unit, citation)
        if expected is None:
            problems.append(f"{at}: {shown} cites {citation.claim}, whose value {value!r} ({unit}) cannot be "
                            f"shown as {citation.mark or 'a number'}")
        elif Decimal(expected) != Decimal(citation.number):
            problems.append(f"{at}: {shown} cites {citation.claim}, whose current value {value} ({unit}) "
                            f"shows as {expected}{citation.mark}")
    return problems


def reference_errors(name: str, text: str, known: set[str]) -> list[str]:
    """`record: <claim.id>` references (in code, config and schema comments) to unknown claims."""
    return [f"{name}:{text.count(chr(10), 0, match.start()) + 1}: record: {match[1]}: no such claim in the record"
            for match in REFERENCE.finditer(text) if match[1] not in known]


# --- the command ------------------------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise RecordError([f"git {' '.join(args)} failed in {root}: {result.stderr.strip()}"])
    return result.stdout


def measured_commit(root: Path, allow_dirty: bool) -> tuple[str, str]:
    """(HEAD's short hash, a note for the row): refused while the code that produced the
    numbers has uncommitted changes, unless allow_dirty (then the note says so)."""
    commit = git(root, "rev-parse", "--short", "HEAD").strip()
    dirty = git(root, "status", "--porcelain", "--", *MEASURED_CODE).splitlines()
    if not dirty:
        return commit, ""
    if not allow_dirty:
        listed = ", ".join(line[3:] for line in dirty[:5]) + (", ..." if len(dirty) > 5 else "")
        raise RecordError([f"uncommitted changes under {', '.join(d + '/' for d in MEASURED_CODE)} ({listed}): "
                           f"the row would name commit {commit}, which did not produce these numbers; commit "
                           "first, or pass --allow-dirty (the row's note then says so)"])
    return commit, f"uncommitted changes under {', '.join(d + '/' for d in MEASURED_CODE)} at {commit}"


def default_machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} CPU cores"


def config_of(command: str) -> str:
    """The `--configfile` (or `CONFIG=`) a command names, else empty."""
    try:
        words = shlex.split(command)
    except ValueError:  # unbalanced quotes: the command is recorded as given, its config not guessed
        return ""
    for position, word in enumerate(words):
        if word in ("--configfile", "--configfiles") and position + 1 < len(words):
            return words[position + 1]
        if word.startswith(("--configfile=", "CONFIG=")):
            return word.split("=", 1)[1]
    return ""


def run_values(record: Record, run_dir: Path, claims: list[str] | None) -> tuple[pd.DataFrame, list[str]]:
    """The new values of a finished run (claim, value, low, high, interval), for `claims` or
    for every claim whose source names a table of this run; and the claims skipped (their
    table is absent from the run, or their filter keeps no row of it), one line each."""
    sources = {}
    for claim, text in zip(record.claims["claim"], record.claims["source"]):
        with contextlib.suppress(ValueError):  # a malformed source is reported when the new record is checked
            sources[claim] = parse_source(text)
    units = dict(zip(record.claims["claim"], record.claims["unit"]))
    readable = {claim: s for claim, s in sources.items() if isinstance(s, RunSource) and s.run in (None, run_dir.name)}
    if claims:
        unread = [claim for claim in claims if claim not in readable]
        if unread:
            raise RecordError([f"{claim}: not a claim whose source is a table of results/{run_dir.name}/"
                               for claim in unread])
        readable = {claim: readable[claim] for claim in claims}
    intervals = dict(zip(current_rows(record).index, current_rows(record)["interval"]))
    tables: dict[str, pd.DataFrame] = {}
    found, skipped, problems = [], [], []
    for claim, source in readable.items():
        path = run_dir / source.table
        name = f"{run_dir.as_posix()}/{source.table}"
        if not path.is_file():
            (problems if claims else skipped).append(f"{claim}: {name} does not exist")
            continue
        if name not in tables:
            tables[name] = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        try:
            if not claims and rows_matching(tables[name], source, name).empty:
                skipped.append(f"{claim}: no row of {name} passes its filter")
                continue
            values = value_from_table(tables[name], source, name, units[claim])
        except ValueError as error:
            problems.append(f"{claim}: {error}")
            continue
        interval = intervals.get(claim, "") if values["low"] else ""
        found.append({"claim": claim, **values, "interval": interval})
    if problems:
        raise RecordError(problems)
    return pd.DataFrame(found, columns=["claim", "value", "low", "high", "interval"], dtype=object), skipped


def bench_values(path: Path) -> pd.DataFrame:
    """A bench script's output: a TSV with the columns claim and value and optionally low,
    high, interval and note."""
    text = path.read_text(encoding="utf-8")
    header = tuple(text.split("\n", 1)[0].split("\t"))
    if header[:2] != ("claim", "value") or not set(header) <= set(BENCH_COLUMNS) or len(set(header)) < len(header):
        raise RecordError([f"{path}:1: the header is {' '.join(header)}; expected claim, value and optionally "
                           f"{', '.join(BENCH_COLUMNS[2:])} (tab-separated)"])
    frame = parse_table(text, str(path), header)
    for column in BENCH_COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame[list(BENCH_COLUMNS)]


def append_command(args: argparse.Namespace) -> int:
    root, directory = Path(args.root), Path(args.root) / args.record
    # Checked once the rows are added, not before: a claim just added to claims.tsv has no row yet.
    record = read_record(directory, args.record)
    commit, dirty_note = measured_commit(root, args.allow_dirty)
    if args.run:
        if not Path(args.run).is_dir():
            raise RecordError([f"{args.run}: no such run folder"])
        found, skipped = run_values(record, Path(args.run), args.claim)
        for line in skipped:
            print(f"skipped {line}", file=sys.stderr)
    else:
        found = bench_values(Path(args.rows))
    if found.empty:
        raise RecordError([f"no claim's source is a table of {args.run}: nothing appended" if args.run
                           else f"{args.rows}: no rows: nothing appended"])
    new = measurement_rows(found, command=args.command, config=args.config if args.config is not None else
                           config_of(args.command), commit=commit, date=datetime.date.today().isoformat(),
                           machine=args.machine or default_machine(), note=dirty_note)
    try:
        updated, changed = append(record, new)
    except ValueError as error:
        raise RecordError([str(error)]) from None
    problems = record_errors(updated, bench_scripts(root))
    if problems:
        raise RecordError(["nothing written: the record with the new rows has these problems:", *problems])
    write_record(updated, directory, changed)
    before = current_values(record)
    for _, row in new.iterrows():
        was = before.get(row["claim"], ("none",))[0]
        print(f"{row['claim']}: {row['value']} (was {was})")
    print(f"appended {len(new)} rows to {', '.join(record.file(s) for s in changed)}; now run `make docs`")
    return 0


def bench_scripts(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "bench").glob("*.py")}


def check_command(args: argparse.Namespace) -> int:
    root = Path(args.root)
    record = read_record(root / args.record, args.record)
    problems = record_errors(record, bench_scripts(root))
    values = current_values(record)
    results_page = (root / args.record).parent / "results.md"
    documents = [root / "README.md",
                 *(p for p in sorted((root / "docs").glob("*.md")) if p.name not in GENERATED_PAGES)]
    cited = 0
    for path in documents:
        name, text = path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")
        problems += citation_errors(name, text, values)
        for citation in find_citations(text):
            cited += 1
            target = (path.parent / citation.path).resolve()
            if target not in (results_page.resolve(), results_page.with_name("history.md").resolve()):
                problems.append(f"{name}:{citation.line}: {citation.claim}: the link goes to {citation.path}, "
                                f"not to {os.path.relpath(results_page, path.parent)}")
    for folder in REFERENCE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and (path.suffix in REFERENCE_SUFFIXES or path.name == "Snakefile"):
                problems += reference_errors(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"),
                                             set(values))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{args.record}: {len(record.claims)} claims in {len(record.topics)} topics; {cited} citations in "
          f"{len(documents)} documents: ok")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqattr.report.record", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the repository (default: the current folder)")
    parser.add_argument("--record", default="docs/record", help="the record's folder, relative to --root")
    commands = parser.add_subparsers(dest="action", required=True)
    commands.add_parser("check", help="validate the record and every citation of it")
    add = commands.add_parser("append", help="append rows from a finished run or a bench script's output")
    given = add.add_mutually_exclusive_group(required=True)
    given.add_argument("--run", help="a finished run's folder, e.g. results/demo")
    given.add_argument("--rows", help="a bench script's TSV: claim, value[, low, high, interval, note]")
    add.add_argument("--claim", nargs="+", action="extend",
                     help="only these claims (with --run; default: every claim whose source is a table of the run)")
    add.add_argument("--command", required=True, help="the command that produced the values")
    add.add_argument("--config", help="the config the run used (default: the command's --configfile, if any)")
    add.add_argument("--machine", help=f"the machine, in a few words (default: '{default_machine()}')")
    add.add_argument("--allow-dirty", action="store_true",
                     help="append although src/, workflow/ or config/ have uncommitted changes (noted in the row)")
    args = parser.parse_args(argv)
    if args.action == "append" and args.claim and not args.run:
        parser.error("--claim goes with --run")
    try:
        return append_command(args) if args.action == "append" else check_command(args)
    except RecordError as error:
        print(str(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
