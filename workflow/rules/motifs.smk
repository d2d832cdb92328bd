# Stage motifs: from importance maps to motifs a biologist recognises. Per (classifier,
# method) of `motifs.classifiers`: per-base hypothetical contributions, TF-MoDISco-lite
# patterns, TOMTOM matches against JASPAR CORE vertebrates (release pinned in the config)
# with BH q-values and a logo figure; per dataset the model-free FIMO + Fisher enrichment
# baseline; planted-motif recall and the overlap with the baseline (src/seqattr/motifs/).
# The numba-heavy jobs (TF-MoDISco, TOMTOM, FIMO) are apart from the torch ones, and
# numba caches its compiled code in `motifs.numba_cache`, kept between runs. The section's
# checks across keys (`seqattr.motifs.checks`) ran with the config's validation.


rule motif_database:
    output:
        MOTIF_DATABASE,
    log:
        log_file("motifs", "database"),
    benchmark:
        benchmark_file("motifs", "database")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        release=MOTIFS["jaspar_release"],
        path=MOTIFS["database"],
    script:
        "../scripts/motif_database.py"


rule motif_ism:
    input:
        model=model_file(),
        encoded=encoded_file("test"),
        classes=dataset_file("classes.json"),
    output:
        ism_file(),
    log:
        log_file("motifs", f"ism/{{dataset}}/{classifier_stem()}"),
    benchmark:
        benchmark_file("motifs", f"ism/{{dataset}}/{classifier_stem()}")
    group:
        "classifier"
    conda:
        "../envs/torch.yaml"
    threads: MOTIFS["threads"]
    resources:
        gpu=SALIENCY["gpu"],
        mem_mb=memory_mb(TORCH_MB),
        runtime=30,
    params:
        n_eval=SALIENCY["n_eval"],
        eval_seed=SALIENCY["eval_seed"],
        target=SALIENCY["target"],
        batch_size=MOTIFS["ism_batch_size"],
        device=SALIENCY["device"],
    script:
        "../scripts/motif_ism.py"


rule motif_discovery:
    input:
        source=motifs_source,
        encoded=encoded_file("test"),
        database=MOTIF_DATABASE,
    output:
        table=motifs_file("motifs.tsv"),
        patterns=motifs_file("patterns.npz"),
        meme=report(
            motifs_file("motifs.meme"),
            caption=report_caption("motif_meme"),
            category="Motifs",
            subcategory="Files for other tools",
            labels={
                "dataset": "{dataset}",
                "classifier": classifier_stem(),
                "method": "{attribution}",
                "content": "discovered motifs (MEME)",
            },
        ),
        h5=report(
            motifs_file("modisco_results.h5"),
            caption=report_caption("modisco_h5"),
            category="Motifs",
            subcategory="Files for other tools",
            labels={
                "dataset": "{dataset}",
                "classifier": classifier_stem(),
                "method": "{attribution}",
                "content": "modisco_results.h5",
            },
        ),
        bed=report(
            motifs_file("seqlets.bed"),
            caption=report_caption("seqlet_bed"),
            category="Motifs",
            subcategory="Files for other tools",
            labels={
                "dataset": "{dataset}",
                "classifier": classifier_stem(),
                "method": "{attribution}",
                "content": "seqlets (BED6)",
            },
        ),
        bigwig=report(
            motifs_file("contributions.bw"),
            caption=report_caption("contributions_bigwig"),
            category="Motifs",
            subcategory="Files for other tools",
            labels={
                "dataset": "{dataset}",
                "classifier": classifier_stem(),
                "method": "{attribution}",
                "content": "contributions (bigWig)",
            },
        ),
        modisco_report=report(
            motifs_file("modisco_report.html"),
            caption=report_caption("modisco_report"),
            category="Motifs",
            subcategory="TF-MoDISco reports",
            labels={
                "dataset": "{dataset}",
                "classifier": classifier_stem(),
                "method": "{attribution}",
                "content": "modisco report with TOMTOM matches",
            },
        ),
        png=report(
            motifs_figure("png"),
            caption=report_caption("motif_logos"),
            category="Motifs",
            subcategory="Discovered motifs",
            labels={
                "dataset": "{dataset}",
                "classifier": classifier_stem(),
                "method": "{attribution}",
                "content": "logos beside the best match",
            },
        ),
        pdf=motifs_figure("pdf"),
    log:
        log_file("motifs", f"discovery/{{dataset}}/{classifier_stem()}.{{attribution}}"),
    benchmark:
        benchmark_file("motifs", f"discovery/{{dataset}}/{classifier_stem()}.{{attribution}}")
    conda:
        "../envs/torch.yaml"
    threads: MOTIFS["threads"]
    resources:
        mem_mb=memory_mb(PYTHON_MB + 1200),
        runtime=30,
    params:
        title=lambda w: f"{w.dataset}: {classifier_name(w.model, w.mask_ratio, w.seed)}, {w.attribution}",
        name=lambda w: f"{classifier_stem(w.model, w.mask_ratio, w.seed)}/{w.attribution}",
        planted=lambda w: planted_consensuses(w.dataset),
        mutation_rate=lambda w: planted_mutation_rate(w.dataset),
        min_seqlets=MOTIFS["min_seqlets"],
        min_information=MOTIFS["min_information"],
        min_mean_information=MOTIFS["min_mean_information"],
        top=MOTIFS["top_matches"],
        options={
            key: MOTIFS[key]
            for key in (
                "window",
                "flank",
                "max_seqlets",
                "n_leiden_runs",
                "min_metacluster_size",
                "final_min_cluster_size",
                "trim_threshold",
            )
        },
        numba_cache=MOTIFS["numba_cache"],
    script:
        "../scripts/motif_discovery.py"


rule motif_enrichment:
    input:
        encoded=encoded_file("test"),
        classes=dataset_file("classes.json"),
        database=MOTIF_DATABASE,
    output:
        enrichment_file(),
    log:
        log_file("motifs", "enrichment/{dataset}"),
    benchmark:
        benchmark_file("motifs", "enrichment/{dataset}")
    conda:
        "../envs/torch.yaml"
    threads: MOTIFS["threads"]
    resources:
        mem_mb=memory_mb(PYTHON_MB + 1200),
        runtime=20,
    params:
        n_eval=SALIENCY["n_eval"],
        eval_seed=SALIENCY["eval_seed"],
        threshold=MOTIFS["fimo_threshold"],
        numba_cache=MOTIFS["numba_cache"],
    script:
        "../scripts/motif_enrichment.py"


rule motif_summary:
    input:
        tables=[motifs_file("motifs.tsv", **entry) for entry in MOTIF_ENTRIES],
        meme=[motifs_file("motifs.meme", **entry) for entry in MOTIF_ENTRIES],
        enrichment=[enrichment_file(dataset) for dataset in MOTIF_DATASETS],
    output:
        recall=PLANTED_RECALL,
        overlap=BASELINE_OVERLAP,
        combined=[
            report(
                discovered_meme(dataset),
                caption=report_caption("discovered_meme"),
                category="Motifs",
                subcategory="Files for other tools",
                labels={
                    "dataset": dataset,
                    "classifier": "all",
                    "method": "all",
                    "content": "discovered motifs (MEME)",
                },
            )
            for dataset in MOTIF_DATASETS
        ],
    log:
        log_file("motifs", "summary"),
    benchmark:
        benchmark_file("motifs", "summary")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        tables=[dict(entry, path=motifs_file("motifs.tsv", **entry)) for entry in MOTIF_ENTRIES],
        enrichment_files={dataset: enrichment_file(dataset) for dataset in MOTIF_DATASETS},
        planted={dataset: planted_consensuses(dataset) for dataset in MOTIF_DATASETS},
        q_threshold=MOTIFS["q_threshold"],
        combined_meme={
            dataset: (
                [motifs_file("motifs.meme", **entry) for entry in MOTIF_ENTRIES if entry["dataset"] == dataset],
                discovered_meme(dataset),
            )
            for dataset in MOTIF_DATASETS
        },
    script:
        "../scripts/motif_summary.py"
