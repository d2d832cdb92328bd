from seqattr.report import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.render_tables(snakemake.params.tables)
