from seqattr.saliency import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    p = snakemake.params
    steps.saliency_figures(**p.plan, encoded_files=p.encoded_files, classes_files=p.classes_files,
                           motifs_files=p.motifs_files, width=p.width)
