from seqattr.generative import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.negative_set(snakemake.params.spec, snakemake.output.negatives, snakemake.output.summary)
