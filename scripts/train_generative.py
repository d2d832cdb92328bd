from seqattr.generative.steps import train_and_save
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    train_and_save(snakemake.input.sequences, snakemake.params.model, snakemake.params.training,
                   snakemake.output.initial, snakemake.output.trained, snakemake.output.history,
                   threads=snakemake.threads)
