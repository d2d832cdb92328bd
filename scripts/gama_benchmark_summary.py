from seqattr.gama.validation_steps import benchmark_summary_step
from seqattr.workflow import logged

with logged(snakemake.log[0]) as log:
    benchmark_summary_step(list(snakemake.input), snakemake.output.table, snakemake.output.png)
