from seqattr.saliency.stage import motif_recovery
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    motif_recovery(snakemake.params.entries, snakemake.input.saliency,
                   dict(zip(snakemake.params.datasets, snakemake.input.motifs, strict=True)),
                   snakemake.output.table, snakemake.output.figure)
