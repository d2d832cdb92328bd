"""What GAMA gives on degenerate positive sets: a few sequences, or one-residue sequences
(the reasons behind the minimum set size and sequence length checked at import).

    .venv/bin/python bench/degenerate_sets.py [--sizes 1 2 3 5 10 20 50] [--length 8]

Runs `seqattr.gama_validation.degenerate` in a temporary folder: for each size n, a
synthetic AND set of n sequences (positions 3 and 6) through the GAMA chain as the
workflow's steps do (LSTM of hidden size 8, at most 5 epochs; IG with 8 Gauss-Legendre
nodes; GAMA with 200 bootstrap draws; the replicate summary), then the same chain on 20
one-residue sequences. One line per set: whether every importance is finite, the
summary's refusal, the widest bootstrap interval relative to the largest |importance|,
and the largest ci_high.
"""

import argparse
import logging
import tempfile

from seqattr.gama_validation.degenerate import degenerate_sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3, 5, 10, 20, 50])
    parser.add_argument("--length", type=int, default=8)
    parser.add_argument("--bootstrap", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        for row in degenerate_sets(args.sizes, folder, length=args.length, bootstrap=args.bootstrap):
            if row["refused"]:
                outcome = f"summary refused: {row['refused']}"
            else:
                outcome = (f"positions {row['positions']}; widest interval {row['widest_interval']:.4g} = "
                           f"{row['widest_over_largest']:.3g} x the largest |importance| "
                           f"({row['largest_importance']:.4g}); largest ci_high {row['largest_ci_high']:.4g}")
            print(f"{row['set']}: finite {row['finite']}; {outcome}", flush=True)


if __name__ == "__main__":
    main()
