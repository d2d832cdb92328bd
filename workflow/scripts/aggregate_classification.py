from seqattr.classify import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    summary_steps.aggregate(snakemake.input, snakemake.output[0])
