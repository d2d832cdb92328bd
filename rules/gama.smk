# Stage gama: IG of the initial and trained generative LSTM on each set, the GAMA matrix
# and importance profile, their figures (src/seqattr/gama/).


rule gama:
    input:
        initial=generative_file("initial.pt"),
        trained=generative_file("trained.pt"),
        sequences=generative_file("sequences.tsv.gz"),
        history=generative_file("history.tsv"),
    output:
        matrix=gama_file("gama_matrix.tsv"),
        profile=gama_file("profile.tsv"),
    log:
        log_file("gama", "{set}"),
    benchmark:
        benchmark_file("gama", "{set}")
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
        options={key: GAMA[key] for key in GAMA_OPTIONS},
        model=GENERATIVE["model"],
        tolerance=GENERATIVE["training"]["tolerance"],
    script:
        "../scripts/gama.py"


rule plot_gama:
    input:
        matrix=gama_file("gama_matrix.tsv"),
        profile=gama_file("profile.tsv"),
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
