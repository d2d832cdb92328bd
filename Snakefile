# seqattr: AttnGen and GAMA attribution, reproducibly.
# `snakemake --cores all` runs the embedded demo (config/config.yaml); pick another
# run with `--configfile config/<name>.yaml`.
import os
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")


# A --configfile on the command line replaces the default instead of being merged into
# it (Snakemake merges nested keys, which would mix the demo's datasets into any run).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


validate(config, "config/schema.yaml")

# The library lives in src/; rule scripts (and conda envs under --sdm conda) find it
# through PYTHONPATH, so the workflow also runs from a plain checkout.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, os.environ.get("PYTHONPATH")) if p)

from seqattr.config import check_config

check_config(config)


include: "rules/common.smk"
include: "rules/data.smk"
include: "rules/classify.smk"


rule all:
    default_target: True
    input:
        FINAL_OUTPUTS,
