from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o, p = snakemake.input, snakemake.output, snakemake.params
    steps.vs_negatives(i.sequences, i.negatives, i.profile, o.table, o.truth, o.residues, o.png, o.pdf,
                       set_name=snakemake.wildcards.set, replicate_profiles=i.replicates, imgt=p.imgt,
                       bootstrap=p.bootstrap, draws=p.draws, seed=p.seed, cnn=p.cnn, threads=snakemake.threads)
