from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o = snakemake.input, snakemake.output
    steps.grid_summary(list(i.tables), list(i.timings), o.table, o.timing, o.png, o.pdf,
                       summary_table=getattr(o, "summary", None), scorings=snakemake.params.scorings)
