# GAMA validations (issue 6): the paper's synthetic benchmark grid, the Absolut!
# biophysical ground truth, and the two GAMA modes against each other on every set.
# Reads the per-set outputs of rules/generative.smk and rules/gama.smk (include it after them).

from seqattr.gama.benchmark import expand_grid

BENCHMARK = config.get("gama_benchmark")
BENCHMARK_EXPERIMENTS = expand_grid(BENCHMARK) if BENCHMARK else {}
GROUND_TRUTH_SETS = [s for s in GENERATIVE_SETS if GENERATIVE["sets"][s]["source"] == "absolut"]
MODE_PAIRS = len(GAMA["modes"]) > 1


def benchmark_training(wildcards=None):
    """The generative stage's model and training settings, with the benchmark's overrides."""
    training = {k: v for k, v in GENERATIVE["training"].items() if k != "seed"}  # each experiment has its seed
    return {**GENERATIVE["model"], **training, **BENCHMARK["train"]}


rule gama_benchmark:
    output:
        f"{GAMA_DIR}/benchmark/{{experiment}}.tsv",
    wildcard_constraints:
        experiment=name_pattern(BENCHMARK_EXPERIMENTS),
    params:
        experiment=lambda wildcards: BENCHMARK_EXPERIMENTS[wildcards.experiment].as_dict(),
        train=benchmark_training if BENCHMARK else {},
        gama={"modes": BENCHMARK["modes"] if BENCHMARK else [],
              **{k: GAMA[k] for k in ("quadrature", "steps", "batch_size", "device")}},
        n_attributed=(BENCHMARK["n_attributed"] or GAMA["max_sequences"]) if BENCHMARK else None,
        threshold_z=BENCHMARK["threshold_z"] if BENCHMARK else None,
    threads: BENCHMARK["threads"] if BENCHMARK else 1
    resources:
        gpu=BENCHMARK["gpu"] if BENCHMARK else 0,
    log:
        f"{LOGS}/gama/benchmark/{{experiment}}.log",
    benchmark:
        f"{BENCHMARKS}/gama/benchmark/{{experiment}}.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/gama_benchmark.py"


rule gama_benchmark_summary:
    input:
        expand(f"{GAMA_DIR}/benchmark/{{experiment}}.tsv", experiment=BENCHMARK_EXPERIMENTS),
    output:
        table=report(f"{GAMA_DIR}/benchmark.tsv", caption="../report/gama_benchmark.rst", category="GAMA",
                     labels={"set": "synthetic benchmark", "content": "FNR table"}),
        png=report(f"{RESULTS}/figures/gama/benchmark_fnr.png", caption="../report/gama_benchmark_fnr.rst",
                   category="GAMA", labels={"set": "synthetic benchmark", "content": "FNR figure"}),
        pdf=f"{RESULTS}/figures/gama/benchmark_fnr.pdf",
    log:
        f"{LOGS}/gama/benchmark_summary.log",
    benchmark:
        f"{BENCHMARKS}/gama/benchmark_summary.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/gama_benchmark_summary.py"


rule gama_ground_truth:
    input:
        profile=f"{GAMA_DIR}/{{set}}/profile.tsv",
        absolut=lambda wildcards: GENERATIVE["sets"][wildcards.set]["path"],
    output:
        table=report(f"{GAMA_DIR}/{{set}}/ground_truth.tsv", caption="../report/gama_ground_truth.rst",
                     category="GAMA", labels={"set": "{set}", "content": "ground truth table"}),
        png=report(f"{RESULTS}/figures/gama/{{set}}.ground_truth.png",
                   caption="../report/gama_ground_truth_scatter.rst", category="GAMA",
                   labels={"set": "{set}", "content": "ground truth scatter"}),
        pdf=f"{RESULTS}/figures/gama/{{set}}.ground_truth.pdf",
    wildcard_constraints:
        set=name_pattern(GROUND_TRUTH_SETS),
    log:
        f"{LOGS}/gama/{{set}}.ground_truth.log",
    benchmark:
        f"{BENCHMARKS}/gama/{{set}}.ground_truth.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/gama_ground_truth.py"


rule gama_mode_agreement:
    input:
        profile=f"{GAMA_DIR}/{{set}}/profile.tsv",
    output:
        report(f"{GAMA_DIR}/{{set}}/mode_agreement.tsv", caption="../report/gama_mode_agreement.rst",
               category="GAMA", labels={"set": "{set}", "content": "exact vs published"}),
    wildcard_constraints:
        set=name_pattern(GENERATIVE_SETS),
    log:
        f"{LOGS}/gama/{{set}}.mode_agreement.log",
    benchmark:
        f"{BENCHMARKS}/gama/{{set}}.mode_agreement.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/gama_mode_agreement.py"


if BENCHMARK_EXPERIMENTS:
    FINAL_OUTPUTS.extend([f"{GAMA_DIR}/benchmark.tsv", f"{RESULTS}/figures/gama/benchmark_fnr.png"])
FINAL_OUTPUTS.extend(expand(f"{GAMA_DIR}/{{set}}/ground_truth.tsv", set=GROUND_TRUTH_SETS))
FINAL_OUTPUTS.extend(expand(f"{RESULTS}/figures/gama/{{set}}.ground_truth.png", set=GROUND_TRUTH_SETS))
if MODE_PAIRS:
    FINAL_OUTPUTS.extend(expand(f"{GAMA_DIR}/{{set}}/mode_agreement.tsv", set=GENERATIVE_SETS))
