from seqattr.generative.steps import write_positive_set
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    write_positive_set(snakemake.params.spec, snakemake.output.sequences, snakemake.output.get("truth"))
