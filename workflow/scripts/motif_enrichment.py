from seqattr.motifs import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, p = snakemake.input, snakemake.params
    steps.use_numba_cache(p.numba_cache, snakemake.threads)
    steps.enrichment(i.encoded, i.classes, i.database, snakemake.output[0], n_eval=p.n_eval, eval_seed=p.eval_seed,
                     threshold=p.threshold)
