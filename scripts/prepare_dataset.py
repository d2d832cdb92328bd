from seqattr.data.canonical import write_splits
from seqattr.data.sources import load_dataset
from seqattr.workflow import logged

with logged(snakemake.log[0]) as log:
    splits = load_dataset(snakemake.params.spec)
    log.info("%s: %d train, %d test sequences, classes %s", snakemake.wildcards.dataset,
             len(splits.train), len(splits.test), splits.classes)
    write_splits(splits, snakemake.output.train.rsplit("/", 1)[0])
