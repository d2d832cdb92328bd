from seqattr.motifs import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    summary_steps.motif_database(snakemake.output[0], release=snakemake.params.release, path=snakemake.params.path)
