# Stage data: dataset acquisition and one-hot encoding, the canonical contract every
# later stage reads (src/seqattr/data/).


rule generate_synthetic_dataset:
    output:
        train=dataset_file("train.tsv.gz"),
        test=dataset_file("test.tsv.gz"),
        classes=dataset_file("classes.json"),
        motifs=dataset_file("motifs.tsv.gz"),
        hygiene=dataset_file("hygiene.tsv"),
    log:
        log_file("data", "{dataset}.prepare"),
    benchmark:
        benchmark_file("data", "{dataset}.prepare")
    wildcard_constraints:
        dataset=name_pattern(SYNTHETIC_DATASETS),
    group:
        "dataset"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=memory_mb(PYTHON_MB),
        runtime=15,
    params:
        spec=lambda wildcards: DATASETS[wildcards.dataset],
        hygiene=config["hygiene"],
    script:
        "../scripts/prepare_dataset.py"


rule import_dataset:
    input:
        lambda wildcards: (
            local_dataset_files(DATASETS[wildcards.dataset]["local"])
            if DATASETS[wildcards.dataset]["source"] == "local"
            else []
        ),
    output:
        train=dataset_file("train.tsv.gz"),
        test=dataset_file("test.tsv.gz"),
        classes=dataset_file("classes.json"),
        hygiene=dataset_file("hygiene.tsv"),
    log:
        log_file("data", "{dataset}.prepare"),
    benchmark:
        benchmark_file("data", "{dataset}.prepare")
    wildcard_constraints:
        dataset=name_pattern(IMPORTED_DATASETS),
    group:
        "dataset"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=memory_mb(PYTHON_MB),
        runtime=30,
    params:
        spec=lambda wildcards: DATASETS[wildcards.dataset],
        hygiene=config["hygiene"],
    script:
        "../scripts/prepare_dataset.py"


rule one_hot_encode:
    input:
        train=dataset_file("train.tsv.gz"),
        test=dataset_file("test.tsv.gz"),
        classes=dataset_file("classes.json"),
    output:
        train=encoded_file("train"),
        test=encoded_file("test"),
    log:
        log_file("encoded", "{dataset}"),
    benchmark:
        benchmark_file("encoded", "{dataset}")
    group:
        "dataset"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=memory_mb(PYTHON_MB),
        runtime=runtime_minutes(10, 0.5),
    params:
        length=lambda wildcards: DATASETS[wildcards.dataset]["length"],
        crop=config["encoding"]["crop"],
        ambiguous=config["encoding"]["ambiguous"],
    script:
        "../scripts/one_hot_encode.py"


rule summarise_dataset:
    input:
        train=dataset_file("train.tsv.gz"),
        test=dataset_file("test.tsv.gz"),
        classes=dataset_file("classes.json"),
        motifs=lambda wildcards: (
            [dataset_file("motifs.tsv.gz", wildcards.dataset)] if wildcards.dataset in SYNTHETIC_DATASETS else []
        ),
    output:
        table=dataset_file("summary.tsv"),
        png=report(
            dataset_overview("png"),
            caption=report_caption("dataset_summary"),
            category="Data",
            labels={"dataset": "{dataset}", "content": "overview figure"},
        ),
        pdf=dataset_overview("pdf"),
    log:
        log_file("data", "{dataset}.summary"),
    benchmark:
        benchmark_file("data", "{dataset}.summary")
    group:
        "dataset"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=memory_mb(PYTHON_MB),
        runtime=10,
    script:
        "../scripts/summarise_dataset.py"


rule generative_set_hygiene:
    input:
        sequences=generative_file("sequences.tsv.gz"),
    output:
        hygiene=generative_file("hygiene.tsv"),
    log:
        log_file("generative", "{set}.hygiene"),
    benchmark:
        benchmark_file("generative", "{set}.hygiene")
    localrule: True
    conda:
        "../envs/data.yaml"
    script:
        "../scripts/set_hygiene.py"
