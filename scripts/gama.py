from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o = snakemake.input, snakemake.output
    steps.gama(i.initial, i.trained, i.sequences, o.matrix, o.profile, set_name=snakemake.wildcards.set,
               model=snakemake.params.model, history_path=i.history, tolerance=snakemake.params.tolerance,
               threads=snakemake.threads, **snakemake.params.options)
