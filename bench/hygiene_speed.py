"""Cost of the data-hygiene check at import (target: it adds at most 5 s to importing
100,000 x 200 nt on one core).

    .venv/bin/python bench/hygiene_speed.py --make FILE [--n 100000] [--length 200]
    .venv/bin/python bench/hygiene_speed.py --file FILE            # import + check
    .venv/bin/python bench/hygiene_speed.py --file FILE --no-check # import only

--make writes a two-class TSV of random sequences, 1% of them copies of another row
(PCR-style duplicates, which the grouped split keeps on one side). --file imports it as
the data stage does (local.load: read, validate, seeded stratified 25% split) and then,
unless --no-check, runs the hygiene check (copies within and across the split,
conflicting labels, near-copies at identity 0.95), printing the seconds of each part.
Timing the two --file forms side by side as whole processes gives what the check adds.
"""

import argparse
import os
import time
from pathlib import Path


def make(path: Path, n: int, length: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=(n, length), dtype=np.uint8)
    sequences = np.frombuffer(b"ACGT", dtype=np.uint8)[codes].view(f"S{length}").ravel().astype(str)
    labels = rng.choice(["a", "b"], n)
    rows = rng.permutation(n)
    copies, originals = rows[:n // 100], rows[n // 100:2 * (n // 100)]
    sequences[copies], labels[copies] = sequences[originals], labels[originals]
    pd.DataFrame({"label": labels, "sequence": sequences}).to_csv(path, sep="\t", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make", type=Path)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--length", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.make:
        make(args.make, args.n, args.length)
        return
    from seqattr.data import local
    from seqattr.data.steps import check_hygiene

    start = time.perf_counter()
    splits = local.load({"train": str(args.file), "test_fraction": 0.25, "split_seed": 0})
    imported = time.perf_counter()
    print(f"import {imported - start:.2f} s: {len(splits.train)} train, {len(splits.test)} test")
    if not args.no_check:
        splits, table = check_hygiene(splits, None, str(args.file))
        print(f"check {time.perf_counter() - imported:.2f} s")
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
