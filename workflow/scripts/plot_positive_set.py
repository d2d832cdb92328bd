from seqattr.generative import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    steps.set_figures(snakemake.input.sequences, snakemake.input.history, o.logo, o.logo_pdf, o.nll, o.nll_pdf,
                      name=snakemake.wildcards.set)
