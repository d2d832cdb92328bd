from seqattr.gama.validation_steps import ground_truth_step
from seqattr.workflow import logged

with logged(snakemake.log[0]) as log:
    ground_truth_step(snakemake.input.profile, snakemake.input.absolut, snakemake.wildcards.set,
                      snakemake.output.table, snakemake.output.png)
