"""The saliency stage's steps, one per rule: files in, files out (workflow/scripts/ only plumb);
the summary rules' steps and the evaluation set, without torch, are in summary_steps.py.

The evaluation set is the same seeded sample of the test split for every classifier
and method (`evaluation_indices(n_test, n_eval, eval_seed)`, the workflow's one
subsampler), so saliency files, perturbation curves and motif recovery all refer to the
same sequences. Several inputs arrive as dicts keyed by what each file is (a method, a
dataset), built by the rule from the path helpers, never as parallel lists.

Saliency file (.npz): ids (N,), index (N,) rows of the test split, labels (N,),
predictions (N,), targets (N,) the class explained, scores (N, L) float32, delta (N,)
convergence delta of IG and DeepLIFT/SHAP (NaN for other methods); IG files also hold
hypothetical (N, 4, L) float32, the path-averaged gradient (scores = its product with the
input, summed over the bases), which the motifs stage reads as per-base hypothetical
contributions; DeepLIFT/SHAP files hold its hypothetical contributions (averaged over the
references) and max_pair_delta (N,), the largest |delta| over a sequence's references.
"""

from __future__ import annotations

import logging

import numpy as np
import torch

from seqattr import InputError
from seqattr.classify.evaluation import stopped_early
from seqattr.classify.models import expectation, load_checkpoint, read_checkpoint
from seqattr.data.encoding import load_encoded
from seqattr.io import read_json, save_npz, write_table
from seqattr.runtime import resolve_device, set_threads
from seqattr.saliency.attribution import saliency_scores
from seqattr.saliency.perturbation import perturbation_accuracy
from seqattr.saliency.summary_steps import PERTURBATION_COLUMNS, evaluation_set, read_saliency

log = logging.getLogger(__name__)


def load_classifier(path, device: str = "auto", threads: int = 1, *, model: str, dataset: str, classes_path,
                    input_length: int):
    """The trained classifier on the configured device (auto: CUDA when present), in eval
    mode, after checking that the file is `model` trained on `dataset`, its classes and
    input length (CheckpointError naming the file and both values otherwise)."""
    set_threads(threads)
    expected = expectation(model, dataset, read_json(classes_path), input_length)
    return load_checkpoint(path, map_location=resolve_device(device), expected=expected).eval()


def saliency(model_path, encoded_path, classes_path, output, *, method: str, dataset: str, model: str,
             n_eval: int | None, eval_seed: int, target: str = "predicted", ig_steps: int = 50, ig_internal_batch_size: int = 1024,
             ig_baseline: float = 0.0, batch_size: int = 256, deep_lift_shap_shuffles: int = 20,
             deep_lift_shap_seed: int = 0, deep_lift_shap_tolerance: float = 1e-3, device: str = "auto",
             threads: int = 1) -> None:
    """One method's saliency of one classifier on the evaluation set; a deep_lift_shap whose
    largest per-pair convergence delta exceeds `deep_lift_shap_tolerance` is an InputError
    naming the key and the worst sequence, and writes nothing."""
    torch.manual_seed(0)
    index, encoded = evaluation_set(encoded_path, n_eval, eval_seed)
    network = load_classifier(model_path, device, threads, model=model, dataset=dataset, classes_path=classes_path,
                              input_length=encoded.length)
    x = encoded.as_float()[index]
    log.info("%s saliency of %s on %d x %d nt (target: %s)", method, model_path, len(index), x.shape[2], target)
    result = saliency_scores(network, x, method, labels=encoded.labels[index], target=target, ig_steps=ig_steps,
                             ig_internal_batch_size=ig_internal_batch_size, ig_baseline=ig_baseline,
                             batch_size=batch_size, shuffles=deep_lift_shap_shuffles,
                             shuffle_seed=deep_lift_shap_seed)
    if result.max_pair_delta is not None:
        check_convergence(result.max_pair_delta, encoded.ids[index], deep_lift_shap_tolerance, model_path)
    extra = {} if result.hypothetical is None else {"hypothetical": result.hypothetical}
    if result.max_pair_delta is not None:
        extra["max_pair_delta"] = result.max_pair_delta
    save_npz(output, ids=encoded.ids[index], index=index, labels=encoded.labels[index],
             predictions=result.predictions, targets=result.targets, scores=result.scores, delta=result.delta,
             **extra)


def check_convergence(max_pair_delta: np.ndarray, ids: np.ndarray, tolerance: float, source) -> None:
    """InputError when a sequence's largest DeepLIFT/SHAP convergence delta exceeds the tolerance."""
    over = np.flatnonzero(~(max_pair_delta <= tolerance))  # NaN counts as over
    if len(over):
        worst = over[np.nanargmax(np.where(np.isnan(max_pair_delta[over]), np.inf, max_pair_delta[over]))]
        raise InputError(f"{source}: DeepLIFT/SHAP convergence deltas of {len(over)} of {len(ids)} sequences exceed "
                         f"saliency.deep_lift_shap_tolerance ({tolerance:g}); the largest is "
                         f"{max_pair_delta[worst]:.3g} (sequence {ids[worst]}). A layer without a DeepLIFT rule is "
                         f"treated as linear (docs/saliency.md); raise the tolerance or use ig")


def perturbation(model_path, encoded_path, classes_path, output, *, saliency_files: dict[str, str], classifier: dict,
                 fractions, removal: str, eval_seed: int, device: str = "auto", threads: int = 1) -> None:
    """The perturbation curves of one classifier (`classifier`: dataset, model, mask_ratio,
    seed), every method of `saliency_files` (method -> saliency file), as PERTURBATION_COLUMNS."""
    encoded = load_encoded(encoded_path)
    network = load_classifier(model_path, device, threads, model=classifier["model"], dataset=classifier["dataset"],
                              classes_path=classes_path, input_length=encoded.length)
    scores, index = {}, None
    for method, path in saliency_files.items():
        saliency_file = read_saliency(path)
        if index is not None and not np.array_equal(index, saliency_file["index"]):
            raise InputError(f"{path}: evaluated other sequences than {next(iter(saliency_files.values()))}")
        index, scores[method] = saliency_file["index"], saliency_file["scores"]
    if index is None or index.max(initial=-1) >= len(encoded):
        raise InputError(f"{encoded_path}: has {len(encoded)} sequences; the saliency files index beyond it")
    x = encoded.as_float()[index]
    log.info("perturbation test of %s: %d sequences, methods %s", model_path, len(index), ", ".join(scores))
    table = perturbation_accuracy(network, x, encoded.labels[index], scores, fractions, removal, eval_seed,
                                  valid=encoded.mask[index])
    table.insert(0, "dataset", classifier["dataset"])
    table.insert(1, "model", classifier["model"])
    table.insert(2, "mask_ratio", float(classifier["mask_ratio"]))
    table.insert(3, "seed", int(classifier["seed"]))
    table["stopped_early"] = training_ended_early(model_path)
    write_table(table[PERTURBATION_COLUMNS], output)


def training_ended_early(model_path) -> bool | None:
    """The checkpoint's record of whether early stopping ended its training."""
    return stopped_early(read_checkpoint(model_path)["extra"])
