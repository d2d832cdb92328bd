from seqattr.saliency import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.convergence_table(snakemake.params.saliency_files, snakemake.output[0])
