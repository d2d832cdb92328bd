"""The dependency benchmark's headline numbers from its experiment tables.

Stacks `results/{run}/gama/grid/{experiment}.tsv` (all of a run, or the part that has
finished), summarises them with the workflow's own `dependency_summary`, and prints:
the learned fraction and attempts of every model; for the pre-registered scoring, the
paper's scoring, the authors' code and the baselines, per set kind and SNR of the
confirming seeds, the converged models and their mean (lowest) edge AUPRC, position
AUROC and threshold-rule FPR; and the pre-registered rule (docs/gama_validation.md,
`preregistered_ranking`) applied to the choosing seed.

    .venv/bin/python bench/gama_dependency_report.py results/gama_dependency/gama/grid/*_s?.tsv
"""

from __future__ import annotations

import argparse

import pandas as pd

from seqattr.gama_validation.dependency import dependency_summary, preregistered_ranking

PRE_REGISTERED = "exact/mean_logit/zero/null_spread/max"
REPORTED = [PRE_REGISTERED, "exact/mean_logit/zero/gama/input", "authors_code/mean_logit/zero/gama/input",
            "baseline: mi_apc", "baseline: potts_apc", "baseline: logo", "baseline: information"]
COLUMNS = ["set_kind", "signal_to_noise", "experiments", "converged", "edge_auprc", "edge_auprc_min",
           "position_auroc", "fpr_threshold"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tables", nargs="+", help="experiment tables of a dependency run (not edges or timing)")
    args = parser.parse_args()
    frame = pd.concat([pd.read_csv(path, sep="\t") for path in args.tables if not path.endswith((".edges.tsv", ".timing.tsv"))],
                      ignore_index=True)
    models = frame.drop_duplicates("experiment")
    print(f"{models['experiment'].nunique()} experiments")
    for value in ("learned_fraction", "attempts"):
        print(f"\n{value} (rows: set kind, SNR; columns: seed)")
        print(models.pivot_table(index=["set_kind", "signal_to_noise"], columns="seed", values=value)
              .round(3).to_string())
    summary = dependency_summary(frame)
    confirm = summary[summary["seed_role"] == "confirm"]
    for scoring in REPORTED:
        print(f"\n{scoring} (confirming seeds; edge AUPRC and AUROC over converged models)")
        print(confirm.loc[confirm["scoring"] == scoring, COLUMNS].round(3).to_string(index=False))
    rule = preregistered_ranking(summary)
    print("\nthe pre-registered rule on the choosing seed (top 8):\n" + rule.head(8).round(3).to_string())


if __name__ == "__main__":
    main()
