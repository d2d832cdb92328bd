from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.mode_agreement_table(snakemake.input.profile, snakemake.output[0])
