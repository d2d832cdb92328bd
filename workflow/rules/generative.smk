# Stage generative: positive-only sets and the generative LSTMs trained on them, GAMA's
# models (src/seqattr/generative/).

# What a job that loads a trained LSTM checks it against (`checkpoint.expectation`): its
# size, not how it was trained (dropout), so training options leave those jobs alone.
MODEL_SHAPE = {"hidden_size": GENERATIVE["model"]["hidden_size"]}


rule make_synthetic_positive_set:
    output:
        sequences=generative_file("sequences.tsv.gz"),
        truth=generative_file("truth.tsv"),
    log:
        log_file("generative", "{set}.set"),
    benchmark:
        benchmark_file("generative", "{set}.set")
    wildcard_constraints:
        set=name_pattern(SYNTHETIC_POSITIVE_SETS),
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    params:
        spec=lambda wildcards: GENERATIVE["sets"][wildcards.set],
    script:
        "../scripts/make_positive_set.py"


rule import_positive_set:
    input:
        lambda wildcards: real_set_files(wildcards.set),
    output:
        sequences=generative_file("sequences.tsv.gz"),
        summary=generative_file("input_summary.tsv"),
    log:
        log_file("generative", "{set}.set"),
    benchmark:
        benchmark_file("generative", "{set}.set")
    wildcard_constraints:
        set=name_pattern(REAL_POSITIVE_SETS),
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    params:
        spec=lambda wildcards: GENERATIVE["sets"][wildcards.set],
    script:
        "../scripts/make_positive_set.py"


rule import_negative_set:
    input:
        lambda wildcards: real_set_files(wildcards.set),
    output:
        negatives=generative_file("negatives.tsv.gz"),
        summary=generative_file("negatives_summary.tsv"),
    log:
        log_file("generative", "{set}.negatives"),
    benchmark:
        benchmark_file("generative", "{set}.negatives")
    wildcard_constraints:
        set=name_pattern(NEGATIVE_SETS),
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    params:
        spec=lambda wildcards: GENERATIVE["sets"][wildcards.set],
    script:
        "../scripts/make_negative_set.py"


rule train_generative:
    input:
        sequences=generative_file("sequences.tsv.gz"),
    output:
        initial=replicate_file("initial.pt"),
        trained=replicate_file("trained.pt"),
        history=replicate_file("history.tsv"),
        timing=replicate_file("timing.tsv"),
    log:
        log_file("generative", "{set}.replicate{replicate}.train"),
    benchmark:
        benchmark_file("generative", "{set}.replicate{replicate}.train")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    threads: GENERATIVE["threads"]
    resources:
        gpu=GENERATIVE["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=120,
    params:
        model=GENERATIVE["model"],
        training=GENERATIVE["training"],
        use_counts=lambda wildcards: GENERATIVE["sets"][wildcards.set].get("weights") == "counts",
    script:
        "../scripts/train_generative.py"


rule sample_generative:
    input:
        trained=replicate_file("trained.pt", replicate=1),
        sequences=generative_file("sequences.tsv.gz"),
    output:
        samples=generative_file("samples.tsv.gz"),
        summary=generative_file("sample_summary.tsv"),
        airr=report(
            generative_file("samples.airr.tsv"),
            caption=report_caption("generative_samples_airr"),
            category="GAMA",
            subcategory="Files for other tools",
            labels={"set": "{set}", "content": "samples as AIRR rearrangements"},
        ),
    log:
        log_file("generative", "{set}.sample"),
    benchmark:
        benchmark_file("generative", "{set}.sample")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    params:
        sample=GENERATIVE["sample"],
        model=MODEL_SHAPE,
    script:
        "../scripts/sample_generative.py"


rule plot_positive_set:
    input:
        sequences=generative_file("sequences.tsv.gz"),
        history=replicate_file("history.tsv", replicate=1),
    output:
        logo=report(
            generative_figure("logo", "png"),
            caption=report_caption("generative_logo"),
            category="GAMA",
            labels={"set": "{set}", "content": "sequence logo"},
        ),
        logo_pdf=generative_figure("logo", "pdf"),
        nll=report(
            generative_figure("nll", "png"),
            caption=report_caption("generative_nll"),
            category="GAMA",
            labels={"set": "{set}", "content": "NLL curve"},
        ),
        nll_pdf=generative_figure("nll", "pdf"),
    log:
        log_file("generative", "{set}.plot"),
    benchmark:
        benchmark_file("generative", "{set}.plot")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"  # logomaker; the alphabet module imports torch
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    script:
        "../scripts/plot_positive_set.py"
