from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o = snakemake.input, snakemake.output
    steps.summarise(i.profiles, i.bootstraps, i.matrices, o.profile, o.matrix, set_name=snakemake.wildcards.set)
