# Shared names for every stage. Each stage's .smk appends its final files to FINAL_OUTPUTS.
import re

RUN = config["run"]
RESULTS = f"results/{RUN}"
LOGS = f"{RESULTS}/logs"
BENCHMARKS = f"{RESULTS}/benchmarks"
DATASETS = config["datasets"]
FINAL_OUTPUTS = []
# Files from outside results/ that a run reads (local datasets, antibody tables): the
# manifest records their sha256. Stages append to it.
EXTERNAL_INPUTS = []


def datasets_with_source(*sources):
    return [name for name, spec in DATASETS.items() if spec["source"] in sources]


def name_pattern(names):
    """A wildcard constraint that matches exactly these names (and nothing when empty)."""
    return "|".join(map(re.escape, names)) if names else "(?!)"
