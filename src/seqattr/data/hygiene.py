"""Data hygiene at import: what a reviewer checks before trusting a test metric.

For a classifier dataset (train and test splits): exact duplicates within each split and
across them (by sequence, case folded), sequences that carry more than one label, and
near-duplicates across the split (identity >= `near_identity` over equal-length
sequences). For a generative set (one file, split by the LSTM's held-out fraction):
exact duplicates and how many distinct sequences remain.

Each finding is a row of `hygiene.tsv` with the policy applied to it (config section
`hygiene:`): error stops the import with one line naming the records, drop removes the
offending sequences (from the test split for copies across the split), warn keeps them
and only records them.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from seqattr.errors import InputError

log = logging.getLogger(__name__)

POLICIES = ("error", "drop", "warn")
DEFAULTS = {"within_split": "warn", "cross_split": "error", "conflicting_labels": "error",
            "near_duplicates": "warn", "near_identity": 0.95}
COLUMNS = ["check", "split", "sequences", "distinct", "policy", "action", "example"]
# Pairs sharing a block whose identity is then computed; real data with repeats (Alu,
# satellites) can share blocks by the million, and the check must stay cheap: past this
# many candidate pairs the near-duplicate row says it stopped counting.
MAX_CANDIDATE_PAIRS = 2_000_000


def settings(hygiene: dict | None) -> dict:
    return {**DEFAULTS, **{k: v for k, v in (hygiene or {}).items() if v is not None}}


def folded(frame: pd.DataFrame) -> pd.Series:
    return frame["sequence"].str.upper()


def row(check, split, sequences, distinct, policy, action, example="") -> dict:
    return dict(zip(COLUMNS, (check, split, int(sequences), int(distinct), policy, action, example)))


def copies(frame: pd.DataFrame, key: pd.Series) -> tuple[np.ndarray, int, str]:
    """(rows that repeat an earlier row's sequence, distinct repeated sequences, example)."""
    repeated = key.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return repeated, 0, ""
    first = int(np.flatnonzero(repeated)[0])
    original = frame["id"].iloc[int(np.flatnonzero((key == key.iloc[first]).to_numpy())[0])]
    return repeated, int(key[repeated].nunique()), f"{frame['id'].iloc[first]} = {original}"


def advice(key: str, other: dict) -> str:
    (drop, drop_what), (warn, warn_what) = other.items()
    return f"hygiene.{key}: error; set it to {drop} to {drop_what}, or to {warn} to {warn_what}"


def check_splits(train: pd.DataFrame, test: pd.DataFrame, hygiene: dict | None, source: str):
    """(train, test, table): the splits after the policies and the hygiene table.

    `source` names the data in messages (the file(s) or the dataset).
    """
    cfg = settings(hygiene)
    rows = []

    # Conflicting labels first: a sequence with two labels is no duplicate to keep once.
    both = pd.concat([train.assign(_split="train"), test.assign(_split="test")], ignore_index=True)
    key = folded(both)
    n_labels = both.assign(_key=key).groupby("_key", sort=False)["label"].transform("nunique").to_numpy()
    conflicting = n_labels > 1
    policy = cfg["conflicting_labels"]
    example = ""
    if conflicting.any():
        first = int(np.flatnonzero(conflicting)[0])
        others = both[(key == key.iloc[first]).to_numpy() & (both["label"] != both["label"].iloc[first]).to_numpy()]
        example = (f"{both['id'].iloc[first]} ({both['label'].iloc[first]}) = "
                   f"{others['id'].iloc[0]} ({others['label'].iloc[0]})")
        if policy == "error":
            raise InputError(
                f"{source}: record {both['id'].iloc[first]!r} (label {both['label'].iloc[first]!r}) has the same "
                f"sequence as record {others['id'].iloc[0]!r} (label {others['label'].iloc[0]!r}); "
                f"{key[conflicting].nunique()} sequences carry more than one label ("
                + advice("conflicting_labels", {"drop": "remove them", "warn": "keep them"}) + ")")
    rows.append(row("conflicting_labels", "train+test", conflicting.sum(), key[conflicting].nunique(), policy,
                    "dropped" if policy == "drop" and conflicting.any() else "kept", example))
    if policy == "drop" and conflicting.any():
        n_train = len(train)
        train = train[~conflicting[:n_train]].reset_index(drop=True)
        test = test[~conflicting[n_train:]].reset_index(drop=True)

    # Copies inside each split: kept by default (PCR-style duplicates are data), but counted.
    policy = cfg["within_split"]
    for split in ("train", "test"):
        frame = train if split == "train" else test
        repeated, distinct, example = copies(frame, folded(frame))
        if repeated.any() and policy == "error":
            first, original = example.split(" = ")
            raise InputError(f"{source}: {split} record {first!r} has the same sequence as {split} record "
                             f"{original!r} (case ignored); {repeated.sum()} {split} sequences repeat another ("
                             + advice("within_split", {"drop": "keep one copy", "warn": "keep them"}) + ")")
        action = "dropped" if policy == "drop" and repeated.any() else "kept"
        rows.append(row("exact_duplicates", split, repeated.sum(), distinct, policy, action, example))
        if action == "dropped":
            frame = frame[~repeated].reset_index(drop=True)
            if split == "train":
                train = frame
            else:
                test = frame

    # Test sequences that are training sequences under another id.
    train_key, test_key = folded(train), folded(test)
    leaked = test_key.isin(set(train_key)).to_numpy()
    policy = cfg["cross_split"]
    example = ""
    if leaked.any():
        first = int(np.flatnonzero(leaked)[0])
        original = train["id"].iloc[int(np.flatnonzero((train_key == test_key.iloc[first]).to_numpy())[0])]
        example = f"{test['id'].iloc[first]} = {original}"
        if policy == "error":
            raise InputError(
                f"{source}: test record {test['id'].iloc[first]!r} has the same sequence as training record "
                f"{original!r} (case ignored); {leaked.sum()} test sequences are copies of training sequences, "
                f"so test metrics would be measured partly on training data ("
                + advice("cross_split", {"drop": "remove them from the test split", "warn": "keep them"}) + ")")
    rows.append(row("exact_duplicates", "test in train", leaked.sum(), test_key[leaked].nunique(), policy,
                    "dropped from test" if policy == "drop" and leaked.any() else "kept", example))
    if policy == "drop" and leaked.any():
        test = test[~leaked].reset_index(drop=True)
        test_key = folded(test)

    rows.append(near_duplicate_row(train, test, train_key, test_key, cfg, source))
    if rows[-1]["action"] == "dropped from test":
        near = near_duplicate_rows(train_key, test_key, cfg["near_identity"])[0]
        test = test[~near].reset_index(drop=True)
    for split, frame in (("train", train), ("test", test)):
        rows.append(row("sequences", split, len(frame), folded(frame).nunique(), "", "kept"))
    return train, test, pd.DataFrame(rows, columns=COLUMNS)


def near_duplicate_row(train, test, train_key, test_key, cfg: dict, source: str) -> dict:
    identity, policy = cfg["near_identity"], cfg["near_duplicates"]
    check = f"near_duplicates (identity >= {identity:g})"
    lengths = set(train_key.str.len()) | set(test_key.str.len())
    if len(lengths) != 1:
        return row(check, "test in train", 0, 0, policy, "not checked: sequences differ in length")
    near, pairs, capped = near_duplicate_rows(train_key, test_key, identity)
    example = ""
    if near.any():
        test_row, train_row = pairs[0]
        example = f"{test['id'].iloc[test_row]} ~ {train['id'].iloc[train_row]}"
        if policy == "error":
            raise InputError(
                f"{source}: test record {test['id'].iloc[test_row]!r} is at least {identity:g} identical to "
                f"training record {train['id'].iloc[train_row]!r}; {near.sum()} test sequences are near-copies "
                f"of training sequences (" + advice("near_duplicates", {"drop": "remove them from the test split",
                                                                         "warn": "keep them"}) + ")")
    action = "dropped from test" if policy == "drop" and near.any() else "kept"
    if capped:
        action += f" (stopped after {MAX_CANDIDATE_PAIRS} candidate pairs)"
    return row(check, "test in train", near.sum(), near.sum(), policy, action, example)


def packed_blocks(codes: np.ndarray, n_blocks: int) -> list[np.ndarray]:
    """Each block of every row as one integer (2 bits a base, up to 32 bases a block)."""
    length = codes.shape[1]
    bounds = np.linspace(0, length, n_blocks + 1).astype(int)
    blocks = []
    for start, end in zip(bounds[:-1], bounds[1:]):
        end = min(end, start + 32)
        weights = (np.uint64(4) ** np.arange(end - start, dtype=np.uint64))[::-1]
        blocks.append((codes[:, start:end].astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64))
    return blocks


def near_duplicate_rows(train_key: pd.Series, test_key: pd.Series, identity: float):
    """(mask over test rows within `identity` of a training row but no exact copy, the
    (test row, train row) pairs found, whether the candidate cap was hit).

    Hamming identity over equal-length sequences, found without comparing all pairs: two
    sequences with at most d mismatches agree exactly on at least one of d + 1 blocks
    (pigeonhole), so only pairs sharing a block are compared. Lossless for substitutions;
    indels are not searched for.
    """
    near = np.zeros(len(test_key), dtype=bool)
    if not len(train_key) or not len(test_key):
        return near, [], False
    length = len(train_key.iloc[0])
    max_mismatches = int(np.floor((1 - identity) * length + 1e-9))
    table = np.full(256, 0, dtype=np.uint8)
    for code, base in enumerate("ACGT"):
        table[ord(base)] = code
    # Any other letter (N, IUPAC) packs as A: a false shared block only adds a candidate,
    # which the identity count below (on the letters themselves) then rejects.
    train_bytes = np.frombuffer("".join(train_key).encode("ascii", "replace"), dtype=np.uint8).reshape(-1, length)
    test_bytes = np.frombuffer("".join(test_key).encode("ascii", "replace"), dtype=np.uint8).reshape(-1, length)
    n_blocks = min(max_mismatches + 1, length)
    found, total = [], 0
    for train_block, test_block in zip(packed_blocks(table[train_bytes], n_blocks),
                                       packed_blocks(table[test_bytes], n_blocks)):
        order = np.argsort(train_block, kind="stable")
        ordered = train_block[order]
        low = np.searchsorted(ordered, test_block, side="left")
        high = np.searchsorted(ordered, test_block, side="right")
        counts = high - low
        hits = np.flatnonzero(counts)
        if not hits.size:
            continue
        total += int(counts.sum())
        if total > MAX_CANDIDATE_PAIRS:
            break
        test_rows = np.repeat(hits, counts[hits])
        # Positions in `ordered` of every match: each hit's run low..high-1.
        starts = np.repeat(low[hits] - np.cumsum(counts[hits]) + counts[hits], counts[hits])
        found.append(np.stack([test_rows, order[starts + np.arange(len(test_rows))]], axis=1))
    capped = total > MAX_CANDIDATE_PAIRS
    pairs = []
    if found:
        candidates = np.unique(np.concatenate(found), axis=0)
        mismatches = np.empty(len(candidates), dtype=np.int64)
        for start in range(0, len(candidates), 100_000):
            chunk = candidates[start:start + 100_000]
            mismatches[start:start + 100_000] = np.count_nonzero(
                test_bytes[chunk[:, 0]] != train_bytes[chunk[:, 1]], axis=1)
        close = candidates[(mismatches > 0) & (mismatches <= max_mismatches)]
        for test_row, train_row in close:
            if not near[test_row]:
                near[test_row] = True
                pairs.append((int(test_row), int(train_row)))
    return near, pairs, capped


def check_set(frame: pd.DataFrame) -> pd.DataFrame:
    """The hygiene table of a generative set: its exact duplicates (the LSTM's held-out
    split keeps every copy of a sequence on one side) and its distinct sequences."""
    key = folded(frame)
    repeated, distinct, example = copies(frame, key)
    return pd.DataFrame([
        row("exact_duplicates", "set", repeated.sum(), distinct, "warn",
            "kept; held-out split groups identical sequences", example),
        row("sequences", "set", len(frame), key.nunique(), "", "kept"),
    ], columns=COLUMNS)


def grouped_held_out(sequences, fraction: float, generator) -> tuple[np.ndarray, int]:
    """(row order, n held out) for the generative LSTM's held-out split: the held-out rows
    are order[:n], and every copy of a sequence falls on one side.

    Groups of identical sequences (in order of first occurrence) are shuffled by
    `generator` (a torch.Generator) and cut at the group boundary nearest
    round(fraction * n); with no repeated sequence this is the plain row permutation.
    """
    import torch

    groups = pd.factorize(pd.Series(list(sequences), dtype=object).str.upper())[0]
    n, n_groups = len(groups), int(groups.max()) + 1 if len(groups) else 0
    shuffled = torch.randperm(n_groups, generator=generator).numpy()
    members = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(groups, minlength=n_groups))])
    order = np.concatenate([members[starts[g]:starts[g + 1]] for g in shuffled]) if n else np.zeros(0, int)
    if n_groups < 2:
        return order, 0  # one distinct sequence: anything held out would be a copy of training data
    target = min(max(int(round(n * fraction)), 1), n - 1)
    cumulative = np.cumsum(np.bincount(groups)[shuffled])[:-1]
    return order, int(cumulative[np.argmin(np.abs(cumulative - target))])
