from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o, p = snakemake.output, snakemake.params
    steps.null_model(snakemake.input.sequences, o.null, o.history, model=p.model, training=p.training,
                     set_name=snakemake.wildcards.set, replicate=int(snakemake.wildcards.replicate),
                     retries=p.retries, threads=snakemake.threads)
