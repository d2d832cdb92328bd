from seqattr.saliency import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.saliency(snakemake.input.model, snakemake.input.encoded, snakemake.output[0],
                   method=snakemake.wildcards.method, threads=snakemake.threads, **snakemake.params.options)
