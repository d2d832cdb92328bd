from seqattr.generative import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.sample(snakemake.input.trained, snakemake.input.sequences, snakemake.output.samples,
                 snakemake.output.summary, set_name=snakemake.wildcards.set, model=snakemake.params.model,
                 threads=snakemake.threads, airr_path=snakemake.output.airr, **snakemake.params.sample)
