# Positive-only sets and the generative LSTMs trained on them (GAMA's models).

GENERATIVE = config["generative"]
GENERATIVE_SETS = list(GENERATIVE["sets"])
SYNTHETIC_POSITIVE_SETS = [s for s in GENERATIVE_SETS if GENERATIVE["sets"][s]["source"] == "synthetic"]
REAL_POSITIVE_SETS = [s for s in GENERATIVE_SETS if GENERATIVE["sets"][s]["source"] != "synthetic"]
GENERATIVE_DIR = f"{RESULTS}/generative"


def generative_training_params(wildcards):
    return GENERATIVE["training"]


rule make_synthetic_positive_set:
    output:
        sequences=f"{GENERATIVE_DIR}/{{set}}/sequences.tsv.gz",
        truth=f"{GENERATIVE_DIR}/{{set}}/truth.tsv",
    wildcard_constraints:
        set=name_pattern(SYNTHETIC_POSITIVE_SETS),
    params:
        spec=lambda wildcards: GENERATIVE["sets"][wildcards.set],
    log:
        f"{LOGS}/generative/{{set}}.set.log",
    benchmark:
        f"{BENCHMARKS}/generative/{{set}}.set.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/make_positive_set.py"


rule import_positive_set:
    input:
        lambda wildcards: GENERATIVE["sets"][wildcards.set]["path"],
    output:
        sequences=f"{GENERATIVE_DIR}/{{set}}/sequences.tsv.gz",
    wildcard_constraints:
        set=name_pattern(REAL_POSITIVE_SETS),
    params:
        spec=lambda wildcards: GENERATIVE["sets"][wildcards.set],
    log:
        f"{LOGS}/generative/{{set}}.set.log",
    benchmark:
        f"{BENCHMARKS}/generative/{{set}}.set.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/make_positive_set.py"


rule train_generative:
    input:
        sequences=f"{GENERATIVE_DIR}/{{set}}/sequences.tsv.gz",
    output:
        initial=f"{GENERATIVE_DIR}/{{set}}/initial.pt",
        trained=f"{GENERATIVE_DIR}/{{set}}/trained.pt",
        history=f"{GENERATIVE_DIR}/{{set}}/history.tsv",
    params:
        model=GENERATIVE["model"],
        training=GENERATIVE["training"],
    threads: GENERATIVE["threads"]
    resources:
        gpu=GENERATIVE["gpu"],
    log:
        f"{LOGS}/generative/{{set}}.train.log",
    benchmark:
        f"{BENCHMARKS}/generative/{{set}}.train.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/train_generative.py"


rule sample_generative:
    input:
        trained=f"{GENERATIVE_DIR}/{{set}}/trained.pt",
        sequences=f"{GENERATIVE_DIR}/{{set}}/sequences.tsv.gz",
    output:
        samples=f"{GENERATIVE_DIR}/{{set}}/samples.tsv.gz",
        summary=report(
            f"{GENERATIVE_DIR}/{{set}}/sample_summary.tsv",
            caption="../report/generative_samples.rst",
            category="GAMA",
            labels={"set": "{set}", "content": "samples: validity, novelty, NLL"},
        ),
    params:
        sample=GENERATIVE["sample"],
    threads: 1
    log:
        f"{LOGS}/generative/{{set}}.sample.log",
    benchmark:
        f"{BENCHMARKS}/generative/{{set}}.sample.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/sample_generative.py"


rule plot_positive_set:
    input:
        sequences=f"{GENERATIVE_DIR}/{{set}}/sequences.tsv.gz",
        history=f"{GENERATIVE_DIR}/{{set}}/history.tsv",
    output:
        logo=report(
            f"{RESULTS}/figures/generative/{{set}}.logo.png",
            caption="../report/generative_logo.rst",
            category="GAMA",
            labels={"set": "{set}", "content": "sequence logo"},
        ),
        logo_pdf=f"{RESULTS}/figures/generative/{{set}}.logo.pdf",
        nll=report(
            f"{RESULTS}/figures/generative/{{set}}.nll.png",
            caption="../report/generative_nll.rst",
            category="GAMA",
            labels={"set": "{set}", "content": "NLL curve"},
        ),
        nll_pdf=f"{RESULTS}/figures/generative/{{set}}.nll.pdf",
    log:
        f"{LOGS}/generative/{{set}}.plot.log",
    benchmark:
        f"{BENCHMARKS}/generative/{{set}}.plot.tsv"
    conda:
        "../envs/torch.yaml"  # logomaker; the alphabet module imports torch
    script:
        "../scripts/plot_positive_set.py"


for spec in GENERATIVE["sets"].values():
    if spec["source"] != "synthetic":
        EXTERNAL_INPUTS.append(spec["path"])

FINAL_OUTPUTS.extend(
    expand(f"{GENERATIVE_DIR}/{{set}}/sample_summary.tsv", set=GENERATIVE_SETS)
    + expand(f"{RESULTS}/figures/generative/{{set}}.{{kind}}.{{ext}}", set=GENERATIVE_SETS, kind=["logo", "nll"],
             ext=["png", "pdf"])
)
