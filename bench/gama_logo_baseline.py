"""What the set's column frequencies alone find: a sequence logo as a scoring of the GAMA grid.

For each experiment of a grid config, the per-position information of the set's residue
frequencies, ln 20 - H(f_p) (nats; the height of a sequence logo's column), over the whole
set the LSTM trains on and over the sequences GAMA attributes, scored by the grid's rank
rule (FNR: share of planted positions not among the top k). No model, no attribution: a
scoring that needs a trained model has to be judged against this, and a planted position
this finds is one whose residue is enriched, not one that only a dependency reveals.

    .venv/bin/python bench/gama_logo_baseline.py --config config/gama_cpu_grid.yaml
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from seqattr.config import check_config_file
from seqattr.gama_validation.detection import detected_by_rank, false_negative_rate
from seqattr.gama_validation.experiments import expand_grid
from seqattr.gama_validation.grid import experiment_set
from seqattr.gama_validation.model_free import logo_information


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="config/gama_cpu_grid.yaml")
    parser.add_argument("--tsv", default=None, help="write one row per experiment here")
    args = parser.parse_args()
    config = check_config_file(args.config)  # the schema's defaults filled in, as the workflow reads it
    grid = config["gama_grid"]
    n_attributed = grid["n_attributed"] or config["gama"]["max_sequences"]  # as the grid's rule
    rows = []
    for experiment in expand_grid(grid).values():
        frame, _, _, keep = experiment_set(experiment, grid["protocol"], n_attributed)
        sequences = frame["sequence"].tolist()
        row = {"experiment": experiment.id, "logic": experiment.logic, "motif_size": len(experiment.positions),
               "signal_to_noise": experiment.signal_to_noise}
        for name, subset in (("whole_set", sequences), ("attributed", [sequences[i] for i in keep])):
            information = logo_information(subset)
            row[f"fnr_{name}"] = false_negative_rate(detected_by_rank(information, experiment.positions))
            order = np.argsort(-information, kind="stable")[: len(experiment.positions)] + 1
            row[f"top_{name}"] = ",".join(map(str, order))
        rows.append(row)
        print(f"{experiment.id:28s} whole set: top {row['top_whole_set']:12s} FNR {row['fnr_whole_set']:.2f}   "
              f"attributed: top {row['top_attributed']:12s} FNR {row['fnr_attributed']:.2f}", flush=True)
    table = pd.DataFrame(rows)
    if args.tsv:
        table.to_csv(args.tsv, sep="\t", index=False)
    summary = table.pivot_table(index="logic", columns="signal_to_noise", values=["fnr_whole_set", "fnr_attributed"],
                                aggfunc="mean", sort=False)
    print("\nmean FNR (rank rule) of the logo, by logic and signal-to-noise:")
    print(summary.round(3).to_string())
    for name in ("whole_set", "attributed"):
        high = table[table["signal_to_noise"] >= 0.5]
        print(f"{name}: mean FNR {table[f'fnr_{name}'].mean():.3f} over {len(table)} experiments, "
              f"{high[f'fnr_{name}'].mean():.3f} at SNR >= 0.5 ({len(high)})")


if __name__ == "__main__":
    main()
