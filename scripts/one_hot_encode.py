from seqattr.encoding import encode_files
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    encode_files(snakemake.input.train, snakemake.input.test, snakemake.input.classes,
                 snakemake.output.train, snakemake.output.test, length=snakemake.params.length,
                 crop=snakemake.params.crop, ambiguous=snakemake.params.ambiguous)
