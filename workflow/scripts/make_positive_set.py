from seqattr.generative import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.positive_set(snakemake.params.spec, snakemake.output.sequences, snakemake.output.get("truth"),
                       snakemake.output.get("summary"))
