from seqattr.evaluation import aggregate_metrics
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    aggregate_metrics(snakemake.input, snakemake.output[0])
