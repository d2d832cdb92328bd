from pathlib import Path

from seqattr.data.summary import summarise_dataset
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    summarise_dataset(Path(snakemake.input.classes).parent, snakemake.output.table, snakemake.output.png,
                      snakemake.wildcards.dataset)
