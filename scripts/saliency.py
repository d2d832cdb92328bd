from seqattr.saliency.stage import compute_saliency
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    compute_saliency(snakemake.input.model, snakemake.input.encoded, snakemake.output[0],
                     method=snakemake.wildcards.method, threads=snakemake.threads, **dict(snakemake.params.items()))
