# Saliency of every trained classifier (attention, Integrated Gradients, grad x input),
# AttnGen's perturbation test, recovery of the planted motifs, logos and heatmaps.
# Needs rules/classify.smk (CLASSIFIER_RUNS, model_path) included before it.

SALIENCY = config["saliency"]
SALIENCY_DIR = f"{RESULTS}/saliency"
SALIENCY_FIGURES = f"{RESULTS}/figures/saliency"
SALIENCY_METHODS = SALIENCY["methods"]  # model name -> methods
CLASSIFIER_STEM = "{model}_r{mask_ratio}_s{seed}"


def saliency_methods(model):
    return SALIENCY_METHODS.get(model, [])


def saliency_file(dataset, model, mask_ratio, seed, method):
    return f"{SALIENCY_DIR}/{dataset}/{model}_r{mask_ratio}_s{seed}.{method}.npz"


ATTRIBUTED_RUNS = [run for run in CLASSIFIER_RUNS if saliency_methods(run["model"])]
SALIENCY_ENTRIES = [
    dict(run, method=method) for run in ATTRIBUTED_RUNS for method in saliency_methods(run["model"])
]
SALIENCY_DATASETS = list(dict.fromkeys(run["dataset"] for run in ATTRIBUTED_RUNS))
RECOVERY_ENTRIES = [entry for entry in SALIENCY_ENTRIES if DATASETS[entry["dataset"]]["source"] == "synthetic"]
RECOVERY_DATASETS = list(dict.fromkeys(entry["dataset"] for entry in RECOVERY_ENTRIES))


def methods_of_classifier(wildcards):
    return {
        method: saliency_file(wildcards.dataset, wildcards.model, wildcards.mask_ratio, wildcards.seed, method)
        for method in saliency_methods(wildcards.model)
    }


def entries_of(dataset):
    return [entry for entry in SALIENCY_ENTRIES if entry["dataset"] == dataset]


SALIENCY_WILDCARDS = dict(
    dataset=name_pattern(SALIENCY_DATASETS),
    model=name_pattern(sorted(SALIENCY_METHODS)),
    mask_ratio=r"[0-9][0-9.]*",
    seed=r"[0-9]+",
)


rule saliency:
    wildcard_constraints:
        **SALIENCY_WILDCARDS,
        method=name_pattern(sorted({m for methods in SALIENCY_METHODS.values() for m in methods})),
    input:
        model=lambda w: model_path(w.dataset, w.model, w.mask_ratio, w.seed),
        encoded=f"{RESULTS}/encoded/{{dataset}}/test.npz",
    output:
        f"{SALIENCY_DIR}/{{dataset}}/{CLASSIFIER_STEM}.{{method}}.npz",
    params:
        n_eval=SALIENCY["n_eval"],
        eval_seed=SALIENCY["eval_seed"],
        target=SALIENCY["target"],
        ig_steps=SALIENCY["ig_steps"],
        ig_internal_batch_size=SALIENCY["ig_internal_batch_size"],
        ig_baseline=SALIENCY["ig_baseline"],
        batch_size=SALIENCY["batch_size"],
    threads: SALIENCY["threads"]
    resources:
        gpu=SALIENCY["gpu"],
    log:
        f"{LOGS}/saliency/{{dataset}}/{CLASSIFIER_STEM}.{{method}}.log",
    benchmark:
        f"{BENCHMARKS}/saliency/{{dataset}}/{CLASSIFIER_STEM}.{{method}}.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/saliency.py"


rule perturbation:
    wildcard_constraints:
        **SALIENCY_WILDCARDS,
    input:
        model=lambda w: model_path(w.dataset, w.model, w.mask_ratio, w.seed),
        encoded=f"{RESULTS}/encoded/{{dataset}}/test.npz",
        saliency=lambda w: list(methods_of_classifier(w).values()),
    output:
        f"{SALIENCY_DIR}/perturbation/{{dataset}}/{CLASSIFIER_STEM}.tsv",
    params:
        methods=lambda w: list(methods_of_classifier(w)),
        fractions=SALIENCY["fractions"],
        removal=SALIENCY["removal"],
        eval_seed=SALIENCY["eval_seed"],
    threads: SALIENCY["threads"]
    resources:
        gpu=SALIENCY["gpu"],
    log:
        f"{LOGS}/saliency/perturbation/{{dataset}}/{CLASSIFIER_STEM}.log",
    benchmark:
        f"{BENCHMARKS}/saliency/perturbation/{{dataset}}/{CLASSIFIER_STEM}.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/perturbation.py"


rule perturbation_summary:
    input:
        tables=[
            f"{SALIENCY_DIR}/perturbation/{run['dataset']}/{run['model']}_r{run['mask_ratio']}_s{run['seed']}.tsv"
            for run in ATTRIBUTED_RUNS
        ],
        encoded=expand(f"{RESULTS}/encoded/{{dataset}}/test.npz", dataset=SALIENCY_DATASETS),
    output:
        table=report(
            f"{SALIENCY_DIR}/perturbation.tsv",
            caption="../report/perturbation_table.rst",
            category="Saliency",
            labels={"content": "perturbation table"},
        ),
        figure=report(
            f"{SALIENCY_FIGURES}/perturbation.png",
            caption="../report/perturbation.rst",
            category="Saliency",
            labels={"content": "perturbation test"},
        ),
        pdf=f"{SALIENCY_FIGURES}/perturbation.pdf",
    params:
        datasets=SALIENCY_DATASETS,
        n_eval=SALIENCY["n_eval"],
        eval_seed=SALIENCY["eval_seed"],
    log:
        f"{LOGS}/saliency/perturbation_summary.log",
    benchmark:
        f"{BENCHMARKS}/saliency/perturbation_summary.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/perturbation_summary.py"


rule motif_recovery:
    input:
        saliency=[saliency_file(**entry) for entry in RECOVERY_ENTRIES],
        motifs=expand(f"{RESULTS}/data/{{dataset}}/motifs.tsv.gz", dataset=RECOVERY_DATASETS),
    output:
        table=report(
            f"{SALIENCY_DIR}/motif_recovery.tsv",
            caption="../report/motif_recovery_table.rst",
            category="Saliency",
            labels={"content": "motif recovery table"},
        ),
        figure=report(
            f"{SALIENCY_FIGURES}/motif_recovery.png",
            caption="../report/motif_recovery.rst",
            category="Saliency",
            labels={"content": "motif recovery"},
        ),
        pdf=f"{SALIENCY_FIGURES}/motif_recovery.pdf",
    params:
        entries=RECOVERY_ENTRIES,
        datasets=RECOVERY_DATASETS,
    log:
        f"{LOGS}/saliency/motif_recovery.log",
    benchmark:
        f"{BENCHMARKS}/saliency/motif_recovery.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/motif_recovery.py"


def logos_file(run):
    return f"{SALIENCY_FIGURES}/{run['dataset']}/{run['model']}_r{run['mask_ratio']}_s{run['seed']}.logos.png"


def heatmap_file(dataset):
    return f"{SALIENCY_FIGURES}/{dataset}/heatmap.png"


def pdf_of(png):
    return png.removesuffix(".png") + ".pdf"


# Logos of every classifier and the heatmap of every dataset in one job: drawing them is
# quick, and one job starts matplotlib and logomaker once instead of once per figure.
rule saliency_figures:
    input:
        encoded=expand(f"{RESULTS}/encoded/{{dataset}}/test.npz", dataset=SALIENCY_DATASETS),
        classes=expand(f"{RESULTS}/data/{{dataset}}/classes.json", dataset=SALIENCY_DATASETS),
        motifs=expand(f"{RESULTS}/data/{{dataset}}/motifs.tsv.gz", dataset=RECOVERY_DATASETS),
        saliency=[saliency_file(**entry) for entry in SALIENCY_ENTRIES],
    output:
        logos=[
            report(
                logos_file(run),
                caption="../report/attribution_logos.rst",
                category="Saliency",
                subcategory="Attribution logos",
                labels={"dataset": run["dataset"], "classifier": f"{run['model']} r{run['mask_ratio']} s{run['seed']}"},
            )
            for run in ATTRIBUTED_RUNS
        ],
        logos_pdf=[pdf_of(logos_file(run)) for run in ATTRIBUTED_RUNS],
        heatmaps=[
            report(
                heatmap_file(dataset),
                caption="../report/saliency_heatmap.rst",
                category="Saliency",
                labels={"dataset": dataset, "content": "mean saliency heatmap"},
            )
            for dataset in SALIENCY_DATASETS
        ],
        heatmaps_pdf=[pdf_of(heatmap_file(dataset)) for dataset in SALIENCY_DATASETS],
    params:
        datasets=SALIENCY_DATASETS,
        motif_datasets=RECOVERY_DATASETS,
        runs=ATTRIBUTED_RUNS,
        entries=SALIENCY_ENTRIES,
        width=SALIENCY["logo_width"],
    log:
        f"{LOGS}/saliency/figures.log",
    benchmark:
        f"{BENCHMARKS}/saliency/figures.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/saliency_figures.py"


if ATTRIBUTED_RUNS:
    FINAL_OUTPUTS.extend([f"{SALIENCY_FIGURES}/perturbation.png", f"{SALIENCY_DIR}/perturbation.tsv"])
    FINAL_OUTPUTS.extend(heatmap_file(dataset) for dataset in SALIENCY_DATASETS)
    FINAL_OUTPUTS.extend(logos_file(run) for run in ATTRIBUTED_RUNS)
if RECOVERY_ENTRIES:
    FINAL_OUTPUTS.extend([f"{SALIENCY_FIGURES}/motif_recovery.png", f"{SALIENCY_DIR}/motif_recovery.tsv"])
