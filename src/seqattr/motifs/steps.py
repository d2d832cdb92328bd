"""The motifs stage's steps, one per rule: files in, files out (workflow/scripts/ only plumb).

Every step reads the saliency stage's evaluation set (the same seeded sample of the test
split), so patterns, enrichment and recall refer to the same sequences. The numba-heavy
steps (TF-MoDISco, TOMTOM, FIMO) run in their own jobs, apart from the torch ones, with
numba's cache in a writable folder (`use_numba_cache`).

Hypothetical-contribution file of ISM (.npz): index (N,) rows of the test split, targets
(N,), hypothetical (N, 4, L) float32, seconds (the mutagenesis's wall time).
Patterns file (.npz): per pattern, name, sign, n_seqlets and its trimmed PPM and CWM.
The other files of a (classifier, method) are in the formats other tools read (seqattr.motifs.formats).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from seqattr.data.encoding import load_encoded
from seqattr.figures import save_figure
from seqattr.io import read_json, save_npz, write_table
from seqattr.motifs.contributions import attention_hypothetical, saturation_mutagenesis, stored_hypothetical
from seqattr.motifs.database import Motif, planted_motifs, read_meme
from seqattr.motifs.discovery import run_modisco
from seqattr.motifs.enrichment import enrichment_table, motif_presence
from seqattr.motifs.figures import match_figure
from seqattr.motifs.formats import (modisco_report, seqlet_bed, write_attribution_bigwig, write_bed, write_discovered_meme,
                                    write_modisco_h5)
from seqattr.motifs.matching import match_table
from seqattr.runtime import resolve_device
from seqattr.saliency.attribution import predict
from seqattr.saliency.steps import load_classifier
from seqattr.saliency.summary_steps import evaluation_set

log = logging.getLogger(__name__)

DISCOVERY_OPTIONS = ("window", "flank", "max_seqlets", "n_leiden_runs", "min_metacluster_size",
                     "final_min_cluster_size", "trim_threshold")


def use_numba_cache(folder, threads: int | None = None) -> None:
    """Point numba's on-disk cache at a writable folder (site-packages may be read-only)
    and give it the job's threads, before numba is first imported; a NUMBA_CACHE_DIR or
    NUMBA_NUM_THREADS already set wins."""
    if "numba" in sys.modules:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(folder).resolve()))
    if threads:
        os.environ.setdefault("NUMBA_NUM_THREADS", str(threads))


def planted_database(planted: dict[str, str], mutation_rate: float) -> list[Motif]:
    return planted_motifs(planted, mutation_rate) if planted else []


def evaluation_rows(encoded_path, n_eval, eval_seed):
    return evaluation_set(encoded_path, n_eval, eval_seed)


def ism(model_path, encoded_path, classes_path, output, *, dataset: str, model: str, n_eval, eval_seed: int,
        target: str = "predicted", batch_size: int = 256, device: str = "auto", threads: int = 1) -> None:
    """tangermeme's saturation mutagenesis of one classifier on the evaluation set."""
    index, encoded = evaluation_rows(encoded_path, n_eval, eval_seed)
    network = load_classifier(model_path, device, threads, model=model, dataset=dataset, classes_path=classes_path,
                              input_length=encoded.length)
    x = encoded.as_float()[index]
    targets = encoded.labels[index].astype(np.int64) if target == "label" else predict(network, torch.as_tensor(x))
    start = time.perf_counter()
    hypothetical = saturation_mutagenesis(network, x, targets, batch_size=batch_size,
                                          device=str(resolve_device(device)))
    seconds = time.perf_counter() - start
    log.info("ISM of %s on %d x %d nt: %.1f s", model_path, len(index), x.shape[2], seconds)
    save_npz(output, index=index, targets=targets, hypothetical=hypothetical, seconds=np.float64(seconds))


def hypothetical_contributions(method: str, source_path, onehot_all: np.ndarray, valid_all: np.ndarray):
    """(index, one-hot (N, 4, L), hypothetical (N, 4, L)) of a saliency file (attention, ig,
    deep_lift_shap) or an ISM file."""
    with np.load(source_path, allow_pickle=False) as data:
        source = {key: data[key] for key in data.files}
    index = source["index"]
    onehot = onehot_all[index].astype(np.float32)
    if method == "attention":
        return index, onehot, attention_hypothetical(source["scores"], onehot, valid_all[index])
    if method in ("ig", "deep_lift_shap"):
        return index, onehot, stored_hypothetical(source, str(source_path))
    return index, onehot, source["hypothetical"].astype(np.float32)


def discover(source_path, encoded_path, database_path, table_output, patterns_output, png, pdf, *, method: str,
             title: str, planted: dict[str, str], mutation_rate: float, min_seqlets: int,
             min_information: float, top: int, options: dict, min_mean_information: float = 0.0,
             name: str, meme_output, h5_output, bed_output, report_output, bigwig_output) -> None:
    """TF-MoDISco patterns of one (classifier, method), named `name/pattern`: their TOMTOM
    matches (motifs.tsv), the patterns file, the logo figure, and the files other tools
    read (seqattr.motifs.formats): MEME, modisco_results.h5, seqlet BED6, modisco's report,
    the attribution bigWig (both on the genome when the dataset has coordinates)."""
    encoded = load_encoded(encoded_path)
    database = read_meme(database_path) + planted_database(planted, mutation_rate)
    index, onehot, hypothetical = hypothetical_contributions(method, source_path, encoded.as_float(), encoded.mask)
    start = time.perf_counter()
    result = run_modisco(onehot, hypothetical, **{key: options[key] for key in DISCOVERY_OPTIONS})
    patterns = result.patterns
    log.info("TF-MoDISco on %s (%d sequences): %d patterns in %.1f s", source_path, len(index), len(patterns),
             time.perf_counter() - start)
    start = time.perf_counter()
    table = match_table(patterns, database, min_seqlets=min_seqlets, min_information=min_information,
                        min_mean_information=min_mean_information, top=top)
    log.info("TOMTOM against %d motifs: %.1f s", len(database), time.perf_counter() - start)
    write_table(table, table_output)
    save_npz(patterns_output, name=np.array([p.name for p in patterns], dtype=str),
             sign=np.array([p.sign for p in patterns], dtype=np.int64),
             n_seqlets=np.array([p.n_seqlets for p in patterns], dtype=np.int64),
             ppm=np.concatenate([p.ppm for p in patterns], axis=1) if patterns else np.zeros((4, 0)),
             cwm=np.concatenate([p.cwm for p in patterns], axis=1) if patterns else np.zeros((4, 0)),
             width=np.array([p.ppm.shape[1] for p in patterns], dtype=np.int64))  # ppm/cwm split at these widths
    figure = match_figure(patterns, table, {motif.id: motif for motif in database}, title)
    save_figure(figure, png, pdf)
    write_discovered_meme(patterns, name, meme_output)
    write_modisco_h5(result, h5_output)
    coordinates = None if encoded.coordinates is None else encoded.coordinates[index]
    write_bed(seqlet_bed(h5_output, patterns, encoded.ids[index], name, coordinates), bed_output)
    write_attribution_bigwig(encoded.ids[index], onehot, hypothetical, bigwig_output, coordinates)
    start = time.perf_counter()
    modisco_report(h5_output, database, report_output, n_patterns=len(patterns),
                   trim_threshold=options["trim_threshold"])
    log.info("modisco report: %.1f s", time.perf_counter() - start)


def enrichment(encoded_path, classes_path, database_path, output, *, n_eval, eval_seed: int,
               threshold: float) -> None:
    """The FIMO + Fisher baseline of one dataset's evaluation set."""
    index, encoded = evaluation_rows(encoded_path, n_eval, eval_seed)
    database = read_meme(database_path)
    start = time.perf_counter()
    presence = motif_presence(database, encoded.as_float()[index], threshold)
    log.info("FIMO of %d motifs over %d sequences: %.1f s", len(database), len(index), time.perf_counter() - start)
    table = enrichment_table(database, presence, encoded.labels[index], list(read_json(classes_path)))
    write_table(table, output)
