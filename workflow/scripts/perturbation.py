from seqattr.saliency import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p, w = snakemake.params, snakemake.wildcards
    steps.perturbation(snakemake.input.model, snakemake.input.encoded, snakemake.input.classes, snakemake.output[0],
                       saliency_files=p.saliency_files,
                       classifier={"dataset": w.dataset, "model": w.model, "mask_ratio": w.mask_ratio, "seed": w.seed},
                       fractions=p.fractions, removal=p.removal, eval_seed=p.eval_seed, device=p.device,
                       threads=snakemake.threads)
