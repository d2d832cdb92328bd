from seqattr.data import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    out = snakemake.output
    steps.prepare(out.train, out.test, out.classes, out.get("motifs"), spec=snakemake.params.spec,
                  name=snakemake.wildcards.dataset)
