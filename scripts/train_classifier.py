from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    w = snakemake.wildcards
    steps.train(snakemake.input.train, snakemake.input.classes, snakemake.output.model, snakemake.output.history,
                classify=snakemake.params.classify, model=w.model, mask_ratio=w.mask_ratio, seed=w.seed,
                threads=snakemake.threads)
