from seqattr.data import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o, p = snakemake.input, snakemake.output, snakemake.params
    steps.encode(i.train, i.test, i.classes, o.train, o.test, length=p.length, crop=p.crop, ambiguous=p.ambiguous)
