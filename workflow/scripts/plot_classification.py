from seqattr.classify import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    summary_steps.plot(snakemake.input.metrics, snakemake.params.histories, o.curves_png, o.curves_pdf, o.ratio_png,
               o.ratio_pdf)
