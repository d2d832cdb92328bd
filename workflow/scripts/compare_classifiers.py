from seqattr.classify import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    summary_steps.compare(snakemake.input.metrics, snakemake.params.predictions, o.table, o.png, o.pdf)
