from seqattr.data import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.set_hygiene(snakemake.input.sequences, snakemake.output.hygiene)
