from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o, p = snakemake.input, snakemake.output, snakemake.params
    steps.residue_views(i.ig_initial, i.ig_trained, i.models, i.sequences, o.residue_map, o.scan, o.agreement, o.png,
                        o.pdf, set_name=snakemake.wildcards.set, model=p.model, imgt=p.imgt,
                        negatives_residues=i.negatives[0] if i.negatives else None,
                        max_sequences=p.max_sequences, seed=p.seed, threads=snakemake.threads)
