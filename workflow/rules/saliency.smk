# Stage saliency: attention, Integrated Gradients, grad x input and DeepLIFT/SHAP of every
# trained classifier, their convergence deltas per sequence, AttnGen's perturbation test, recovery of the planted motifs, logos and
# heatmaps (src/seqattr/saliency/).


rule saliency:
    input:
        model=model_file(),
        encoded=encoded_file("test"),
        classes=dataset_file("classes.json"),
    output:
        saliency_file(),
    log:
        log_file("saliency", f"{{dataset}}/{classifier_stem()}.{{method}}"),
    benchmark:
        benchmark_file("saliency", f"{{dataset}}/{classifier_stem()}.{{method}}")
    wildcard_constraints:
        model=name_pattern(sorted(SALIENCY["methods"])),
    group:
        "classifier"
    conda:
        "../envs/torch.yaml"
    threads: SALIENCY["threads"]
    resources:
        gpu=SALIENCY["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=30,
    params:
        options={key: SALIENCY[key] for key in SALIENCY_OPTIONS},
    script:
        "../scripts/saliency.py"


rule perturbation:
    input:
        model=model_file(),
        encoded=encoded_file("test"),
        classes=dataset_file("classes.json"),
        saliency=lambda w: list(classifier_saliency_files(w.dataset, w.model, w.mask_ratio, w.seed).values()),
    output:
        perturbation_file(),
    log:
        log_file("saliency", f"perturbation/{{dataset}}/{classifier_stem()}"),
    benchmark:
        benchmark_file("saliency", f"perturbation/{{dataset}}/{classifier_stem()}")
    wildcard_constraints:
        model=name_pattern(sorted(SALIENCY["methods"])),
    group:
        "classifier"
    conda:
        "../envs/torch.yaml"
    threads: SALIENCY["threads"]
    resources:
        gpu=SALIENCY["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=20,
    params:
        saliency_files=lambda w: classifier_saliency_files(w.dataset, w.model, w.mask_ratio, w.seed),
        fractions=SALIENCY["fractions"],
        removal=SALIENCY["removal"],
        eval_seed=SALIENCY["eval_seed"],
        device=SALIENCY["device"],
    script:
        "../scripts/perturbation.py"


rule perturbation_summary:
    input:
        tables=[perturbation_file(**run) for run in ATTRIBUTED_RUNS],
        encoded=[encoded_file("test", dataset) for dataset in SALIENCY_DATASETS],
    output:
        table=saliency_table("perturbation"),
        png=report(
            saliency_figure("perturbation", "png"),
            caption=report_caption("perturbation"),
            category="Saliency",
            subcategory="Perturbation test",
            labels={"content": "perturbation test"},
        ),
        pdf=saliency_figure("perturbation", "pdf"),
        deletion=saliency_table("deletion"),
        deletion_png=report(
            saliency_figure("deletion", "png"),
            caption=report_caption("deletion"),
            category="Saliency",
            subcategory="Perturbation test",
            labels={"content": "removal at one fraction, deletion areas"},
        ),
        deletion_pdf=saliency_figure("deletion", "pdf"),
    log:
        log_file("saliency", "perturbation_summary"),
    benchmark:
        benchmark_file("saliency", "perturbation_summary")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        encoded_files={dataset: encoded_file("test", dataset) for dataset in SALIENCY_DATASETS},
        n_eval=SALIENCY["n_eval"],
        eval_seed=SALIENCY["eval_seed"],
        summary_fraction=SALIENCY["summary_fraction"],
    script:
        "../scripts/perturbation_summary.py"


rule saliency_convergence:
    input:
        [saliency_file(**entry) for entry in CONVERGENCE_ENTRIES],
    output:
        saliency_table("convergence"),
    log:
        log_file("saliency", "convergence"),
    benchmark:
        benchmark_file("saliency", "convergence")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        saliency_files=[with_path(entry) for entry in CONVERGENCE_ENTRIES],
    script:
        "../scripts/saliency_convergence.py"


rule motif_recovery:
    input:
        saliency=[saliency_file(**entry) for entry in RECOVERY_ENTRIES],
        motifs=[dataset_file("motifs.tsv.gz", dataset) for dataset in RECOVERY_DATASETS],
    output:
        table=saliency_table("motif_recovery"),
        png=report(
            saliency_figure("motif_recovery", "png"),
            caption=report_caption("motif_recovery"),
            category="Saliency",
            subcategory="Motif recovery",
            labels={"content": "motif recovery"},
        ),
        pdf=saliency_figure("motif_recovery", "pdf"),
    log:
        log_file("saliency", "motif_recovery"),
    benchmark:
        benchmark_file("saliency", "motif_recovery")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        saliency_files=[with_path(entry) for entry in RECOVERY_ENTRIES],
        motifs_files={dataset: dataset_file("motifs.tsv.gz", dataset) for dataset in RECOVERY_DATASETS},
    script:
        "../scripts/motif_recovery.py"


# Logos of every classifier and the heatmap of every dataset in one job: drawing them is
# quick, and one job starts matplotlib and logomaker once instead of once per figure.
rule saliency_figures:
    input:
        encoded=[encoded_file("test", dataset) for dataset in SALIENCY_DATASETS],
        classes=[dataset_file("classes.json", dataset) for dataset in SALIENCY_DATASETS],
        motifs=[dataset_file("motifs.tsv.gz", dataset) for dataset in RECOVERY_DATASETS],
        saliency=[saliency_file(**entry) for entry in SALIENCY_ENTRIES],
    output:
        logos=[
            report(
                logos_figure("png", **run),
                caption=report_caption("attribution_logos"),
                category="Saliency",
                subcategory="Attribution logos",
                labels={
                    "dataset": run["dataset"],
                    "classifier": classifier_name(run["model"], run["mask_ratio"], run["seed"]),
                },
            )
            for run in ATTRIBUTED_RUNS
        ],
        logos_pdf=[logos_figure("pdf", **run) for run in ATTRIBUTED_RUNS],
        heatmaps=[
            report(
                heatmap_figure("png", dataset),
                caption=report_caption("saliency_heatmap"),
                category="Saliency",
                subcategory="Mean saliency heatmaps",
                labels={"dataset": dataset, "content": "mean saliency heatmap"},
            )
            for dataset in SALIENCY_DATASETS
        ],
        heatmaps_pdf=[heatmap_figure("pdf", dataset) for dataset in SALIENCY_DATASETS],
    log:
        log_file("saliency", "figures"),
    benchmark:
        benchmark_file("saliency", "figures")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        plan=saliency_figure_plan(),
        encoded_files={dataset: encoded_file("test", dataset) for dataset in SALIENCY_DATASETS},
        classes_files={dataset: dataset_file("classes.json", dataset) for dataset in SALIENCY_DATASETS},
        motifs_files={dataset: dataset_file("motifs.tsv.gz", dataset) for dataset in RECOVERY_DATASETS},
        width=SALIENCY["logo_width"],
    script:
        "../scripts/saliency_figures.py"
