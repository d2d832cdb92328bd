from seqattr.saliency.stage import saliency_heatmap
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    saliency_heatmap(snakemake.params.entries, snakemake.input.saliency, snakemake.input.classes,
                     snakemake.output.figure, title=snakemake.params.title)
