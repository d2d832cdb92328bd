from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    w, o = snakemake.wildcards, snakemake.output
    steps.train(snakemake.input.train, snakemake.input.classes, o.model, o.history, o.timing,
                classify=snakemake.params.classify, model=w.model, mask_ratio=w.mask_ratio, seed=w.seed,
                dataset=w.dataset, threads=snakemake.threads)
