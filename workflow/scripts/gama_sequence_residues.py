from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, p = snakemake.input, snakemake.params
    steps.sequence_residues(i.ig_initial, i.ig_trained, i.sequences, snakemake.output[0],
                            set_name=snakemake.wildcards.set, imgt=p.imgt, max_sequences=p.max_sequences, seed=p.seed)
