"""One-hot encoding speed and file size (target: 100,000 x 200 nt in < 5 s on one
core, stored file < 25 MB).

    .venv/bin/python bench/encode_speed.py [--n 100000] [--length 200]
"""

import argparse
import os
import tempfile
import time

import numpy as np
import pandas as pd

from seqattr.data.encoding import encode_split, load_encoded, save_encoded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--length", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=(args.n, args.length), dtype=np.uint8)
    sequences = np.frombuffer(b"ACGT", dtype=np.uint8)[codes].view(f"S{args.length}").ravel().astype(str)
    frame = pd.DataFrame({"id": [f"s{i}" for i in range(args.n)], "label": rng.choice(["a", "b"], args.n),
                          "sequence": sequences})
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.npz")
        start = time.perf_counter()
        encoded = encode_split(frame, ["a", "b"], args.length, "centre", "zero", "bench")
        encoded_at = time.perf_counter()
        save_encoded(encoded, path)
        saved_at = time.perf_counter()
        size_mb = os.path.getsize(path) / 1e6
        loaded = load_encoded(path)
        loaded_at = time.perf_counter()
    assert (loaded.onehot == encoded.onehot).all()
    print(f"sequences {args.n} x {args.length} nt")
    print(f"encode_s {encoded_at - start:.2f}")
    print(f"save_s {saved_at - encoded_at:.2f}")
    print(f"encode_and_save_s {saved_at - start:.2f}  (target < 5)")
    print(f"load_s {loaded_at - saved_at:.2f}")
    print(f"file_mb {size_mb:.1f}  (target < 25)")


if __name__ == "__main__":
    main()
