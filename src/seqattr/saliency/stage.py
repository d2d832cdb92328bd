"""The saliency stage's file-level steps, one function per rule (scripts/ only plumb).

The evaluation set is the same seeded sample of the test split for every classifier
and method (`evaluation_indices(n_test, n_eval, eval_seed)`), so saliency files,
perturbation curves and motif recovery all refer to the same sequences.

Saliency file (.npz): ids (N,), index (N,) rows of the test split, labels (N,),
predictions (N,), targets (N,) the class explained, scores (N, L) float32, delta (N,)
IG convergence delta (NaN for other methods).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from seqattr import InputError
from seqattr.encoding import load_encoded
from seqattr.io import read_json, read_table, save_npz, write_table
from seqattr.saliency.recovery import motif_truth, recovery_summary

# torch and Captum are imported inside the steps that run a model: the table and figure
# jobs then start in a fraction of the time.

log = logging.getLogger(__name__)

PERTURBATION_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "order", "fraction", "accuracy", "n"]
RECOVERY_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "auroc_mean", "auroc_sd", "auprc_mean", "n"]


def load_classifier(path, threads: int = 1):
    """The trained classifier on CUDA when there is one, else on the CPU with `threads`."""
    import torch

    from seqattr.models import load_checkpoint  # the classify stage's loader

    torch.set_num_threads(threads)
    model = load_checkpoint(path, map_location="cpu")
    if torch.cuda.is_available():
        model = model.to("cuda")
    return model.eval()


def evaluation_indices(n_total: int, n_eval: int | None, seed: int, source: str = "test split") -> np.ndarray:
    """Sorted row indices of a seeded sample of n_eval rows (all rows when n_eval is None)."""
    if n_eval is None:
        return np.arange(n_total)
    if n_eval > n_total:
        raise InputError(f"{source}: saliency.n_eval is {n_eval} but the test split has only {n_total} "
                         f"sequences; lower saliency.n_eval (or null for the whole split)")
    return np.sort(np.random.default_rng(seed).choice(n_total, size=n_eval, replace=False))


def evaluation_set(encoded_path, n_eval: int | None, eval_seed: int):
    """(index, EncodedSet) of the evaluation sample of a test split."""
    encoded = load_encoded(encoded_path)
    index = evaluation_indices(len(encoded), n_eval, eval_seed, source=str(encoded_path))
    return index, encoded


def read_saliency(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def compute_saliency(model_path, encoded_path, output, method: str, n_eval: int | None, eval_seed: int,
                     target: str = "predicted", ig_steps: int = 50, ig_internal_batch_size: int = 1024,
                     ig_baseline: float = 0.0, batch_size: int = 256, threads: int = 1) -> None:
    import torch

    from seqattr.saliency.attribution import saliency_scores

    torch.manual_seed(0)
    model = load_classifier(model_path, threads)
    index, encoded = evaluation_set(encoded_path, n_eval, eval_seed)
    x = encoded.as_float()[index]
    log.info("%s saliency of %s on %d x %d nt (target: %s)", method, model_path, len(index), x.shape[2], target)
    result = saliency_scores(model, x, method, labels=encoded.labels[index], target=target, ig_steps=ig_steps,
                             ig_internal_batch_size=ig_internal_batch_size, ig_baseline=ig_baseline,
                             batch_size=batch_size)
    save_npz(output, ids=encoded.ids[index], index=index, labels=encoded.labels[index],
             predictions=result.predictions, targets=result.targets, scores=result.scores, delta=result.delta)


def perturbation_table(model_path, encoded_path, saliency_paths: dict[str, str], output, fractions,
                       removal: str, eval_seed: int, dataset: str, model: str, mask_ratio, seed,
                       threads: int = 1) -> None:
    """The perturbation curves of one classifier, every method, as PERTURBATION_COLUMNS."""
    from seqattr.saliency.perturbation import perturbation_accuracy

    classifier = load_classifier(model_path, threads)
    encoded = load_encoded(encoded_path)
    scores, index = {}, None
    for method, path in saliency_paths.items():
        saliency = read_saliency(path)
        if index is not None and not np.array_equal(index, saliency["index"]):
            raise InputError(f"{path}: evaluated other sequences than {next(iter(saliency_paths.values()))}")
        index, scores[method] = saliency["index"], saliency["scores"]
    if index is None or index.max(initial=-1) >= len(encoded):
        raise InputError(f"{encoded_path}: has {len(encoded)} sequences; the saliency files index beyond it")
    x = encoded.as_float()[index]
    log.info("perturbation test of %s: %d sequences, methods %s", model_path, len(index), ", ".join(scores))
    table = perturbation_accuracy(classifier, x, encoded.labels[index], scores, fractions, removal, eval_seed,
                                  valid=encoded.mask[index])
    table.insert(0, "dataset", dataset)
    table.insert(1, "model", model)
    table.insert(2, "mask_ratio", float(mask_ratio))
    table.insert(3, "seed", int(seed))
    write_table(table[PERTURBATION_COLUMNS], output)


def combine_tables(paths, output, columns) -> pd.DataFrame:
    frames = [read_table(path) for path in paths]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    write_table(table, output)
    return table


def chance_levels(encoded_paths: dict[str, str], n_eval: int | None, eval_seed: int) -> dict[str, float]:
    """Per dataset, the accuracy of always predicting the evaluation set's majority class."""
    levels = {}
    for dataset, path in encoded_paths.items():
        index, encoded = evaluation_set(path, n_eval, eval_seed)
        counts = np.bincount(encoded.labels[index])
        levels[dataset] = float(counts.max() / counts.sum()) if counts.sum() else float("nan")
    return levels


def motif_recovery_table(entries: list[dict], saliency_paths, motifs_paths: dict[str, str], output) -> pd.DataFrame:
    """AUROC/AUPRC of each saliency file against its dataset's planted motifs.

    `entries[i]` (dataset, model, mask_ratio, seed, method) describes `saliency_paths[i]`.
    """
    motifs = {dataset: read_table(path, dtype={"id": str}) for dataset, path in motifs_paths.items()}
    rows = []
    for entry, path in zip(entries, saliency_paths, strict=True):
        saliency = read_saliency(path)
        truth = motif_truth(motifs[entry["dataset"]], saliency["ids"], saliency["scores"].shape[1])
        summary = recovery_summary(saliency["scores"], truth)
        log.info("%s: motif AUROC %.3f over %d sequences", path, summary["auroc_mean"], summary["n"])
        rows.append({"dataset": entry["dataset"], "model": entry["model"], "mask_ratio": float(entry["mask_ratio"]),
                     "seed": int(entry["seed"]), "method": entry["method"], **summary})
    table = pd.DataFrame(rows, columns=RECOVERY_COLUMNS)
    write_table(table, output)
    return table


def classes_of(path) -> list[str]:
    return list(read_json(path))


def classifier_label(model: str, mask_ratio, seed) -> str:
    return f"{model} r={float(mask_ratio):g} s={seed}" if model != "cnn" else f"cnn s={seed}"


def perturbation_summary(table_paths, encoded_paths: dict[str, str], n_eval: int | None, eval_seed: int,
                         output, figure) -> None:
    from seqattr.saliency.figures import perturbation_figure

    table = combine_tables(table_paths, output, PERTURBATION_COLUMNS)
    perturbation_figure(table, chance_levels(encoded_paths, n_eval, eval_seed), figure)


def motif_recovery(entries: list[dict], saliency_paths, motifs_paths: dict[str, str], output, figure) -> None:
    from seqattr.saliency.figures import motif_recovery_figure

    motif_recovery_figure(motif_recovery_table(entries, saliency_paths, motifs_paths, output), figure)


def attribution_logos(encoded_path, saliency_paths: dict[str, str], classes_path, output, title: str,
                      motifs_path=None, width: int = 60) -> None:
    from seqattr.saliency.figures import attribution_logos as draw

    saliency = {method: read_saliency(path) for method, path in saliency_paths.items()}
    first = next(iter(saliency.values()))
    onehot = load_encoded(encoded_path).onehot[first["index"]]
    truth = None
    if motifs_path:
        truth = motif_truth(read_table(motifs_path, dtype={"id": str}), first["ids"], onehot.shape[2])
    draw(onehot, saliency, classes_of(classes_path), title, output, truth, width)


def saliency_heatmap(entries: list[dict], saliency_paths, classes_path, output, title: str) -> None:
    """`entries[i]` (model, mask_ratio, seed, method) describes `saliency_paths[i]`."""
    from seqattr.saliency.figures import class_means, saliency_heatmap as draw

    classes = classes_of(classes_path)
    panels = []
    for entry, path in zip(entries, saliency_paths, strict=True):
        saliency = read_saliency(path)
        label = classifier_label(entry["model"], entry["mask_ratio"], entry["seed"])
        panels.append((label, entry["method"], class_means(saliency["scores"], saliency["labels"], len(classes))))
    draw(panels, classes, title, output)


def saliency_figures(runs: list[dict], entries: list[dict], saliency_paths, encoded_paths: dict[str, str],
                     classes_paths: dict[str, str], motifs_paths: dict[str, str], logo_outputs, heatmap_outputs,
                     width: int = 60) -> None:
    """Attribution logos of each classifier (`runs[i]` -> `logo_outputs[i]`) and the heatmap
    of each dataset (in `encoded_paths` order -> `heatmap_outputs`); `entries[i]` describes
    `saliency_paths[i]`."""
    path_of = {tuple(str(entry[k]) for k in ("dataset", "model", "mask_ratio", "seed", "method")): path
               for entry, path in zip(entries, saliency_paths, strict=True)}
    for run, output in zip(runs, logo_outputs, strict=True):
        key = tuple(str(run[k]) for k in ("dataset", "model", "mask_ratio", "seed"))
        methods = {k[4]: path for k, path in path_of.items() if k[:4] == key}
        dataset = run["dataset"]
        attribution_logos(encoded_paths[dataset], methods, classes_paths[dataset], output,
                          title=f"{dataset}: {classifier_label(run['model'], run['mask_ratio'], run['seed'])}",
                          motifs_path=motifs_paths.get(dataset), width=width)
    for dataset, output in zip(encoded_paths, heatmap_outputs, strict=True):
        rows = [(entry, path) for entry, path in zip(entries, saliency_paths) if entry["dataset"] == dataset]
        saliency_heatmap([entry for entry, _ in rows], [path for _, path in rows], classes_paths[dataset], output,
                         title=f"{dataset}: mean saliency by position and class")
