from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o = snakemake.input, snakemake.output
    steps.gama(i.ig_initial, i.ig_trained, o.matrix, o.profile, o.bootstrap, replicate=int(snakemake.wildcards.replicate),
               history_path=i.history, training=snakemake.params.training, imgt=snakemake.params.imgt,
               threads=snakemake.threads,
               **snakemake.params.options)
