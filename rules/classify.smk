# Classifier training (issue 3): the genomic-benchmarks CNN and AttnGen over mask ratios
# and seeds, evaluation on the validation and test splits, the sweep's table and figures.

from seqattr.models import format_ratio

CLASSIFY = config["classify"]
CLASSIFY_MODELS = CLASSIFY["models"]
MODEL_CONFIGS = {name: CLASSIFY[name] for name in CLASSIFY_MODELS}
# Everything the engine reads, minus what the wildcards say (ratio, seed) and threads.
TRAINING = {key: CLASSIFY[key] for key in ("epochs", "batch_size", "learning_rate", "weight_decay", "val_fraction",
                                           "patience", "warmup", "warmup_schedule", "eval_masking", "device", "bf16")}


def model_ratios(model):
    """Mask ratios (file-name strings) trained for a model: the CNN has no masking."""
    return [format_ratio(r) for r in CLASSIFY["mask_ratios"]] if model == "attngen" else [format_ratio(0)]


# Every trained classifier of this config; later stages (saliency) iterate over it.
CLASSIFIER_RUNS = [
    {"dataset": dataset, "model": model, "mask_ratio": ratio, "seed": seed}
    for dataset in DATASETS
    for model in CLASSIFY_MODELS
    for ratio in model_ratios(model)
    for seed in CLASSIFY["seeds"]
]


def model_path(dataset, model, mask_ratio, seed):
    return f"{RESULTS}/models/{dataset}/{model}_r{format_ratio(mask_ratio)}_s{seed}.pt"


def run_files(pattern):
    return [pattern.format(**run) for run in CLASSIFIER_RUNS]


CLASSIFY_RATIOS = sorted({run["mask_ratio"] for run in CLASSIFIER_RUNS}, key=float)
CLASSIFY_FIGURES = f"{RESULTS}/figures/classification"

# Per rule, not global: other stages may use {model} for their own models.
CLASSIFY_WILDCARDS = {"dataset": name_pattern(list(DATASETS)), "model": name_pattern(CLASSIFY_MODELS), "mask_ratio": name_pattern(CLASSIFY_RATIOS),
                      "seed": r"\d+"}

rule train:
    wildcard_constraints:
        **CLASSIFY_WILDCARDS,
    input:
        train=f"{RESULTS}/encoded/{{dataset}}/train.npz",
        classes=f"{RESULTS}/data/{{dataset}}/classes.json",
    output:
        model=f"{RESULTS}/models/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.pt",
        history=f"{RESULTS}/models/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.history.tsv",
    params:
        model_config=lambda wildcards: MODEL_CONFIGS[wildcards.model],
        training=TRAINING,
    threads: CLASSIFY["threads"]
    resources:
        gpu=CLASSIFY["gpu"],
    log:
        f"{LOGS}/classify/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.train.log",
    benchmark:
        f"{BENCHMARKS}/classify/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.train.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/train_classifier.py"


rule evaluate:
    wildcard_constraints:
        **CLASSIFY_WILDCARDS,
    input:
        model=f"{RESULTS}/models/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.pt",
        train=f"{RESULTS}/encoded/{{dataset}}/train.npz",
        test=f"{RESULTS}/encoded/{{dataset}}/test.npz",
    output:
        f"{RESULTS}/metrics/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.tsv",
    params:
        device=CLASSIFY["device"],
    threads: CLASSIFY["threads"]
    resources:
        gpu=CLASSIFY["gpu"],
    log:
        f"{LOGS}/classify/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.evaluate.log",
    benchmark:
        f"{BENCHMARKS}/classify/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.evaluate.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/evaluate_classifier.py"


rule aggregate_classification:
    input:
        run_files(f"{RESULTS}/metrics/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.tsv"),
    output:
        f"{RESULTS}/metrics/classification.tsv",
    log:
        f"{LOGS}/classify/aggregate.log",
    benchmark:
        f"{BENCHMARKS}/classify/aggregate.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/aggregate_classification.py"


rule plot_classification:
    input:
        metrics=f"{RESULTS}/metrics/classification.tsv",
        histories=run_files(f"{RESULTS}/models/{{dataset}}/{{model}}_r{{mask_ratio}}_s{{seed}}.history.tsv"),
    output:
        curves_png=f"{CLASSIFY_FIGURES}/learning_curves.png",
        curves_pdf=f"{CLASSIFY_FIGURES}/learning_curves.pdf",
        ratio_png=f"{CLASSIFY_FIGURES}/accuracy_vs_ratio.png",
        ratio_pdf=f"{CLASSIFY_FIGURES}/accuracy_vs_ratio.pdf",
    params:
        runs=CLASSIFIER_RUNS,
    log:
        f"{LOGS}/classify/plot.log",
    benchmark:
        f"{BENCHMARKS}/classify/plot.tsv"
    conda:
        "../envs/report.yaml"
    script:
        "../scripts/plot_classification.py"


def classification_report(path, caption):
    return report(path, caption=f"../report/{caption}.rst", category="Classification")


if CLASSIFIER_RUNS:  # a GAMA-only config has no classification dataset
    FINAL_OUTPUTS.extend([
        classification_report(f"{RESULTS}/metrics/classification.tsv", "classification_table"),
        classification_report(f"{CLASSIFY_FIGURES}/learning_curves.png", "learning_curves"),
        classification_report(f"{CLASSIFY_FIGURES}/accuracy_vs_ratio.png", "accuracy_vs_ratio"),
        f"{CLASSIFY_FIGURES}/learning_curves.pdf",
        f"{CLASSIFY_FIGURES}/accuracy_vs_ratio.pdf",
    ])
