from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, w = snakemake.input, snakemake.wildcards
    o = snakemake.output
    steps.evaluate(i.model, i.train, i.test, i.classes, o.metrics, o.predictions, dataset=w.dataset, model=w.model,
                   device=snakemake.params.device, threads=snakemake.threads)
