from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    w = snakemake.wildcards
    steps.ig(snakemake.input.model, snakemake.input.sequences, snakemake.output[0], set_name=w.set, state=w.state,
             replicate=int(w.replicate), model=snakemake.params.model, threads=snakemake.threads,
             options=snakemake.params.options, min_stratum=snakemake.params.min_stratum)
