from seqattr.saliency.stage import saliency_figures
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p = snakemake.params
    saliency_figures(p.runs, p.entries, snakemake.input.saliency,
                     dict(zip(p.datasets, snakemake.input.encoded, strict=True)),
                     dict(zip(p.datasets, snakemake.input.classes, strict=True)),
                     dict(zip(p.motif_datasets, snakemake.input.motifs, strict=True)),
                     snakemake.output.logos, snakemake.output.heatmaps, width=p.width)
