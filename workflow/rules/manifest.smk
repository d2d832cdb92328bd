# Stage manifest: results/{run}/manifest.json, the provenance of every final output
# (src/seqattr/manifest/).


from seqattr.manifest.provenance import config_changes, read_previous

PREVIOUS_MANIFEST = read_previous(MANIFEST)
if PREVIOUS_MANIFEST and PREVIOUS_MANIFEST.get("config") != config:
    logger.warning(
        f"{RESULTS} was made with a different config; changed keys: "
        + ", ".join(config_changes(PREVIOUS_MANIFEST.get("config", {}), config))
        + ". Jobs whose parameters changed are rerun; see manifest.json."
    )


rule manifest:
    input:
        outputs=[path for path in final_outputs() if path != MANIFEST],
        inputs=external_inputs(),
    output:
        # update(): Snakemake keeps the old manifest until this job replaces it, so the
        # job can record what changed since the previous run.
        update(MANIFEST),
    log:
        log_file("manifest", "manifest"),
    benchmark:
        benchmark_file("manifest", "manifest")
    localrule: True
    conda:
        "../envs/torch.yaml"  # torch: versions and the GPU model
    params:
        config=config,
        workflow_dir=WORKFLOW_SOURCE,
    script:
        "../scripts/manifest.py"
