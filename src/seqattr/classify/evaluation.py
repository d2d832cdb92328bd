"""Classifier evaluation: accuracy, macro F1 and AUROC per split, and the sweep's table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from scipy.stats import rankdata

from seqattr.classify import format_ratio
from seqattr.classify.engine import predict_logits, validation_split
from seqattr.classify.tables import METRIC_COLUMNS, PREDICTION_COLUMNS

DIGITS = 6  # fixed rounding so reruns give identical bytes


def binary_auroc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve via the rank-sum (Mann-Whitney U) identity, ties averaged."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def classification_metrics(logits: torch.Tensor, labels: np.ndarray) -> dict:
    """accuracy, macro F1, and AUROC (binary: class 1 vs 0; more classes: macro one-vs-rest)."""
    probabilities = torch.softmax(logits.float(), dim=1).cpu().numpy()
    predicted = probabilities.argmax(1)
    n_classes = probabilities.shape[1]
    f1s = []
    for k in range(n_classes):
        tp = np.sum((predicted == k) & (labels == k))
        denominator = np.sum(predicted == k) + np.sum(labels == k)
        f1s.append(2 * tp / denominator if denominator else 0.0)
    if n_classes == 2:
        auroc = binary_auroc(probabilities[:, 1], labels == 1)
    else:
        auroc = float(np.nanmean([binary_auroc(probabilities[:, k], labels == k) for k in range(n_classes)]))
    return {"accuracy": float(np.mean(predicted == labels)), "f1": float(np.mean(f1s)), "auroc": auroc,
            "n": int(len(labels))}


def stopped_early(extra: dict) -> bool | None:
    """Whether early stopping ended training. Checkpoints written before the flag existed
    stopped early exactly when they trained fewer epochs than the cap (None: unknown)."""
    if "stopped_early" in extra:
        return bool(extra["stopped_early"])
    if "epochs" in extra.get("training", {}):
        return int(extra["epochs"]) < int(extra["training"]["epochs"])
    return None


def evaluate_model(model, checkpoint: dict, train, test, dataset: str, device,
                   batch_size: int = 1024) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metrics of one trained classifier on its validation split (recomputed from the
    checkpoint's seed and fraction) and on the test split, as one small table, and its
    test-split predictions (PREDICTION_COLUMNS: probability of the predicted class), which
    the paired comparison of classifiers resamples.

    `checkpoint` is the dict `read_checkpoint` returns; `train` and `test` are EncodedSets.
    """
    extra, training = checkpoint["extra"], checkpoint["extra"]["training"]
    eval_ratio = training["mask_ratio"] if training.get("eval_masking") else 0.0
    _, val_index = validation_split(len(train), training["val_fraction"], training["seed"])
    rows = []
    for split, encoded, index in (("val", train, val_index), ("test", test, np.arange(len(test)))):
        x = torch.from_numpy(encoded.as_float()[index]).to(device)
        logits = predict_logits(model, x, batch_size=batch_size, mask_ratio=eval_ratio,
                                bf16=bool(training.get("bf16")))
        rows.append({"dataset": dataset, "model": checkpoint["model_name"],
                     "mask_ratio": format_ratio(training["mask_ratio"]), "seed": int(training["seed"]),
                     "split": split, **classification_metrics(logits, encoded.labels[index]),
                     "epochs": extra["epochs"], "best_epoch": extra.get("best_epoch"),
                     "stopped_early": stopped_early(extra)})
    probabilities = torch.softmax(logits.float(), dim=1).cpu().numpy()  # the test split's, the loop's last
    predictions = pd.DataFrame({"id": test.ids, "label": test.labels, "predicted": probabilities.argmax(1),
                                "probability": probabilities.max(1).round(DIGITS)}, columns=PREDICTION_COLUMNS)
    metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS).round({"accuracy": DIGITS, "f1": DIGITS, "auroc": DIGITS})
    return metrics, predictions
