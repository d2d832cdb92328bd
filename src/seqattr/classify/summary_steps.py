"""The classification stage's summary steps (aggregate, plot, compare): tables and figures
from the per-classifier files, without torch, so that their rules run in the light
environment (workflow/envs/tables.yaml)."""

from __future__ import annotations

import pandas as pd

from seqattr.classify import format_ratio
from seqattr.classify.comparison import comparison_table
from seqattr.classify.figures import plot_accuracy_vs_ratio, plot_comparison, plot_learning_curves
from seqattr.classify.tables import stack_metrics
from seqattr.figures import save_figure
from seqattr.io import read_table, write_table


def read_metrics(path) -> pd.DataFrame:
    return read_table(path, dtype={"mask_ratio": str})


def aggregate(metric_paths, output_path) -> pd.DataFrame:
    """Stack the per-model tables into the sweep's classification.tsv, in a fixed order."""
    table = stack_metrics([read_metrics(path) for path in metric_paths])
    write_table(table, output_path)
    return table


def plot(metrics_path, history_paths: dict[str, dict], curves_png, curves_pdf, ratio_png, ratio_pdf) -> None:
    """Learning curves and accuracy vs mask ratio. `history_paths` maps each history file
    to the classifier it belongs to (dataset, model, mask_ratio, seed)."""
    histories = pd.concat([read_table(path).assign(**{**run, "mask_ratio": format_ratio(run["mask_ratio"])})
                           for path, run in history_paths.items()], ignore_index=True)
    save_figure(plot_learning_curves(histories), curves_png, curves_pdf)
    save_figure(plot_accuracy_vs_ratio(read_metrics(metrics_path)), ratio_png, ratio_pdf)


def compare(metrics_path, prediction_paths: dict[str, dict], output_path, png, pdf, *, seed: int = 0) -> pd.DataFrame:
    """The comparison table (AttnGen vs the CNN: accuracy with paired intervals,
    convergence, stability) and its figure. `prediction_paths` maps each classifier's
    test predictions to the classifier (dataset, model, mask_ratio, seed)."""
    metrics = read_metrics(metrics_path)
    predictions = {(run["dataset"], run["model"], format_ratio(run["mask_ratio"]), int(run["seed"])):
                   read_table(path, dtype={"id": str}) for path, run in prediction_paths.items()}
    table = comparison_table(metrics, predictions, seed)
    write_table(table, output_path)
    save_figure(plot_comparison(table, metrics), png, pdf)
    return table
