# Stage gama: IG of the initial and trained generative LSTM on each set, the GAMA matrix
# and importance profile, their figures (src/seqattr/gama/).


rule gama_null_model:
    input:
        sequences=generative_file("sequences.tsv.gz"),
    output:
        null=replicate_file("null.pt"),
        history=replicate_file("null_history.tsv"),
    log:
        log_file("gama", "{set}.replicate{replicate}.null_model"),
    benchmark:
        benchmark_file("gama", "{set}.replicate{replicate}.null_model")
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
        # a synthetic set's floor is reachable, so a run above it is retried at half the
        # learning rate (as the grid does); a real set's floor is in-sample (gama.null_model)
        retries=lambda wildcards: 2 if wildcards.set in SYNTHETIC_POSITIVE_SETS else 0,
    script:
        "../scripts/gama_null_model.py"


rule gama_ig:
    input:
        model=replicate_file("{state}.pt"),
        sequences=generative_file("sequences.tsv.gz"),
    output:
        gama_replicate_file("ig_{state}.pt"),
    log:
        log_file("gama", "{set}.replicate{replicate}.ig_{state}"),
    benchmark:
        benchmark_file("gama", "{set}.replicate{replicate}.ig_{state}")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    threads: GAMA["threads"]
    resources:
        gpu=GAMA["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=120,
    params:
        options={key: GAMA[key] for key in IG_OPTION_KEYS},
        model=MODEL_SHAPE,
        min_stratum=GAMA["min_stratum"],
    script:
        "../scripts/gama_ig.py"


rule gama:
    input:
        ig_initial=gama_replicate_file("ig_initial.pt"),
        ig_trained=gama_replicate_file("ig_trained.pt"),
        history=replicate_file("history.tsv"),
        ig_null=[gama_replicate_file("ig_null.pt")] if GAMA_NEEDS_NULL else [],
        null_history=[replicate_file("null_history.tsv")] if GAMA_NEEDS_NULL else [],
        trained_model=[replicate_file("trained.pt")] if GAMA_NEEDS_INFORMATION else [],
        background=information_background_files,
    output:
        matrix=gama_replicate_file("gama_matrix.tsv"),
        profile=gama_replicate_file("profile.tsv"),
        bootstrap=gama_replicate_file("bootstrap.tsv.gz"),
    log:
        log_file("gama", "{set}.replicate{replicate}"),
    benchmark:
        benchmark_file("gama", "{set}.replicate{replicate}")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    threads: GAMA["threads"]
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=60,
    params:
        options={key: GAMA[key] for key in GAMA_SCORING_OPTIONS},
        training={key: GENERATIVE["training"][key] for key in ("patience", "min_delta", "tolerance")},
        imgt=lambda wildcards: GENERATIVE["sets"][wildcards.set]["source"] == "airr",
        model=MODEL_SHAPE,
        # a reference set's spec (read as a set's negatives); the string cases need no spec
        background_spec=GAMA_BACKGROUND if isinstance(GAMA_BACKGROUND, dict) else None,
    script:
        "../scripts/gama.py"


rule gama_replicates:
    input:
        profiles=lambda wildcards: gama_replicate_files("profile.tsv", wildcards.set),
        bootstraps=lambda wildcards: gama_replicate_files("bootstrap.tsv.gz", wildcards.set),
        matrices=lambda wildcards: gama_replicate_files("gama_matrix.tsv", wildcards.set),
    output:
        matrix=gama_file("gama_matrix.tsv"),
        profile=gama_file("profile.tsv"),
    log:
        log_file("gama", "{set}.replicates"),
    benchmark:
        benchmark_file("gama", "{set}.replicates")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    script:
        "../scripts/gama_replicates.py"


rule gama_residue_views:
    input:
        ig_initial=lambda wildcards: gama_replicate_files("ig_initial.pt", wildcards.set),
        ig_trained=lambda wildcards: gama_replicate_files("ig_trained.pt", wildcards.set),
        models=lambda wildcards: [replicate_file("trained.pt", wildcards.set, k) for k in REPLICATES],
        sequences=generative_file("sequences.tsv.gz"),
        negatives=lambda wildcards: (
            [gama_file("negatives_residues.tsv", wildcards.set)] if wildcards.set in NEGATIVE_SETS else []
        ),
    output:
        residue_map=gama_file("residue_map.tsv"),
        scan=gama_file("mutational_scan.tsv"),
        agreement=gama_file("residue_agreement.tsv"),
        png=report(
            gama_figure("residues", "png"),
            caption=report_caption("gama_residues"),
            category="GAMA",
            labels={"set": "{set}", "content": "position x residue views"},
        ),
        pdf=gama_figure("residues", "pdf"),
    log:
        log_file("gama", "{set}.residue_views"),
    benchmark:
        benchmark_file("gama", "{set}.residue_views")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    threads: GAMA["threads"]
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=60,
    params:
        model=MODEL_SHAPE,
        imgt=lambda wildcards: GENERATIVE["sets"][wildcards.set]["source"] == "airr",
        max_sequences=GAMA["max_sequences"],
        seed=GAMA["seed"],
    script:
        "../scripts/gama_residue_views.py"


rule plot_gama:
    input:
        matrix=gama_file("gama_matrix.tsv"),
        profile=gama_file("profile.tsv"),
        replicates=lambda wildcards: gama_replicate_files("profile.tsv", wildcards.set),
        truth=lambda wildcards: (
            [generative_file("truth.tsv", wildcards.set)] if wildcards.set in SYNTHETIC_POSITIVE_SETS else []
        ),
    output:
        heatmap=report(
            gama_figure("heatmap", "png"),
            caption=report_caption("gama_heatmap"),
            category="GAMA",
            labels={"set": "{set}", "content": "GAMA heatmap"},
        ),
        heatmap_pdf=gama_figure("heatmap", "pdf"),
        profile=report(
            gama_figure("profile", "png"),
            caption=report_caption("gama_profile"),
            category="GAMA",
            labels={"set": "{set}", "content": "importance profile"},
        ),
        profile_pdf=gama_figure("profile", "pdf"),
    log:
        log_file("gama", "{set}.plot"),
    benchmark:
        benchmark_file("gama", "{set}.plot")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=10,
    script:
        "../scripts/plot_gama.py"


rule gama_sequence_residues:
    input:
        ig_initial=lambda wildcards: gama_replicate_files("ig_initial.pt", wildcards.set),
        ig_trained=lambda wildcards: gama_replicate_files("ig_trained.pt", wildcards.set),
        sequences=generative_file("sequences.tsv.gz"),
    output:
        report(
            gama_file("sequence_residues.tsv.gz"),
            caption=report_caption("gama_sequence_residues"),
            category="GAMA",
            subcategory="Files for other tools",
            labels={"set": "{set}", "content": "per-sequence residue IG (joins by sequence_id)"},
        ),
    log:
        log_file("gama", "{set}.sequence_residues"),
    benchmark:
        benchmark_file("gama", "{set}.sequence_residues")
    group:
        "generative"
    conda:
        "../envs/torch.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(TORCH_MB),
        runtime=20,
    params:
        imgt=lambda wildcards: GENERATIVE["sets"][wildcards.set]["source"] == "airr",
        max_sequences=GAMA["max_sequences"],
        seed=GAMA["seed"],
    script:
        "../scripts/gama_sequence_residues.py"
