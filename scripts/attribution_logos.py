from seqattr.saliency.stage import attribution_logos
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    attribution_logos(snakemake.input.encoded, dict(zip(snakemake.params.methods, snakemake.input.saliency, strict=True)),
                      snakemake.input.classes, snakemake.output.figure, title=snakemake.params.title,
                      motifs_path=snakemake.input.motifs[0] if snakemake.input.motifs else None,
                      width=snakemake.params.width)
