from seqattr.gama.steps import run_gama
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    run_gama(snakemake.input.initial, snakemake.input.trained, snakemake.input.sequences,
             matrix_path=snakemake.output.matrix, profile_path=snakemake.output.profile,
             threads=snakemake.threads, **snakemake.params.gama)
