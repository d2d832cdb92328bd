from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.aggregate(snakemake.input, snakemake.output[0])
