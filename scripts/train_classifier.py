from seqattr.training import train_to_files
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    train_to_files(snakemake.input.train, snakemake.input.classes, snakemake.output.model, snakemake.output.history,
                   model_name=snakemake.wildcards.model, model_config=snakemake.params.model_config,
                   training=snakemake.params.training, mask_ratio=float(snakemake.wildcards.mask_ratio),
                   seed=int(snakemake.wildcards.seed), threads=snakemake.threads)
