# Stage gama_validation: the GAMA paper's synthetic grid (FNR of the implanted
# positions) or the dependency benchmark (ranked edges, edge AUPRC, learned fraction),
# the Absolut! biophysical ground truth, and the two GAMA modes against each
# other on every set (src/seqattr/gama_validation/).


rule gama_grid_experiment:
    output:
        **grid_experiment_outputs(),
    log:
        log_file("gama", "grid/{experiment}"),
    benchmark:
        benchmark_file("gama", "grid/{experiment}")
    conda:
        "../envs/torch.yaml"
    threads: GRID["threads"] if GRID else 1
    resources:
        gpu=GRID["gpu"] if GRID else 0,
        mem_mb=memory_mb(TORCH_MB),
        runtime=240,
    params:
        grid=GRID,
        # the dependency design trains by its own schedule (gama_grid.schedule)
        generative={} if DEPENDENCY_GRID else {"model": GENERATIVE["model"], "training": GENERATIVE["training"]},
        gama={key: GAMA[key] for key in IG_OPTION_KEYS},
    script:
        "../scripts/gama_grid_experiment.py"


rule gama_grid_summary:
    input:
        tables=[grid_experiment_file(experiment) for experiment in GRID_EXPERIMENTS],
        timings=[grid_experiment_file(experiment, "timing.tsv") for experiment in GRID_EXPERIMENTS],
    output:
        **grid_summary_outputs(),
        png=report(
            grid_figure("png"),
            caption=report_caption("gama_grid_dependency" if DEPENDENCY_GRID else "gama_grid_fnr"),
            category="GAMA",
            labels={"set": "synthetic grid", "content": "edge AUPRC figure" if DEPENDENCY_GRID else "FNR figure"},
        ),
        pdf=grid_figure("pdf"),
    log:
        log_file("gama", "grid_summary"),
    benchmark:
        benchmark_file("gama", "grid_summary")
    localrule: True
    conda:
        "../envs/torch.yaml"
    params:
        scorings=list((GRID or {}).get("scorings") or []),
    script:
        "../scripts/gama_grid_summary.py"


rule gama_ground_truth:
    input:
        profile=gama_file("profile.tsv"),
        replicates=lambda wildcards: gama_replicate_files("profile.tsv", wildcards.set),
        absolut=lambda wildcards: GENERATIVE["sets"][wildcards.set]["path"],
    output:
        table=gama_file("ground_truth.tsv"),
        replicates=gama_file("ground_truth_replicates.tsv"),
        png=report(
            gama_figure("ground_truth", "png"),
            caption=report_caption("gama_ground_truth_scatter"),
            category="GAMA",
            labels={"set": "{set}", "content": "ground truth scatter"},
        ),
        pdf=gama_figure("ground_truth", "pdf"),
    log:
        log_file("gama", "{set}.ground_truth"),
    benchmark:
        benchmark_file("gama", "{set}.ground_truth")
    wildcard_constraints:
        set=name_pattern(GROUND_TRUTH_SETS),
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    params:
        epitope=lambda wildcards: GENERATIVE["sets"][wildcards.set].get("epitope"),
        min_size=lambda wildcards: GENERATIVE["sets"][wildcards.set].get("min_size", 1),
        draws=GAMA["permutation_draws"],
        seed=GAMA["seed"],
    script:
        "../scripts/gama_ground_truth.py"


rule gama_vs_negatives:
    input:
        sequences=generative_file("sequences.tsv.gz"),
        negatives=generative_file("negatives.tsv.gz"),
        profile=gama_file("profile.tsv"),
        replicates=lambda wildcards: gama_replicate_files("profile.tsv", wildcards.set),
    output:
        table=gama_file("vs_negatives.tsv"),
        truth=gama_file("negatives_truth.tsv"),
        residues=gama_file("negatives_residues.tsv"),
        png=report(
            gama_figure("vs_negatives", "png"),
            caption=report_caption("gama_vs_negatives"),
            category="GAMA",
            labels={"set": "{set}", "content": "binders vs non-binders"},
        ),
        pdf=gama_figure("vs_negatives", "pdf"),
    log:
        log_file("gama", "{set}.vs_negatives"),
    benchmark:
        benchmark_file("gama", "{set}.vs_negatives")
    wildcard_constraints:
        set=name_pattern(NEGATIVE_SETS),
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=20,
    params:
        imgt=lambda wildcards: GENERATIVE["sets"][wildcards.set]["source"] == "airr",
        bootstrap=GAMA["bootstrap"],
        draws=GAMA["permutation_draws"],
        seed=GAMA["seed"],
        cnn=GAMA["negatives_cnn"],
    script:
        "../scripts/gama_vs_negatives.py"


rule gama_mode_agreement:
    input:
        profile=gama_file("profile.tsv"),
    output:
        gama_file("mode_agreement.tsv"),
    log:
        log_file("gama", "{set}.mode_agreement"),
    benchmark:
        benchmark_file("gama", "{set}.mode_agreement")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    script:
        "../scripts/gama_mode_agreement.py"
