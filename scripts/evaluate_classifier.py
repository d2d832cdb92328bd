from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, w = snakemake.input, snakemake.wildcards
    steps.evaluate(i.model, i.train, i.test, i.classes, snakemake.output[0], dataset=w.dataset, model=w.model,
                   device=snakemake.params.device, threads=snakemake.threads)
