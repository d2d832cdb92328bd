from seqattr.gama import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o = snakemake.input, snakemake.output
    steps.figures(i.matrix, i.profile, o.heatmap, o.heatmap_pdf, o.profile, o.profile_pdf,
                  name=snakemake.wildcards.set, truth_path=i.truth[0] if i.truth else None,
                  replicate_paths=list(i.replicates))
