from seqattr.saliency import summary_steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p = snakemake.params
    summary_steps.saliency_figures(**p.plan, encoded_files=p.encoded_files, classes_files=p.classes_files,
                           motifs_files=p.motifs_files, width=p.width)
