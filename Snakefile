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


# Everything the workflow itself reads (the library in src/, config/schema.yaml, the demo
# config) is found from this Snakefile's folder, WORKFLOW_DIR: workflow.basedir names the
# main Snakefile's folder, which is another workflow's when seqattr runs as its module.
# Rule scripts, conda envs and report captions are named relative to their rule file, as
# Snakemake resolves them. Outputs, logs and the data paths of a config are relative to
# the working directory (config/README.md, "Relative paths").
WORKFLOW_DIR = Path(str(workflow.current_basedir))

# The library lives in src/; the Snakefile imports it from there, so the workflow runs
# from a plain checkout. The rule scripts (also in conda envs under --sdm conda, and in
# cluster jobs) find it too: Snakemake puts every folder of this sys.path on a script's
# sys.path, so no environment variable is needed (or asserted with `envvars:`).
SRC = str(WORKFLOW_DIR / "src")
sys.path.insert(0, SRC)

from seqattr.config import ConfigError, apply_table_overrides, validate_config

# A --configfile on the command line replaces the default instead of being merged into
# it (Snakemake merges nested keys, which would mix the demo's datasets into any run).
# Used as a module with `config:`, Snakemake skips this and the module gets that config.
if not workflow.overwrite_configfiles:

    configfile: str(WORKFLOW_DIR / "config" / "config.yaml")


# --config absolut_table=... / mason_table=... point the generative sets at another file.
# Then the schema (which fills its defaults) and the checks across keys: each problem is
# one line naming the key.
try:
    apply_table_overrides(config)
    validate_config(config, WORKFLOW_DIR / "config" / "schema.yaml")
except ConfigError as error:
    raise WorkflowError(str(error)) from None

# A second run on a results folder that a live run holds is told so: Snakemake checks
# incomplete files before its locks and would advise --rerun-incomplete. Only runs that
# execute jobs are checked (not --lint, --unlock, --report or a dry run); spawned jobs
# and --nolock runs take no lock and skip it too.
from seqattr.workflow import lock_message, results_lock_holder, takes_lock

if takes_lock(sys.argv):
    lock = results_lock_holder(f"results/{config['run']}")
    if lock:
        raise WorkflowError(lock_message(f"results/{config['run']}", lock))


include: "rules/common.smk"
include: "rules/data.smk"
include: "rules/classify.smk"
include: "rules/saliency.smk"
include: "rules/motifs.smk"
include: "rules/generative.smk"
include: "rules/gama.smk"
include: "rules/gama_validation.smk"
include: "rules/report.smk"
include: "rules/manifest.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
