from seqattr.gama.validation_steps import compare_modes_step
from seqattr.workflow import logged

with logged(snakemake.log[0]) as log:
    compare_modes_step(snakemake.input.profile, snakemake.input.matrix, snakemake.input.sequences,
                       snakemake.wildcards.set, dict(snakemake.output.items()))
