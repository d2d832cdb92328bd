from seqattr.gama.plots import set_figures
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    set_figures(snakemake.input.sequences, snakemake.input.history, snakemake.output.logo, snakemake.output.nll,
                snakemake.wildcards.set)
