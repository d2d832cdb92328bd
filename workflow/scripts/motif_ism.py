from seqattr.motifs import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, w, p = snakemake.input, snakemake.wildcards, snakemake.params
    steps.ism(i.model, i.encoded, i.classes, snakemake.output[0], dataset=w.dataset, model=w.model,
              n_eval=p.n_eval, eval_seed=p.eval_seed, target=p.target, batch_size=p.batch_size, device=p.device,
              threads=snakemake.threads)
