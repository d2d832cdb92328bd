from seqattr.generative import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    steps.train(snakemake.input.sequences, o.initial, o.trained, o.history, o.timing, model=snakemake.params.model,
                training=snakemake.params.training, set_name=snakemake.wildcards.set, threads=snakemake.threads,
                replicate=int(snakemake.wildcards.replicate), use_counts=snakemake.params.use_counts)
