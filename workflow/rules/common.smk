# What a run asks for, where each artefact lives, and what it delivers: every stage's
# rules read their paths and lists from here, and `rule all` asks `final_outputs()`.
# Nothing here imports torch or Biopython: `snakemake -n` pays for neither.
# Small, short jobs (tables, figures, the manifest) are marked `localrule: True` in their
# rule: they run where Snakemake runs, not on a cluster; per rule, unlike `localrules:`,
# the mark still holds when seqattr is used as a module (docs/running.md).
import math
import os
import re
from pathlib import Path

from seqattr.classify import TRAINING_KEYS, format_ratio
from seqattr.data.local import input_files as local_input_files
from seqattr.gama.options import IG_OPTION_KEYS
from seqattr.gama_validation.experiments import expand_grid
from seqattr.names import classifier_name

RUN = config["run"]
RESULTS = f"results/{RUN}"
LOGS = f"{RESULTS}/logs"
BENCHMARKS = f"{RESULTS}/benchmarks"  # Snakemake's benchmark: files (time and memory per job)
FIGURES = f"{RESULTS}/figures"

DATASETS = config["datasets"]
CLASSIFY = config["classify"]
SALIENCY = config["saliency"]
GENERATIVE = config["generative"]
GAMA = config["gama"]
GRID = config.get("gama_grid")

# The options each attribution job reads (not threads, gpu or figure settings): only
# these are its params, so changing another key reruns nothing.
SALIENCY_OPTIONS = (
    "n_eval",
    "eval_seed",
    "target",
    "ig_steps",
    "ig_internal_batch_size",
    "ig_baseline",
    "batch_size",
    "deep_lift_shap_shuffles",
    "deep_lift_shap_seed",
    "deep_lift_shap_tolerance",
    "device",
)
GAMA_SCORING_OPTIONS = ("metrics", "reductions", "scorings", "bootstrap", "seed")


def name_pattern(names):
    """A wildcard constraint that matches exactly these names (and nothing when empty)."""
    return "|".join(map(re.escape, map(str, names))) if names else "(?!)"


def unique(items):
    return list(dict.fromkeys(items))


# --- what the config asks for -------------------------------------------------------


def datasets_with_source(*sources):
    return [name for name, spec in DATASETS.items() if spec["source"] in sources]


SYNTHETIC_DATASETS = datasets_with_source("synthetic")
IMPORTED_DATASETS = datasets_with_source("local", "genomic_benchmarks")


def model_ratios(model):
    """Mask ratios (file-name strings) trained for a model: the CNN has no masking."""
    if model != "attngen":
        return [format_ratio(0)]
    return [format_ratio(r) for r in CLASSIFY["mask_ratios"]]


def training_params(model):
    """What a training job reads from `classify`: the engine's keys and its model's section."""
    return {**{key: CLASSIFY[key] for key in TRAINING_KEYS}, model: CLASSIFY[model]}


# Every trained classifier: dataset, model, mask_ratio (file-name string), seed.
CLASSIFIER_RUNS = [
    {"dataset": dataset, "model": model, "mask_ratio": ratio, "seed": seed}
    for dataset in DATASETS
    for model in CLASSIFY["models"]
    for ratio in model_ratios(model)
    for seed in CLASSIFY["seeds"]
]


def saliency_methods(model):
    return SALIENCY["methods"].get(model, [])


ATTRIBUTED_RUNS = [run for run in CLASSIFIER_RUNS if saliency_methods(run["model"])]
SALIENCY_ENTRIES = [dict(run, method=method) for run in ATTRIBUTED_RUNS for method in saliency_methods(run["model"])]
SALIENCY_DATASETS = unique(run["dataset"] for run in ATTRIBUTED_RUNS)
RECOVERY_ENTRIES = [entry for entry in SALIENCY_ENTRIES if entry["dataset"] in SYNTHETIC_DATASETS]
RECOVERY_DATASETS = unique(entry["dataset"] for entry in RECOVERY_ENTRIES)
# The saliency files with convergence deltas, gathered per sequence into one table.
CONVERGENCE_ENTRIES = [entry for entry in SALIENCY_ENTRIES if entry["method"] in ("ig", "deep_lift_shap")]

GENERATIVE_SETS = list(GENERATIVE["sets"])
SYNTHETIC_POSITIVE_SETS = [s for s in GENERATIVE_SETS if GENERATIVE["sets"][s]["source"] == "synthetic"]
REAL_POSITIVE_SETS = [s for s in GENERATIVE_SETS if GENERATIVE["sets"][s]["source"] != "synthetic"]
GROUND_TRUTH_SETS = [s for s in GENERATIVE_SETS if GENERATIVE["sets"][s]["source"] == "absolut"]
# Sets with non-binders (`negatives:`): GAMA is also scored against binders vs non-binders.
NEGATIVE_SETS = [s for s in REAL_POSITIVE_SETS if GENERATIVE["sets"][s].get("negatives")]


def shared_input(path):
    """A data file that the config names outside results/ (a local dataset, a real set, a
    reference set), marked `local()`: with a default storage provider (cloud executors,
    profiles/kubernetes) Snakemake reads it at the path the config gives instead of
    mapping it into the storage bucket (docs/running.md, "Kubernetes and cloud executors")."""
    return local(path)


def local_dataset_files(spec):
    """A local dataset's input files (`datasets.<name>.local`), as shared inputs."""
    return [shared_input(path) for path in local_input_files(spec)]


def real_set_files(name):
    """A real set's input files: its own, and its non-binders' when it has them."""
    spec = GENERATIVE["sets"][name]
    paths = [spec["path"]] + ([spec["negatives"]["path"]] if spec.get("negatives") else [])
    return [shared_input(path) for path in paths]


GRID_EXPERIMENTS = expand_grid(GRID) if GRID else {}


# --- the classify stage's attention option (checked with the config, `seqattr.classify.checks`)
from seqattr.classify import attention_options


def train_params(model):
    """The training job's params: the engine's keys and the model's section, and for AttnGen
    `attention` only when it concentrates (a default run's params, hence its jobs, are as before)."""
    params = training_params(model)
    if model == "attngen" and attention_options(CLASSIFY.get("attention")):
        params["attention"] = CLASSIFY["attention"]
    return params


# --- the GAMA stage: which models and backgrounds its metrics read ----------------------
from seqattr.errors import ConfigError
from seqattr.gama.vocabulary import needs_negatives, needs_null_model, needs_trained_model

# Whether the metrics read a null model's IG, the trained model itself, and each set's
# non-binders (the torch-free vocabulary says what each metric needs).
GAMA_NEEDS_NULL = needs_null_model(GAMA["metrics"])
GAMA_NEEDS_INFORMATION = needs_trained_model(GAMA["metrics"])
GAMA_BACKGROUND = GAMA["information_background"]
if needs_negatives(GAMA["metrics"], GAMA_BACKGROUND):
    for _name in GENERATIVE_SETS:
        if _name not in NEGATIVE_SETS:
            raise ConfigError(
                f"gama.information_background: negatives, but generative.sets.{_name} has no "
                "negatives: give it its non-binders, or a reference set, or uniform"
            )


def information_background_files(wildcards):
    """The file the information baseline's background is read from: the set's non-binders
    or the reference set; none for uniform or when no information metric is computed."""
    if not GAMA_NEEDS_INFORMATION or GAMA_BACKGROUND == "uniform":
        return []
    if GAMA_BACKGROUND == "negatives":
        return [generative_file("negatives.tsv.gz", wildcards.set)]
    return [shared_input(GAMA_BACKGROUND["path"])]


# --- one path helper per artefact -----------------------------------------------------
# Called with no arguments a helper gives the rule's pattern ({dataset}, ...); called
# with values (or a CLASSIFIER_RUNS entry, **run) it gives one concrete file.


def dataset_file(name, dataset="{dataset}"):
    """Canonical data: train.tsv.gz, test.tsv.gz, classes.json, motifs.tsv.gz, hygiene.tsv, summary.tsv."""
    return f"{RESULTS}/data/{dataset}/{name}"


def encoded_file(split, dataset="{dataset}"):
    return f"{RESULTS}/encoded/{dataset}/{split}.npz"


def dataset_overview(ext, dataset="{dataset}"):
    return f"{FIGURES}/data/{dataset}.overview.{ext}"


def classifier_stem(model="{model}", mask_ratio="{mask_ratio}", seed="{seed}"):
    return f"{model}_r{mask_ratio}_s{seed}"


def model_file(dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}", ext="pt"):
    """The trained classifier (ext pt), its history (ext history.tsv) and wall-clock times (ext timing.tsv)."""
    return f"{RESULTS}/models/{dataset}/{classifier_stem(model, mask_ratio, seed)}.{ext}"


def metrics_file(dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}"):
    return f"{RESULTS}/metrics/{dataset}/{classifier_stem(model, mask_ratio, seed)}.tsv"


def predictions_file(dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}"):
    """A classifier's test-split predictions (id, label, predicted, probability)."""
    return f"{RESULTS}/metrics/{dataset}/{classifier_stem(model, mask_ratio, seed)}.predictions.tsv.gz"


CLASSIFICATION_TABLE = f"{RESULTS}/metrics/classification.tsv"
COMPARISON_TABLE = f"{RESULTS}/metrics/comparison.tsv"


def classification_figure(name, ext):
    """learning_curves, accuracy_vs_ratio or comparison."""
    return f"{FIGURES}/classification/{name}.{ext}"


def saliency_file(dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}", method="{method}"):
    return f"{RESULTS}/saliency/{dataset}/{classifier_stem(model, mask_ratio, seed)}.{method}.npz"


def perturbation_file(dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}"):
    return f"{RESULTS}/saliency/perturbation/{dataset}/{classifier_stem(model, mask_ratio, seed)}.tsv"


def saliency_table(name):
    """perturbation, deletion, motif_recovery or convergence."""
    return f"{RESULTS}/saliency/{name}.tsv"


def saliency_figure(name, ext):
    """perturbation, deletion or motif_recovery."""
    return f"{FIGURES}/saliency/{name}.{ext}"


def logos_figure(ext, dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}"):
    return f"{FIGURES}/saliency/{dataset}/{classifier_stem(model, mask_ratio, seed)}.logos.{ext}"


def heatmap_figure(ext, dataset="{dataset}"):
    return f"{FIGURES}/saliency/{dataset}/heatmap.{ext}"


def generative_file(name, set="{set}"):
    """sequences.tsv.gz, truth.tsv, hygiene.tsv, samples.tsv.gz, sample_summary.tsv."""
    return f"{RESULTS}/generative/{set}/{name}"


def replicate_file(name, set="{set}", replicate="{replicate}"):
    """One replicate's models: initial.pt, trained.pt, history.tsv, timing.tsv."""
    return f"{RESULTS}/generative/{set}/replicate{replicate}/{name}"


def generative_figure(kind, ext, set="{set}"):
    """logo or nll."""
    return f"{FIGURES}/generative/{set}.{kind}.{ext}"


def gama_file(name, set="{set}"):
    """gama_matrix.tsv, profile.tsv (means over the replicates), ground_truth.tsv,
    ground_truth_replicates.tsv, mode_agreement.tsv."""
    return f"{RESULTS}/gama/{set}/{name}"


def gama_replicate_file(name, set="{set}", replicate="{replicate}"):
    """One replicate's ig_initial.pt and ig_trained.pt (each model's IG tensors),
    gama_matrix.tsv, profile.tsv and bootstrap.tsv.gz."""
    return f"{RESULTS}/gama/{set}/replicate{replicate}/{name}"


REPLICATES = list(range(1, GAMA["replicates"] + 1))


def gama_replicate_files(name, set):
    """`gama_replicate_file(name)` of every replicate of a set (an input function's list)."""
    return [gama_replicate_file(name, set, replicate) for replicate in REPLICATES]


def gama_figure(kind, ext, set="{set}"):
    """heatmap, profile or ground_truth."""
    return f"{FIGURES}/gama/{set}.{kind}.{ext}"


def grid_experiment_file(experiment="{experiment}", ext="tsv"):
    """An experiment's table (ext tsv) and its wall-clock seconds (ext timing.tsv)."""
    return f"{RESULTS}/gama/grid/{experiment}.{ext}"


GRID_TABLE = f"{RESULTS}/gama/grid.tsv"
GRID_TIMING_TABLE = f"{RESULTS}/gama/grid.timing.tsv"
# The dependency benchmark (gama_grid.design: dependency) also ranks edges per experiment
# and summarises edge AUPRC, position AUROC and the null set's FPR per scoring.
DEPENDENCY_GRID = bool(GRID) and GRID.get("design", "logic") == "dependency"
GRID_SUMMARY_TABLE = f"{RESULTS}/gama/grid_summary.tsv"


def grid_figure(ext):
    return f"{FIGURES}/gama/{'grid_dependency' if DEPENDENCY_GRID else 'grid_fnr'}.{ext}"


def grid_experiment_outputs():
    """The experiment rule's outputs: its table and timing, and a dependency experiment's edges."""
    outputs = {"table": grid_experiment_file(), "timing": grid_experiment_file(ext="timing.tsv")}
    if DEPENDENCY_GRID:
        outputs["edges"] = grid_experiment_file(ext="edges.tsv")
    return outputs


def grid_summary_outputs():
    """The summary rule's tables: the stacked grid and timings, and the dependency summary."""
    outputs = {"timing": GRID_TIMING_TABLE, "table": GRID_TABLE}
    if DEPENDENCY_GRID:
        outputs["summary"] = GRID_SUMMARY_TABLE
    return outputs


# --- the motifs stage: which classifiers it explains, by which methods ------------------
MOTIFS = config["motifs"]


def motif_methods(run):
    """The motifs methods (attention, ig, deep_lift_shap, ism) of a classifier run, from `motifs.classifiers`."""
    methods = []
    for spec in MOTIFS["classifiers"]:
        ratio_matches = "mask_ratio" not in spec or format_ratio(spec["mask_ratio"]) == run["mask_ratio"]
        seed_matches = "seed" not in spec or spec["seed"] == run["seed"]
        if spec["model"] == run["model"] and ratio_matches and seed_matches:
            methods += [method for method in spec["methods"] if method not in methods]
    return methods


MOTIF_ENTRIES = [dict(run, attribution=method) for run in CLASSIFIER_RUNS for method in motif_methods(run)]
MOTIF_DATASETS = unique(entry["dataset"] for entry in MOTIF_ENTRIES)
MOTIF_DATABASE = f"{RESULTS}/motifs/database.meme"
PLANTED_RECALL = f"{RESULTS}/motifs/planted_recall.tsv"
BASELINE_OVERLAP = f"{RESULTS}/motifs/baseline_overlap.tsv"
# What motif_discovery writes per (classifier, method) besides its figure.
MOTIF_FORMATS = (
    "motifs.tsv",
    "motifs.meme",
    "modisco_results.h5",
    "seqlets.bed",
    "modisco_report.html",
    "contributions.bw",
)


def ism_file(dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}"):
    """In-silico saturation mutagenesis of a classifier: hypothetical contributions (N, 4, L)."""
    return f"{RESULTS}/motifs/{dataset}/{classifier_stem(model, mask_ratio, seed)}.ism.npz"


def motifs_file(
    name, dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}", attribution="{attribution}"
):
    """A (classifier, method)'s motifs.tsv (TOMTOM matches), patterns.npz (TF-MoDISco), or a file
    other tools read: motifs.meme, modisco_results.h5, seqlets.bed, modisco_report.html, contributions.bw."""
    return f"{RESULTS}/motifs/{dataset}/{classifier_stem(model, mask_ratio, seed)}.{attribution}.{name}"


def motifs_figure(
    ext, dataset="{dataset}", model="{model}", mask_ratio="{mask_ratio}", seed="{seed}", attribution="{attribution}"
):
    return f"{FIGURES}/motifs/{dataset}/{classifier_stem(model, mask_ratio, seed)}.{attribution}.{ext}"


def discovered_meme(dataset="{dataset}"):
    """Every (classifier, method)'s discovered motifs of a dataset in one MEME file."""
    return f"{RESULTS}/motifs/{dataset}/discovered.meme"


def enrichment_file(dataset="{dataset}"):
    """The FIMO + Fisher enrichment baseline of a dataset's evaluation set."""
    return f"{RESULTS}/motifs/{dataset}/enrichment.tsv"


def motifs_source(wildcards):
    """What a discovery job reads its contributions from: the saliency file (attention,
    ig, deep_lift_shap) or the ISM file."""
    run = {key: wildcards[key] for key in ("dataset", "model", "mask_ratio", "seed")}
    if wildcards.attribution == "ism":
        return ism_file(**run)
    return saliency_file(**run, method=wildcards.attribution)


def planted_consensuses(dataset):
    """Planted motif name ('class:CONSENSUS') -> consensus, of a synthetic dataset ({} otherwise)."""
    spec = DATASETS[dataset]
    if spec["source"] != "synthetic":
        return {}
    return {f"{c['name']}:{m.upper()}": m.upper() for c in spec["synthetic"]["classes"] for m in c["motifs"]}


def planted_mutation_rate(dataset):
    spec = DATASETS[dataset]
    return spec["synthetic"].get("mutation_rate", 0.05) if spec["source"] == "synthetic" else 0.0


def motif_report_tables(entry):
    """The motifs stage's tables for `report_tables()` (`entry` builds one)."""
    tables = [
        entry(
            motifs_file("motifs.tsv", **run),
            f"{run['dataset']}: motifs of {classifier_name(run['model'], run['mask_ratio'], run['seed'])}"
            f" by {run['attribution']}",
            "motif_table",
            "Motifs",
            {
                "dataset": run["dataset"],
                "classifier": classifier_stem(run["model"], run["mask_ratio"], run["seed"]),
                "method": run["attribution"],
                "content": "TOMTOM matches",
            },
            subcategory="Discovered motifs",
        )
        for run in MOTIF_ENTRIES
    ]
    tables += [
        entry(
            enrichment_file(dataset),
            f"{dataset}: known-motif enrichment between the classes (FIMO + Fisher)",
            "enrichment_table",
            "Motifs",
            {"dataset": dataset, "content": "enrichment baseline"},
            subcategory="Enrichment baseline",
        )
        for dataset in MOTIF_DATASETS
    ]
    tables.append(
        entry(PLANTED_RECALL, "Planted-motif recall", "planted_recall", "Motifs", {"content": "planted recall"})
    )
    tables.append(
        entry(
            BASELINE_OVERLAP,
            "Model motifs vs the enrichment baseline",
            "baseline_overlap",
            "Motifs",
            {"content": "overlap with the baseline"},
        )
    )
    return tables


MANIFEST = f"{RESULTS}/manifest.json"


def table_page(table):
    """The HTML page of a summary table, for the report: results/{run}/X/Y.tsv ->
    results/{run}/report/tables/X/Y.html."""
    return f"{RESULTS}/report/tables/{Path(table).relative_to(RESULTS).with_suffix('.html')}"


def report_tables():
    """Every summary table the run makes (from the config alone), with how the report
    shows its HTML page: title, caption, category, subcategory (None: the category's
    own list) and labels."""

    def entry(table, title, caption, category, labels, subcategory=None):
        return {
            "table": table,
            "html": table_page(table),
            "title": title,
            "caption": caption,
            "category": category,
            "subcategory": subcategory,
            "labels": labels,
        }

    tables = [
        entry(
            dataset_file("summary.tsv", dataset),
            f"{dataset}: sequences per split and class",
            "dataset_table",
            "Data",
            {"dataset": dataset, "content": "summary table"},
        )
        for dataset in DATASETS
    ]
    tables += [
        entry(
            dataset_file("hygiene.tsv", dataset),
            f"{dataset}: data hygiene (duplicates, leakage, conflicting labels)",
            "hygiene_table",
            "Data",
            {"dataset": dataset, "content": "hygiene table"},
        )
        for dataset in DATASETS
    ]
    tables += [
        entry(
            generative_file("hygiene.tsv", name),
            f"{name}: data hygiene (repeated sequences)",
            "hygiene_table",
            "GAMA",
            {"set": name, "content": "hygiene table"},
        )
        for name in GENERATIVE_SETS
    ]
    if CLASSIFIER_RUNS:
        tables.append(
            entry(
                CLASSIFICATION_TABLE,
                "Classification metrics",
                "classification_table",
                "Classification",
                {"content": "metrics table"},
            )
        )
        tables.append(
            entry(
                COMPARISON_TABLE,
                "AttnGen vs CNN: accuracy, convergence, stability",
                "comparison_table",
                "Classification",
                {"content": "comparison table"},
            )
        )
    if ATTRIBUTED_RUNS:
        tables.append(
            entry(
                saliency_table("perturbation"),
                "Perturbation test",
                "perturbation_table",
                "Saliency",
                {"content": "perturbation table"},
                subcategory="Perturbation test",
            )
        )
        tables.append(
            entry(
                saliency_table("deletion"),
                "Perturbation test summarised: removal at one fraction, deletion areas",
                "deletion_table",
                "Saliency",
                {"content": "deletion summary"},
                subcategory="Perturbation test",
            )
        )
    if CONVERGENCE_ENTRIES:
        tables.append(
            entry(
                saliency_table("convergence"),
                "Convergence deltas of IG and DeepLIFT/SHAP per sequence",
                "convergence_table",
                "Saliency",
                {"content": "convergence deltas"},
                subcategory="Convergence",
            )
        )
    if RECOVERY_ENTRIES:
        tables.append(
            entry(
                saliency_table("motif_recovery"),
                "Motif recovery",
                "motif_recovery_table",
                "Saliency",
                {"content": "motif recovery table"},
                subcategory="Motif recovery",
            )
        )
    if MOTIF_ENTRIES:
        tables += motif_report_tables(entry)
    for name in GENERATIVE_SETS:
        tables.append(
            entry(
                generative_file("sample_summary.tsv", name),
                f"{name}: samples of the generative LSTM",
                "generative_samples",
                "GAMA",
                {"set": name, "content": "samples: validity, novelty, NLL"},
            )
        )
        tables.append(
            entry(
                gama_file("profile.tsv", name),
                f"{name}: GAMA importance profile",
                "gama_profile_table",
                "GAMA",
                {"set": name, "content": "importance profile table"},
            )
        )
        if len(GAMA["modes"]) > 1:
            tables.append(
                entry(
                    gama_file("mode_agreement.tsv", name),
                    f"{name}: exact vs authors_code GAMA",
                    "gama_mode_agreement",
                    "GAMA",
                    {"set": name, "content": "exact vs authors_code"},
                )
            )
    for name in NEGATIVE_SETS:
        tables.append(
            entry(
                gama_file("vs_negatives.tsv", name),
                f"{name}: GAMA vs binders against non-binders",
                "gama_vs_negatives_table",
                "GAMA",
                {"set": name, "content": "binders vs non-binders table"},
            )
        )
    for name in GROUND_TRUTH_SETS:
        tables.append(
            entry(
                gama_file("ground_truth.tsv", name),
                f"{name}: GAMA vs Absolut! binding energies",
                "gama_ground_truth",
                "GAMA",
                {"set": name, "content": "ground truth table"},
            )
        )
    if GRID_EXPERIMENTS:
        tables.append(
            entry(
                GRID_TABLE,
                "GAMA synthetic grid: one row per experiment and mode",
                "gama_grid",
                "GAMA",
                {"set": "synthetic grid", "content": "FNR table"},
            )
        )
    return tables


def log_file(stage, name):
    return f"{LOGS}/{stage}/{name}.log"


def benchmark_file(stage, name):
    return f"{BENCHMARKS}/{stage}/{name}.tsv"


def classifier_saliency_files(dataset, model, mask_ratio, seed):
    """Method -> saliency file of one classifier."""
    return {method: saliency_file(dataset, model, mask_ratio, seed, method) for method in saliency_methods(model)}


def with_path(entry):
    """A SALIENCY_ENTRIES entry with its saliency file under `path`."""
    return dict(entry, path=saliency_file(**entry))


def saliency_figure_plan():
    """What the saliency_figures job draws: each classifier's logos and each dataset's heatmap,
    with the saliency files each reads and the PNG and PDF it writes."""
    logos = [
        {
            "classifier": run,
            "saliency_files": classifier_saliency_files(**run),
            "png": logos_figure("png", **run),
            "pdf": logos_figure("pdf", **run),
        }
        for run in ATTRIBUTED_RUNS
    ]
    heatmaps = [
        {
            "dataset": dataset,
            "png": heatmap_figure("png", dataset),
            "pdf": heatmap_figure("pdf", dataset),
            "saliency_files": [with_path(entry) for entry in SALIENCY_ENTRIES if entry["dataset"] == dataset],
        }
        for dataset in SALIENCY_DATASETS
    ]
    return {"logos": logos, "heatmaps": heatmaps}


def report_caption(name):
    return f"../report/{name}.rst"


# One set of wildcard constraints for every rule; a rule narrows one only where it serves
# a subset (synthetic vs imported datasets, classifiers that have saliency methods).
wildcard_constraints:
    dataset=name_pattern(DATASETS),
    model=name_pattern(CLASSIFY["models"]),
    mask_ratio=name_pattern(unique(run["mask_ratio"] for run in CLASSIFIER_RUNS)),
    seed=r"\d+",
    method=name_pattern(unique(entry["method"] for entry in SALIENCY_ENTRIES)),
    attribution=name_pattern(unique(entry["attribution"] for entry in MOTIF_ENTRIES)),
    set=name_pattern(GENERATIVE_SETS),
    replicate=name_pattern(REPLICATES),
    state="initial|trained|null",
    experiment=name_pattern(GRID_EXPERIMENTS),


# --- what a run delivers ------------------------------------------------------------


def final_outputs():
    """Every file `rule all` asks for (the manifest's own file last), from the config alone."""
    both = ("png", "pdf")
    outputs = []
    for dataset in DATASETS:
        outputs += [encoded_file("train", dataset), encoded_file("test", dataset), dataset_file("summary.tsv", dataset)]
        outputs += [dataset_overview(ext, dataset) for ext in both]
    if CLASSIFIER_RUNS:
        outputs.append(CLASSIFICATION_TABLE)
        outputs += [
            classification_figure(name, ext)
            for name in ("learning_curves", "accuracy_vs_ratio", "comparison")
            for ext in both
        ]
        outputs.append(COMPARISON_TABLE)
    if ATTRIBUTED_RUNS:
        outputs += [saliency_table(name) for name in ("perturbation", "deletion")]
        outputs += [saliency_figure(name, ext) for name in ("perturbation", "deletion") for ext in both]
        outputs += [heatmap_figure(ext, dataset) for dataset in SALIENCY_DATASETS for ext in both]
        outputs += [logos_figure(ext, **run) for run in ATTRIBUTED_RUNS for ext in both]
    if CONVERGENCE_ENTRIES:
        outputs.append(saliency_table("convergence"))
    if RECOVERY_ENTRIES:
        outputs += [saliency_table("motif_recovery")] + [saliency_figure("motif_recovery", ext) for ext in both]
    if MOTIF_ENTRIES:
        outputs += [motifs_file(name, **entry) for entry in MOTIF_ENTRIES for name in MOTIF_FORMATS]
        outputs += [discovered_meme(dataset) for dataset in MOTIF_DATASETS]
        outputs += [motifs_figure(ext, **entry) for entry in MOTIF_ENTRIES for ext in both]
        outputs += [enrichment_file(dataset) for dataset in MOTIF_DATASETS] + [PLANTED_RECALL, BASELINE_OVERLAP]
    for name in GENERATIVE_SETS:
        outputs += [generative_file("sample_summary.tsv", name), generative_file("samples.airr.tsv", name)]
        outputs += [generative_figure(kind, ext, name) for kind in ("logo", "nll") for ext in both]
        outputs += [gama_file("gama_matrix.tsv", name), gama_file("profile.tsv", name)]
        outputs.append(gama_file("sequence_residues.tsv.gz", name))
        outputs += [gama_figure(kind, ext, name) for kind in ("heatmap", "profile") for ext in both]
        if len(GAMA["modes"]) > 1:
            outputs.append(gama_file("mode_agreement.tsv", name))
    for name in REAL_POSITIVE_SETS:
        outputs += [gama_file("residue_map.tsv", name), gama_file("mutational_scan.tsv", name)]
        outputs += [gama_figure("residues", ext, name) for ext in both]
    for name in NEGATIVE_SETS:
        outputs += [gama_file("vs_negatives.tsv", name)] + [gama_figure("vs_negatives", ext, name) for ext in both]
    for name in GROUND_TRUTH_SETS:
        outputs += [gama_file("ground_truth.tsv", name), gama_file("ground_truth_replicates.tsv", name)]
        outputs += [gama_figure("ground_truth", ext, name) for ext in both]
    if GRID_EXPERIMENTS:
        outputs += [GRID_TABLE] + [grid_figure(ext) for ext in both] + ([GRID_SUMMARY_TABLE] if DEPENDENCY_GRID else [])
    outputs += [table["html"] for table in report_tables()]
    return outputs + [MANIFEST]


def external_inputs():
    """Files from outside results/ that the run reads: the manifest records their sha256."""
    files = []
    for spec in DATASETS.values():
        if spec["source"] == "local":
            files += local_dataset_files(spec["local"])
    files += [path for name in REAL_POSITIVE_SETS for path in real_set_files(name)]
    return files


# --- what a cluster job asks for ------------------------------------------------------
# Memory (mem_mb) and wall time (runtime, minutes) of each submitted rule, from the size
# of the job's input and the config: a base for the libraries a job loads plus a share per
# MB of input (train reads the encoded arrays whole and converts them to float). The
# requests sit with room to spare above the peaks that Snakemake's benchmark files record
# (max_rss; record: cost.memory.without_torch_mb.max, cost.memory.with_torch_mb.max,
# cost.memory.per_input_mb). Override them with `--set-resources` (e.g.
# `train:mem_mb=16000`, `train:runtime=600`) or under a profile's `set-resources`.
PYTHON_MB = 400  # numpy, pandas, matplotlib, Biopython
TORCH_MB = 800  # the same plus torch
CLUSTER_MB_PER_INPUT_MB = 40


def input_mb(input):
    """Total size of a job's input files in MB. Snakemake's sizes (`input.size_mb`) ask a
    storage provider for a remote file and the file system for a local one; where they
    cannot be had (an input not made yet, as in a dry run, or a storage query that fails)
    the local files that exist are counted and remote ones are not, so the request falls
    back to the rule's base. os.path.getsize is never called on a remote input."""
    try:
        return input.size_mb
    except Exception:
        local_files = [path for path in input if not getattr(path, "is_storage", False)]
        return sum(os.path.getsize(path) for path in local_files if os.path.exists(path)) / 2**20


def memory_mb(base_mb):
    """A `mem_mb` callable: base_mb plus CLUSTER_MB_PER_INPUT_MB per MB of input, rounded up to 100 MB."""

    def mem_mb(wildcards, input):
        return int(math.ceil((base_mb + CLUSTER_MB_PER_INPUT_MB * input_mb(input)) / 100) * 100)

    return mem_mb


def runtime_minutes(base_min, per_input_mb_min=0.0, repeats=1):
    """A `runtime` callable: base_min plus per_input_mb_min per MB of input and repeat (epochs, ...)."""

    def runtime(wildcards, input):
        return int(math.ceil(base_min + per_input_mb_min * repeats * input_mb(input)))

    return runtime
