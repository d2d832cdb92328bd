# seqattr: AttnGen and GAMA attribution, reproducibly.
# `snakemake --cores all` runs the embedded demo (config/config.yaml); pick another run
# with `--configfile config/<name>.yaml`. Each stage is one rules/<stage>.smk and one
# package src/seqattr/<stage>/; rules/common.smk holds the paths and `final_outputs()`.
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

min_version("9.0")


# The front page of `snakemake --report`: what the run did, with links to each category.
report: "report/workflow.rst"


# The library lives in src/; the Snakefile imports it from there, so the workflow runs
# from a plain checkout. The rule scripts (also in conda envs under --sdm conda, and in
# cluster jobs) find it too: Snakemake puts every folder of this sys.path on a script's
# sys.path, so no environment variable is needed (or asserted with `envvars:`).
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)

from seqattr.config import ConfigError, apply_table_overrides, validate_config

# A --configfile on the command line replaces the default instead of being merged into
# it (Snakemake merges nested keys, which would mix the demo's datasets into any run).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


# --config absolut_table=... / mason_table=... point the generative sets at another file
# (a relative path is taken from the project root). Then the schema (which fills its
# defaults) and the checks across keys: each problem is one line naming the key.
try:
    apply_table_overrides(config, project_root=workflow.basedir)
    validate_config(config, Path(workflow.basedir) / "config" / "schema.yaml")
except ConfigError as error:
    raise WorkflowError(str(error)) from None


include: "rules/common.smk"
include: "rules/data.smk"
include: "rules/classify.smk"
include: "rules/saliency.smk"
include: "rules/generative.smk"
include: "rules/gama.smk"
include: "rules/gama_validation.smk"
include: "rules/report.smk"
include: "rules/manifest.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
