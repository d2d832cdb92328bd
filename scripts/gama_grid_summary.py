from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    steps.grid_summary(list(snakemake.input), o.table, o.png, o.pdf)
