from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    o = snakemake.output
    steps.ground_truth(snakemake.input.profile, snakemake.input.absolut, o.table, o.png, o.pdf,
                       set_name=snakemake.wildcards.set)
