from seqattr.gama.validation_steps import mode_agreement_step
from seqattr.workflow import logged

with logged(snakemake.log[0]) as log:
    mode_agreement_step(snakemake.input.profile, snakemake.output[0])
