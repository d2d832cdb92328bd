from seqattr.classify import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    steps.plot(snakemake.input.metrics, snakemake.params.histories, o.curves_png, o.curves_pdf, o.ratio_png,
               o.ratio_pdf)
