from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p, o = snakemake.params, snakemake.output
    steps.grid_experiment(o.table, o.timing, experiment=snakemake.wildcards.experiment, grid=p.grid,
                          generative=p.generative, gama=p.gama, threads=snakemake.threads,
                          edges_output=getattr(o, "edges", None))
