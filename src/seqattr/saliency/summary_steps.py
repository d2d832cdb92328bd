"""The saliency stage's summary steps (perturbation_summary, motif_recovery, saliency_figures)
and the evaluation set every attribution refers to, without torch: their rules run in the
light environment (workflow/envs/tables.yaml). File formats: steps.py.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from seqattr import InputError
from seqattr.data.encoding import load_encoded
from seqattr.figures import save_figure
from seqattr.io import read_json, read_table, write_table
from seqattr.names import classifier_name
from seqattr.runtime import seeded_subsample
from seqattr.saliency import figures
from seqattr.saliency.deletion import deletion_summary
from seqattr.saliency.figures import class_means, motif_recovery_figure, perturbation_figure, removal_figure
from seqattr.saliency.recovery import motif_truth, recovery_summary

log = logging.getLogger(__name__)

# stopped_early: whether early stopping (not the epoch cap) ended the classifier's training,
# beside the result so that an attribution of a model that may still have been improving
# is never reported without saying so.
PERTURBATION_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "order", "fraction", "accuracy", "n",
                        "stopped_early"]
RECOVERY_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "auroc_mean", "auroc_sd", "auprc_mean", "n"]


def evaluation_indices(n_total: int, n_eval: int | None, seed: int, source: str = "test split") -> np.ndarray:
    """Sorted row indices of a seeded sample of n_eval rows (all rows when n_eval is None)."""
    if n_eval is not None and n_eval > n_total:
        raise InputError(f"{source}: saliency.n_eval is {n_eval} but the test split has only {n_total} "
                         f"sequences; lower saliency.n_eval (or null for the whole split)")
    return seeded_subsample(n_total, n_eval, seed)


def evaluation_set(encoded_path, n_eval: int | None, eval_seed: int):
    """(index, EncodedSet) of the evaluation sample of a test split."""
    encoded = load_encoded(encoded_path)
    index = evaluation_indices(len(encoded), n_eval, eval_seed, source=str(encoded_path))
    return index, encoded


def read_saliency(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def combine_tables(paths, output, columns) -> pd.DataFrame:
    frames = [read_table(path) for path in paths]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    write_table(table, output)
    return table


def chance_levels(encoded_files: dict[str, str], n_eval: int | None, eval_seed: int) -> dict[str, float]:
    """Per dataset, the accuracy of always predicting the evaluation set's majority class."""
    levels = {}
    for dataset, path in encoded_files.items():
        index, encoded = evaluation_set(path, n_eval, eval_seed)
        counts = np.bincount(encoded.labels[index])
        levels[dataset] = float(counts.max() / counts.sum()) if counts.sum() else float("nan")
    return levels


def motif_recovery_table(saliency_files: list[dict], motifs_files: dict[str, str]) -> pd.DataFrame:
    """AUROC/AUPRC of each saliency file against its dataset's planted motifs.

    Each entry of `saliency_files`: dataset, model, mask_ratio, seed, method and its `path`.
    """
    motifs = {dataset: read_table(path, dtype={"id": str}) for dataset, path in motifs_files.items()}
    rows = []
    for entry in saliency_files:
        saliency_file = read_saliency(entry["path"])
        truth = motif_truth(motifs[entry["dataset"]], saliency_file["ids"], saliency_file["scores"].shape[1])
        summary = recovery_summary(saliency_file["scores"], truth)
        log.info("%s: motif AUROC %.3f over %d sequences", entry["path"], summary["auroc_mean"], summary["n"])
        rows.append({"dataset": entry["dataset"], "model": entry["model"], "mask_ratio": float(entry["mask_ratio"]),
                     "seed": int(entry["seed"]), "method": entry["method"], **summary})
    return pd.DataFrame(rows, columns=RECOVERY_COLUMNS)


def classes_of(path) -> list[str]:
    return list(read_json(path))


def classifier_label(model: str, mask_ratio, seed) -> str:
    """'AttnGen r = 0.2, seed 0' or 'CNN, seed 0': how figures name a classifier."""
    return classifier_name(model, mask_ratio, seed)


def perturbation_summary(table_paths, output, png, pdf, deletion_output, deletion_png, deletion_pdf, *,
                         encoded_files: dict[str, str], n_eval: int | None, eval_seed: int,
                         summary_fraction: float) -> None:
    """The perturbation table of every classifier and its curves; the deletion summary
    (accuracy left at `summary_fraction`, costs, curve areas over seeds) and its figure."""
    table = combine_tables(table_paths, output, PERTURBATION_COLUMNS)
    chance = chance_levels(encoded_files, n_eval, eval_seed)
    save_figure(perturbation_figure(table, chance), png, pdf)
    summary = deletion_summary(table, summary_fraction, chance)
    write_table(summary, deletion_output)
    save_figure(removal_figure(summary), deletion_png, deletion_pdf)


def motif_recovery(output, png, pdf, *, saliency_files: list[dict], motifs_files: dict[str, str]) -> None:
    table = motif_recovery_table(saliency_files, motifs_files)
    write_table(table, output)
    save_figure(motif_recovery_figure(table), png, pdf)


def attribution_logos(encoded_path, saliency_files: dict[str, str], classes_path, title: str, motifs_path=None,
                      width: int = 60):
    """The logo figure of one classifier: `saliency_files` maps each method to its file."""
    saliency_by_method = {method: read_saliency(path) for method, path in saliency_files.items()}
    first = next(iter(saliency_by_method.values()))
    onehot = load_encoded(encoded_path).onehot[first["index"]]
    truth = None
    if motifs_path:
        truth = motif_truth(read_table(motifs_path, dtype={"id": str}), first["ids"], onehot.shape[2])
    return figures.attribution_logos(onehot, saliency_by_method, classes_of(classes_path), title, truth, width)


def saliency_heatmap(saliency_files: list[dict], classes_path, title: str):
    """The heatmap figure of one dataset; each entry of `saliency_files` has model,
    mask_ratio, seed, method and its `path`."""
    classes = classes_of(classes_path)
    panels = []
    for entry in saliency_files:
        saliency_file = read_saliency(entry["path"])
        label = classifier_label(entry["model"], entry["mask_ratio"], entry["seed"])
        panels.append((label, entry["method"], class_means(saliency_file["scores"], saliency_file["labels"],
                                                            len(classes))))
    return figures.saliency_heatmap(panels, classes, title)


def saliency_figures(*, logos: list[dict], heatmaps: list[dict], encoded_files: dict[str, str],
                     classes_files: dict[str, str], motifs_files: dict[str, str], width: int = 60) -> None:
    """Attribution logos of each classifier and the heatmap of each dataset.

    `logos`: one entry per classifier (its `classifier` dict, `saliency_files` method ->
    path, and the `png`/`pdf` to write); `heatmaps`: one per dataset (`dataset`,
    `saliency_files` as in `saliency_heatmap`, `png`, `pdf`).
    """
    for logo in logos:
        run = logo["classifier"]
        dataset = run["dataset"]
        figure = attribution_logos(encoded_files[dataset], logo["saliency_files"], classes_files[dataset],
                                   title=f"{dataset}: {classifier_label(run['model'], run['mask_ratio'], run['seed'])}",
                                   motifs_path=motifs_files.get(dataset), width=width)
        save_figure(figure, logo["png"], logo["pdf"])
    for heatmap in heatmaps:
        dataset = heatmap["dataset"]
        figure = saliency_heatmap(heatmap["saliency_files"], classes_files[dataset],
                                  title=f"{dataset}: mean saliency by position and class")
        save_figure(figure, heatmap["png"], heatmap["pdf"])


CONVERGENCE_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "id", "index", "target", "delta",
                       "max_pair_delta"]


def convergence_table(saliency_files: list[dict], output) -> pd.DataFrame:
    """Per sequence, the convergence delta of every IG and DeepLIFT/SHAP saliency file
    (max_pair_delta: DeepLIFT/SHAP only); each entry: dataset, model, mask_ratio, seed,
    method and its `path`."""
    frames = []
    for entry in saliency_files:
        saliency_file = read_saliency(entry["path"])
        n = len(saliency_file["ids"])
        frames.append(pd.DataFrame({
            "dataset": entry["dataset"], "model": entry["model"], "mask_ratio": float(entry["mask_ratio"]),
            "seed": int(entry["seed"]), "method": entry["method"], "id": saliency_file["ids"],
            "index": saliency_file["index"], "target": saliency_file["targets"], "delta": saliency_file["delta"],
            "max_pair_delta": saliency_file.get("max_pair_delta", np.full(n, np.nan, dtype=np.float32))}))
    table = pd.concat(frames, ignore_index=True)[CONVERGENCE_COLUMNS] if frames else pd.DataFrame(
        columns=CONVERGENCE_COLUMNS)
    write_table(table, output)
    return table
