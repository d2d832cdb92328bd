# GAMA validations (issue 6): the paper's synthetic benchmark grid, the Absolut!
# biophysical ground truth, and each set's GAMA modes side by side (Mason HER2 figures).
# Reads the per-set outputs of rules/generative.smk (include this file after it).

from seqattr.config import generative_sets
from seqattr.gama.benchmark import expand_grid

BENCHMARK = config.get("gama_benchmark")
BENCHMARK_EXPERIMENTS = expand_grid(BENCHMARK) if BENCHMARK else {}
GROUND_TRUTH_SETS = [name for name in GENERATIVE_SETS if generative_sets(config)[name].get("kind") == "absolut"]
GAMA_SETTINGS = config.get("gama", {})


rule gama_benchmark:
    output:
        f"{RESULTS}/gama/benchmark/{{experiment}}.tsv",
    wildcard_constraints:
        experiment=name_pattern(BENCHMARK_EXPERIMENTS),
    params:
        experiment=lambda wildcards: BENCHMARK_EXPERIMENTS[wildcards.experiment].as_dict(),
        train=BENCHMARK["train"] if BENCHMARK else {},
        gama={"modes": BENCHMARK["modes"] if BENCHMARK else [],
              "quadrature": GAMA_SETTINGS.get("quadrature"), "steps": GAMA_SETTINGS.get("steps")},
        n_attributed=BENCHMARK["n_attributed"] if BENCHMARK else None,
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
        expand(f"{RESULTS}/gama/benchmark/{{experiment}}.tsv", experiment=BENCHMARK_EXPERIMENTS),
    output:
        table=report(f"{RESULTS}/gama/benchmark.tsv", caption="../report/gama_benchmark.rst", category="GAMA"),
        png=report(f"{RESULTS}/gama/benchmark_fnr.png", caption="../report/gama_benchmark_fnr.rst", category="GAMA"),
        pdf=f"{RESULTS}/gama/benchmark_fnr.pdf",
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
        profile=f"{RESULTS}/gama/{{set}}/profile.tsv",
        absolut=lambda wildcards: generative_sets(config)[wildcards.set]["path"],
    output:
        table=report(f"{RESULTS}/gama/{{set}}/ground_truth.tsv", caption="../report/gama_ground_truth.rst",
                     category="GAMA", subcategory="{set}"),
        png=report(f"{RESULTS}/gama/{{set}}/ground_truth.png", caption="../report/gama_ground_truth_scatter.rst",
                   category="GAMA", subcategory="{set}"),
        pdf=f"{RESULTS}/gama/{{set}}/ground_truth.pdf",
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


rule gama_compare_modes:
    input:
        profile=f"{RESULTS}/gama/{{set}}/profile.tsv",
        matrix=f"{RESULTS}/gama/{{set}}/gama_matrix.tsv",
        sequences=f"{RESULTS}/generative/{{set}}/sequences.tsv.gz",
    output:
        profile_png=report(f"{RESULTS}/gama/{{set}}/modes/profile.png", caption="../report/gama_modes_profile.rst",
                           category="GAMA", subcategory="{set}"),
        profile_pdf=f"{RESULTS}/gama/{{set}}/modes/profile.pdf",
        heatmap_png=report(f"{RESULTS}/gama/{{set}}/modes/heatmap.png", caption="../report/gama_modes_heatmap.rst",
                           category="GAMA", subcategory="{set}"),
        heatmap_pdf=f"{RESULTS}/gama/{{set}}/modes/heatmap.pdf",
        logo_png=report(f"{RESULTS}/gama/{{set}}/modes/logo.png", caption="../report/gama_set_logo.rst",
                        category="GAMA", subcategory="{set}"),
        logo_pdf=f"{RESULTS}/gama/{{set}}/modes/logo.pdf",
    wildcard_constraints:
        set=name_pattern(GENERATIVE_SETS),
    log:
        f"{LOGS}/gama/{{set}}.compare_modes.log",
    benchmark:
        f"{BENCHMARKS}/gama/{{set}}.compare_modes.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/gama_compare_modes.py"


if BENCHMARK_EXPERIMENTS:
    FINAL_OUTPUTS.extend([f"{RESULTS}/gama/benchmark.tsv", f"{RESULTS}/gama/benchmark_fnr.png"])
FINAL_OUTPUTS.extend(expand(f"{RESULTS}/gama/{{set}}/ground_truth.{{ext}}", set=GROUND_TRUTH_SETS, ext=["tsv", "png"]))
FINAL_OUTPUTS.extend(expand(f"{RESULTS}/gama/{{set}}/modes/{{figure}}.png", set=GENERATIVE_SETS,
                            figure=["profile", "heatmap", "logo"]))
