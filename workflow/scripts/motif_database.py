from seqattr.motifs import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.motif_database(snakemake.output[0], release=snakemake.params.release, path=snakemake.params.path)
