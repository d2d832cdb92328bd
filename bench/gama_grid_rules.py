"""The synthetic grid's detection rules side by side: mean FNR by the rank rule, and FNR
and FPR by the threshold rule, per scoring and signal-to-noise ratio.

Reads a grid table written by the workflow (`results/{run}/gama/grid.tsv` of the paper's
grid design), or the per-experiment tables it stacks (`gama/grid/{experiment}.tsv`, for a
run made in parts), and prints, per scoring (named by its kind, as the workflow's summary does),
the means over the experiments at each SNR and over those at SNR >= 0.5 (the paper's
realistic noise), with how many experiments and how many of their models converged.

    .venv/bin/python bench/gama_grid_rules.py results/gama_cpu_grid_headline/gama/grid.tsv
    .venv/bin/python bench/gama_grid_rules.py results/gama_cpu_grid_headline/gama/grid/*_s0.tsv
"""

from __future__ import annotations

import argparse

import pandas as pd

from seqattr.gama_validation.grid import scoring_label
from seqattr.io import read_table

RULES = {"fnr_rank": "FNR rank", "fnr_threshold": "FNR threshold", "fpr_threshold": "FPR threshold"}


def rule_means(frame: pd.DataFrame, realistic: float = 0.5) -> pd.DataFrame:
    """Per scoring: the mean of each rule at each SNR and over SNR >= `realistic`, and the
    experiments and converged models behind each."""
    frame = frame.assign(scoring=frame.apply(scoring_label, axis=1),
                         converged=frame["converged"].astype(str).str.lower() == "true",
                         snr=frame["signal_to_noise"].map(lambda snr: f"{float(snr):g}"))
    realistic_rows = frame[frame["signal_to_noise"].astype(float) >= realistic].assign(snr=f">={realistic:g}")
    rows = pd.concat([frame, realistic_rows], ignore_index=True)
    return (rows.groupby(["scoring", "snr"], sort=False, as_index=False)
            .agg(**{rule: (rule, "mean") for rule in RULES}, experiments=("experiment", "nunique"),
                 converged=("converged", "sum")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tables", nargs="+", help="a grid.tsv of the paper's grid design, or experiment tables")
    args = parser.parse_args()
    frame = pd.concat([read_table(path) for path in args.tables], ignore_index=True)
    # A baseline is one row per experiment whatever the IG settings; keep one copy.
    frame = frame.drop_duplicates(subset=["experiment", "mode", "readout", "ig_start", "metric", "reduction"])
    means = rule_means(frame)
    columns = sorted({snr for snr in means["snr"] if not snr.startswith(">=")}, key=float, reverse=True)
    columns += [snr for snr in dict.fromkeys(means["snr"]) if snr.startswith(">=")]
    for rule, label in RULES.items():
        print(f"\n{label} (mean over experiments; columns: SNR)")
        table = means.pivot(index="scoring", columns="snr", values=rule).reindex(columns=columns)
        print(table.loc[list(dict.fromkeys(means["scoring"]))].round(3).to_string())
    counts = means.drop_duplicates("snr").set_index("snr").loc[columns, ["experiments", "converged"]]
    print("\nexperiments and converged models per column:\n" + counts.T.to_string())


if __name__ == "__main__":
    main()
