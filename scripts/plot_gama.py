from seqattr.gama.plots import gama_figures
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    gama_figures(snakemake.input.matrix, snakemake.input.profile, snakemake.output.heatmap, snakemake.output.profile,
                 snakemake.wildcards.set, truth_path=snakemake.input.truth[0] if snakemake.input.truth else None)
