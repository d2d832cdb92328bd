# Stage classify: the genomic-benchmarks CNN and AttnGen over mask ratios and seeds,
# evaluation on the validation and test splits, the sweep's table and figures
# (src/seqattr/classify/).
rule train:
    input:
        train=encoded_file("train"),
        classes=dataset_file("classes.json"),
    output:
        model=model_file(),
        history=model_file(ext="history.tsv"),
        timing=model_file(ext="timing.tsv"),
    log:
        log_file("classify", f"{{dataset}}/{classifier_stem()}.train"),
    benchmark:
        benchmark_file("classify", f"{{dataset}}/{classifier_stem()}.train")
    group:
        "classifier"
    conda:
        "../envs/torch.yaml"
    threads: CLASSIFY["threads"]
    resources:
        gpu=CLASSIFY["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=runtime_minutes(15, 0.5, repeats=CLASSIFY["epochs"]),
    params:
        classify=lambda wildcards: train_params(wildcards.model),
    script:
        "../scripts/train_classifier.py"


rule evaluate:
    input:
        model=model_file(),
        train=encoded_file("train"),
        test=encoded_file("test"),
        classes=dataset_file("classes.json"),
    output:
        metrics=metrics_file(),
        predictions=predictions_file(),
    log:
        log_file("classify", f"{{dataset}}/{classifier_stem()}.evaluate"),
    benchmark:
        benchmark_file("classify", f"{{dataset}}/{classifier_stem()}.evaluate")
    group:
        "classifier"
    conda:
        "../envs/torch.yaml"
    threads: CLASSIFY["threads"]
    resources:
        gpu=CLASSIFY["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=runtime_minutes(10, 0.25),
    params:
        device=CLASSIFY["device"],
    script:
        "../scripts/evaluate_classifier.py"


rule aggregate_classification:
    input:
        [metrics_file(**run) for run in CLASSIFIER_RUNS],
    output:
        CLASSIFICATION_TABLE,
    log:
        log_file("classify", "aggregate"),
    benchmark:
        benchmark_file("classify", "aggregate")
    localrule: True
    conda:
        "../envs/tables.yaml"
    script:
        "../scripts/aggregate_classification.py"


rule plot_classification:
    input:
        metrics=CLASSIFICATION_TABLE,
        histories=[model_file(**run, ext="history.tsv") for run in CLASSIFIER_RUNS],
    output:
        curves_png=report(
            classification_figure("learning_curves", "png"),
            caption=report_caption("learning_curves"),
            category="Classification",
            labels={"content": "learning curves"},
        ),
        curves_pdf=classification_figure("learning_curves", "pdf"),
        ratio_png=report(
            classification_figure("accuracy_vs_ratio", "png"),
            caption=report_caption("accuracy_vs_ratio"),
            category="Classification",
            labels={"content": "accuracy vs mask ratio"},
        ),
        ratio_pdf=classification_figure("accuracy_vs_ratio", "pdf"),
    log:
        log_file("classify", "plot"),
    benchmark:
        benchmark_file("classify", "plot")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        histories={model_file(**run, ext="history.tsv"): run for run in CLASSIFIER_RUNS},
    script:
        "../scripts/plot_classification.py"


# AttnGen against the CNN (the paper's accuracy, convergence and stability claims): a
# paired bootstrap over test sequences and a seed-paired t-test, epochs to the best
# validation loss, and whether early stopping or the epoch cap ended each run.
rule compare_classifiers:
    input:
        metrics=CLASSIFICATION_TABLE,
        predictions=[predictions_file(**run) for run in CLASSIFIER_RUNS],
    output:
        table=COMPARISON_TABLE,
        png=report(
            classification_figure("comparison", "png"),
            caption=report_caption("classifier_comparison"),
            category="Classification",
            labels={"content": "AttnGen vs CNN: accuracy, convergence, stability"},
        ),
        pdf=classification_figure("comparison", "pdf"),
    log:
        log_file("classify", "compare"),
    benchmark:
        benchmark_file("classify", "compare")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        predictions={predictions_file(**run): run for run in CLASSIFIER_RUNS},
    script:
        "../scripts/compare_classifiers.py"
