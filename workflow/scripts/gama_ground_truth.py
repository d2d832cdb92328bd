from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o, p = snakemake.input, snakemake.output, snakemake.params
    steps.ground_truth(i.profile, i.absolut, o.table, o.png, o.pdf, set_name=snakemake.wildcards.set,
                       replicate_profiles=list(i.replicates), replicate_table=o.replicates, epitope=p.epitope,
                       min_size=p.min_size, draws=p.draws, seed=p.seed)
