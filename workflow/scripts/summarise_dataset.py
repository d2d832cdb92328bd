from seqattr.data import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o = snakemake.input, snakemake.output
    steps.summarise(i.train, i.test, i.classes, o.table, o.png, o.pdf, name=snakemake.wildcards.dataset,
                    motifs_path=i.motifs[0] if i.motifs else None)
