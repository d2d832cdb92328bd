# Dataset acquisition and one-hot encoding: the canonical contract every later stage reads.

from seqattr.data.local import input_files as local_input_files

SYNTHETIC_DATASETS = datasets_with_source("synthetic")
IMPORTED_DATASETS = datasets_with_source("local", "genomic_benchmarks")

def dataset_input_files(wildcards):
    spec = DATASETS[wildcards.dataset]
    return local_input_files(spec["local"]) if spec["source"] == "local" else []

rule generate_synthetic_dataset:
    output:
        train=f"{RESULTS}/data/{{dataset}}/train.tsv.gz",
        test=f"{RESULTS}/data/{{dataset}}/test.tsv.gz",
        classes=f"{RESULTS}/data/{{dataset}}/classes.json",
        motifs=f"{RESULTS}/data/{{dataset}}/motifs.tsv.gz",
    wildcard_constraints:
        dataset=name_pattern(SYNTHETIC_DATASETS),
    params:
        spec=lambda wildcards: DATASETS[wildcards.dataset],
    log:
        f"{LOGS}/data/{{dataset}}.prepare.log",
    benchmark:
        f"{BENCHMARKS}/data/{{dataset}}.prepare.tsv"
    conda:
        "../envs/data.yaml"
    script:
        "../scripts/prepare_dataset.py"

rule import_dataset:
    input:
        dataset_input_files,
    output:
        train=f"{RESULTS}/data/{{dataset}}/train.tsv.gz",
        test=f"{RESULTS}/data/{{dataset}}/test.tsv.gz",
        classes=f"{RESULTS}/data/{{dataset}}/classes.json",
    wildcard_constraints:
        dataset=name_pattern(IMPORTED_DATASETS),
    params:
        spec=lambda wildcards: DATASETS[wildcards.dataset],
    log:
        f"{LOGS}/data/{{dataset}}.prepare.log",
    benchmark:
        f"{BENCHMARKS}/data/{{dataset}}.prepare.tsv"
    conda:
        "../envs/data.yaml"
    script:
        "../scripts/prepare_dataset.py"

rule one_hot_encode:
    input:
        train=f"{RESULTS}/data/{{dataset}}/train.tsv.gz",
        test=f"{RESULTS}/data/{{dataset}}/test.tsv.gz",
        classes=f"{RESULTS}/data/{{dataset}}/classes.json",
    output:
        train=f"{RESULTS}/encoded/{{dataset}}/train.npz",
        test=f"{RESULTS}/encoded/{{dataset}}/test.npz",
    params:
        length=lambda wildcards: DATASETS[wildcards.dataset]["length"],
        crop=config["encoding"]["crop"],
        ambiguous=config["encoding"]["ambiguous"],
    log:
        f"{LOGS}/encoded/{{dataset}}.log",
    benchmark:
        f"{BENCHMARKS}/encoded/{{dataset}}.tsv"
    conda:
        "../envs/data.yaml"
    script:
        "../scripts/one_hot_encode.py"

rule summarise_dataset:
    input:
        train=f"{RESULTS}/data/{{dataset}}/train.tsv.gz",
        test=f"{RESULTS}/data/{{dataset}}/test.tsv.gz",
        classes=f"{RESULTS}/data/{{dataset}}/classes.json",
        motifs=lambda wildcards: (
            [f"{RESULTS}/data/{wildcards.dataset}/motifs.tsv.gz"] if wildcards.dataset in SYNTHETIC_DATASETS else []
        ),
    output:
        table=report(
            f"{RESULTS}/data/{{dataset}}/summary.tsv",
            caption="../report/dataset_table.rst",
            category="Data",
            labels={"dataset": "{dataset}", "content": "summary table"},
        ),
        png=report(
            f"{RESULTS}/figures/data/{{dataset}}.overview.png",
            caption="../report/dataset_summary.rst",
            category="Data",
            labels={"dataset": "{dataset}", "content": "overview figure"},
        ),
        pdf=f"{RESULTS}/figures/data/{{dataset}}.overview.pdf",
    log:
        f"{LOGS}/data/{{dataset}}.summary.log",
    benchmark:
        f"{BENCHMARKS}/data/{{dataset}}.summary.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/summarise_dataset.py"


for spec in DATASETS.values():
    if spec["source"] == "local":
        EXTERNAL_INPUTS.extend(local_input_files(spec["local"]))

FINAL_OUTPUTS.extend(
    expand(f"{RESULTS}/encoded/{{dataset}}/{{split}}.npz", dataset=DATASETS, split=["train", "test"])
    + expand(f"{RESULTS}/data/{{dataset}}/summary.tsv", dataset=DATASETS)
    + expand(f"{RESULTS}/figures/data/{{dataset}}.overview.{{ext}}", dataset=DATASETS, ext=["png", "pdf"])
)
