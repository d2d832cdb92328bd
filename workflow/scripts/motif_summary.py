from seqattr.motifs import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p = snakemake.params
    summary_steps.motif_summary(snakemake.output.recall, snakemake.output.overlap, tables=p.tables,
                                enrichment_files=p.enrichment_files, planted=p.planted, q_threshold=p.q_threshold,
                                combined_meme=p.combined_meme)
