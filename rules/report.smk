# The run manifest; included last, after every stage has added its final outputs.
from seqattr.manifest import config_changes, read_previous

MANIFEST = f"{RESULTS}/manifest.json"
PREVIOUS_MANIFEST = read_previous(MANIFEST)
if PREVIOUS_MANIFEST and PREVIOUS_MANIFEST.get("config") != config:
    logger.warning(
        f"{RESULTS} was made with a different config; changed keys: "
        + ", ".join(config_changes(PREVIOUS_MANIFEST.get("config", {}), config))
        + ". Jobs whose parameters changed are rerun; see manifest.json."
    )

RUN_OUTPUTS = list(FINAL_OUTPUTS)


rule manifest:
    input:
        outputs=RUN_OUTPUTS,
        inputs=EXTERNAL_INPUTS,
    output:
        # update(): Snakemake keeps the old manifest until this job replaces it, so the
        # job can record what changed since the previous run.
        update(MANIFEST),
    log:
        f"{LOGS}/manifest.log",
    benchmark:
        f"{BENCHMARKS}/manifest.tsv"
    params:
        config=config,
        workflow_dir=workflow.basedir,
    conda:
        "../envs/torch.yaml"  # torch: versions and the GPU model
    script:
        "../scripts/manifest.py"


FINAL_OUTPUTS.append(MANIFEST)
