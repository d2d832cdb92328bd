"""The classification tables' columns and the sweep's table, without torch: the summary
rules (classify/summary_steps.py) run in the light environment."""

from __future__ import annotations

import pandas as pd

# No wall-clock columns: they live in each model's timing.tsv, so reruns give equal bytes.
# epochs: trained; best_epoch: the kept state's (lowest validation loss); stopped_early:
# whether the patience rule ended training (False: the epoch cap did, and the model may
# still have been improving).
METRIC_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "split", "accuracy", "f1", "auroc", "n", "epochs",
                  "best_epoch", "stopped_early"]
PREDICTION_COLUMNS = ["id", "label", "predicted", "probability"]


def stack_metrics(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The per-model tables as the sweep's classification table, in a fixed order."""
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=METRIC_COLUMNS)
    table["ratio_value"] = table["mask_ratio"].astype(float)
    return (table.sort_values(["dataset", "model", "ratio_value", "seed", "split"], kind="stable")
            .drop(columns="ratio_value")[METRIC_COLUMNS])
