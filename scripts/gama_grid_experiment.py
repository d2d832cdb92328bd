from seqattr.gama_validation import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p = snakemake.params
    steps.grid_experiment(snakemake.output[0], experiment=snakemake.wildcards.experiment, grid=p.grid,
                          generative=p.generative, gama=p.gama, threads=snakemake.threads)
