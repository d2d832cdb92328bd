from seqattr.saliency import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, w = snakemake.input, snakemake.wildcards
    steps.saliency(i.model, i.encoded, i.classes, snakemake.output[0], method=w.method, dataset=w.dataset,
                   model=w.model, threads=snakemake.threads, **snakemake.params.options)
