from seqattr.saliency.stage import perturbation_summary
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    perturbation_summary(snakemake.input.tables,
                         dict(zip(snakemake.params.datasets, snakemake.input.encoded, strict=True)),
                         snakemake.params.n_eval, snakemake.params.eval_seed,
                         snakemake.output.table, snakemake.output.figure)
