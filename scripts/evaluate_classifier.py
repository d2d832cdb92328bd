from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i = snakemake.input
    steps.evaluate(i.model, i.train, i.test, snakemake.output[0], dataset=snakemake.wildcards.dataset,
                   device=snakemake.params.device, threads=snakemake.threads)
