from seqattr.saliency.stage import perturbation_table
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    w = snakemake.wildcards
    perturbation_table(snakemake.input.model, snakemake.input.encoded,
                       dict(zip(snakemake.params.methods, snakemake.input.saliency, strict=True)),
                       snakemake.output[0], fractions=snakemake.params.fractions, removal=snakemake.params.removal,
                       eval_seed=snakemake.params.eval_seed, dataset=w.dataset, model=w.model,
                       mask_ratio=w.mask_ratio, seed=w.seed, threads=snakemake.threads)
