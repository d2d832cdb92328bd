"""How the binder/non-binder truths of a run agree with each other: Spearman rho between
every two of kl, logistic and cnn_ig over the columns where both are defined, per set.

    .venv/bin/python bench/negatives_truths_agreement.py results/mason [results/beam ...]

Reads each set's `gama/{set}/negatives_truth.tsv` (written by rule gama_vs_negatives).
A cnn_ig truth whose CNN did not converge is all NaN and is left out.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import pandas as pd
from scipy import stats

from seqattr.gama_validation.negatives import TRUTHS


def agreement(truth: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for a, b in itertools.combinations([name for name in TRUTHS if name in truth.columns], 2):
        both = truth[[a, b]].dropna()
        if len(both) < 3:
            continue
        rho, p = stats.spearmanr(both[a], both[b])
        rows.append({"truth_a": a, "truth_b": b, "n_columns": len(both), "spearman_rho": rho, "p_value": p})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    for run in parser.parse_args().runs:
        for path in sorted(run.glob("gama/*/negatives_truth.tsv")):
            print(f"{run.name} / {path.parent.name}")
            print(agreement(pd.read_csv(path, sep="\t")).round(3).to_string(index=False), end="\n\n")


if __name__ == "__main__":
    main()
