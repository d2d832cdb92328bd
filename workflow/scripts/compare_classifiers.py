from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    steps.compare(snakemake.input.metrics, snakemake.params.predictions, o.table, o.png, o.pdf)
