from seqattr.saliency import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    summary_steps.convergence_table(snakemake.params.saliency_files, snakemake.output[0])
