"""A positive (or negative) set from an AIRR rearrangement TSV (IgBLAST, MiXCR, Cell Ranger).

Read with the AIRR Community's `airr` package (`airr.load_rearrangement`, strict validation
off: real files often lack required fields such as `sequence` or the cigars; which ones
are missing is recorded, with what `airr.validate_rearrangement` says of the file). Per row, in this order:

1. `productive`: rows whose `productive` is false are dropped (counted) when
   `productive_only` and the column exists; a file without it is recorded as such.
2. `v_call` / `j_call` filters: keep rows whose call (any of its comma-separated alleles)
   starts with the given prefix (e.g. `IGHV3`, `IGHJ4`).
3. The CDR3: `cdr3_aa` when the file has it (column `auto` or `cdr3_aa`), else
   `junction_aa` with its conserved flanks trimmed: the junction runs from Cys 104 to
   Trp 118 (Phe 118 in light chains), the CDR3 is what lies between (IMGT 105-117). A
   junction without the conserved C first or W/F last follows `flank_policy`: `drop`
   (dropped and counted), `trim` (only the flanks present are trimmed, counted) or `error`
   (one located error).
4. Lower case is upper-cased and counted; any other letter outside the 20 amino acids
   (`*` stop codons, X, gaps) and an empty CDR3 stop the read with one line naming the
   file, the record and the position. The bad-row check runs on every kept row before
   anything is written, so nothing is half-written.
5. Duplicates (the same CDR3) are collapsed into one row whose `count` is how many rows
   carried it (its id is the first row's `sequence_id`).
6. `keep_length` (optional): only the CDR3s of that length are kept (counted).

Returns the set (id, sequence, count) and a record of every count above, which the
import step writes beside the set (`input_summary.tsv`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from seqattr import InputError
from seqattr.generative.alphabet import AMINO_ACIDS

COLUMNS = ("auto", "cdr3_aa", "junction_aa")
FLANK_POLICIES = ("drop", "trim", "error")
FIRST_FLANK = "C"  # Cys 104
LAST_FLANKS = ("W", "F")  # Trp 118 (heavy), Phe 118 (light)
RESIDUE_SET = set(AMINO_ACIDS)


def _missing_required(frame: pd.DataFrame) -> list[str]:
    from airr.schema import RearrangementSchema

    return [field for field in RearrangementSchema.required if field not in frame.columns]


def _is_false(value) -> bool:
    return str(value).strip().upper() in ("F", "FALSE", "0")


def _call_matches(calls, prefix: str) -> bool:
    return any(call.strip().startswith(prefix) for call in str(calls).split(","))


def airr_validation(path) -> str:
    """What `airr.validate_rearrangement` says of the file, on one line: `passed`, or
    `failed` with the number of errors it reported and the first of them."""
    import contextlib
    import io

    import airr

    messages = io.StringIO()
    try:
        with contextlib.redirect_stderr(messages):
            valid = airr.validate_rearrangement(str(path), debug=True)
    except Exception as error:  # an unreadable file: the reader raises before validating
        return f"failed: {type(error).__name__}: {' '.join(str(error).split())}"
    if valid:
        return "passed"
    errors = [" ".join(line.split()) for line in messages.getvalue().splitlines() if "validation error" in line]
    first = errors[0].split(" has validation error: ", 1)[-1] if errors else "no message"
    return f"failed: {len(errors)} error{'s' if len(errors) != 1 else ''}; first: {first}"


def load_airr(path) -> pd.DataFrame:
    """The AIRR rearrangement table at `path` (all columns kept), or one InputError."""
    import airr

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        frame = airr.load_rearrangement(str(path), validate=False)
    except Exception as error:  # the package raises plain exceptions on an unreadable file
        raise InputError(f"{path}: not a readable AIRR rearrangement TSV ({type(error).__name__}: {error})") from None
    if "sequence_id" not in frame.columns:
        raise InputError(f"{path}: no 'sequence_id' column; columns are {list(frame.columns)}")
    return frame


def trim_junction(junction: str, policy: str) -> tuple[str | None, bool]:
    """(CDR3, whether a conserved flank was missing) of one junction_aa: the residues between
    C 104 and W/F 118. With a flank missing: `drop` gives None, `trim` trims the flank that
    is present; `error` is the caller's to raise."""
    starts, ends = junction.startswith(FIRST_FLANK), junction.endswith(LAST_FLANKS)
    if starts and ends:
        return junction[1:-1], False
    if policy == "drop":
        return None, True
    return junction[1 if starts else 0: len(junction) - 1 if ends else len(junction)], True


def read_airr_set(path, *, column: str = "auto", flank_policy: str = "drop", v_call: str | None = None,
                  j_call: str | None = None, productive_only: bool = True, keep_length: int | None = None,
                  min_size: int = 1) -> tuple[pd.DataFrame, dict]:
    """(set with id, sequence, count; record of what was read, dropped and counted).
    `keep_length`: keep only the CDR3s of that many residues (one length stratum: the GAMA
    stage compares positions across sequences of one length); the others are counted."""
    if column not in COLUMNS:
        raise ValueError(f"column {column!r}: allowed {COLUMNS}")
    if flank_policy not in FLANK_POLICIES:
        raise ValueError(f"flank_policy {flank_policy!r}: allowed {FLANK_POLICIES}")
    path = Path(path)
    frame = load_airr(path)
    record = {"rows": len(frame), "airr_validation": airr_validation(path),
              "missing_required_fields": ",".join(_missing_required(frame)) or "none"}
    if column == "auto":
        column = "cdr3_aa" if "cdr3_aa" in frame.columns and frame["cdr3_aa"].notna().any() else "junction_aa"
    if column not in frame.columns:
        raise InputError(f"{path}: no {column!r} column (an AIRR set needs cdr3_aa or junction_aa); "
                         f"columns are {list(frame.columns)}")
    record["column"] = column if column == "cdr3_aa" else "junction_aa, conserved C and W/F trimmed"
    frame = frame.assign(_number=range(1, len(frame) + 1))

    if "productive" in frame.columns:
        unproductive = frame["productive"].map(_is_false) if productive_only else pd.Series(False, frame.index)
        record["dropped_not_productive"] = int(unproductive.sum())
        frame = frame[~unproductive]
    else:
        record["dropped_not_productive"] = "no productive column"
    for key, prefix in (("v_call", v_call), ("j_call", j_call)):
        if prefix is None:
            record[f"dropped_{key}"] = 0
            continue
        if key not in frame.columns:
            raise InputError(f"{path}: a {key} filter needs the column {key!r}")
        keep = frame[key].map(lambda calls, prefix=prefix: _call_matches(calls, prefix))
        record[f"dropped_{key}"] = int((~keep).sum())
        frame = frame[keep]

    ids, sequences = [], []
    missing_flank = lowercase = 0
    for row in frame[["sequence_id", column, "_number"]].itertuples(index=False):
        record_id, value, number = str(row[0]), row[1], int(row[2])
        where = f"{path}: record {record_id!r} (row {number})"
        text = "" if pd.isna(value) else str(value).strip()
        if not text:
            raise InputError(f"{where} has an empty {column}")
        if text != text.upper():
            lowercase += 1
            text = text.upper()
        if column == "junction_aa":
            trimmed, lacked = trim_junction(text, flank_policy)
            if lacked and flank_policy == "error":
                raise InputError(f"{where}: junction_aa {text!r} lacks the conserved "
                                 f"{'C at position 1' if not text.startswith(FIRST_FLANK) else 'W/F at its last position'}"
                                 f" (flank_policy: error; drop or trim to go on)")
            missing_flank += lacked
            if trimmed is None:
                continue
            offset = 1 if text.startswith(FIRST_FLANK) else 0
            text = trimmed
        else:
            offset = 0
        if not text:
            raise InputError(f"{where} has an empty CDR3 after trimming the junction's flanks")
        for position, residue in enumerate(text, start=1):
            if residue not in RESIDUE_SET:
                raise InputError(f"{where} has {residue!r} at position {position + offset} of its {column}; "
                                 f"allowed are the 20 amino acids {AMINO_ACIDS} (stop codons '*' and X are refused)")
        ids.append(record_id)
        sequences.append(text)
    record.update(missing_conserved_flank=missing_flank, flank_policy=flank_policy, uppercased=lowercase,
                  kept_rows=len(sequences))
    collapsed = collapse_duplicates(ids, sequences)
    record.update(unique_sequences=len(collapsed), duplicate_rows_collapsed=len(sequences) - len(collapsed))
    if keep_length is not None:
        other = collapsed["sequence"].str.len() != keep_length
        record.update(keep_length=keep_length, dropped_other_lengths=int(other.sum()))
        collapsed = collapsed[~other].reset_index(drop=True)
    if len(collapsed) < min_size:
        raise InputError(f"{path}: {len(collapsed)} unique sequences after filtering, fewer than the minimum {min_size}")
    return collapsed, record


def collapse_duplicates(ids, sequences) -> pd.DataFrame:
    """One row per distinct sequence, in order of first appearance: the first id and `count`,
    how many rows carried it."""
    frame = pd.DataFrame({"id": [str(i) for i in ids], "sequence": list(sequences)})
    counts = frame.groupby("sequence", sort=False).size()
    first = frame.drop_duplicates("sequence").reset_index(drop=True)
    return first.assign(count=first["sequence"].map(counts).astype(int))
