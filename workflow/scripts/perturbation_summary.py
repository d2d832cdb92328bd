from seqattr.saliency import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p, o = snakemake.params, snakemake.output
    summary_steps.perturbation_summary(snakemake.input.tables, o.table, o.png, o.pdf, o.deletion, o.deletion_png,
                               o.deletion_pdf, encoded_files=p.encoded_files, n_eval=p.n_eval,
                               eval_seed=p.eval_seed, summary_fraction=p.summary_fraction)
