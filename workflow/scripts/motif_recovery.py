from seqattr.saliency import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    summary_steps.motif_recovery(o.table, o.png, o.pdf, saliency_files=snakemake.params.saliency_files,
                         motifs_files=snakemake.params.motifs_files)
