from seqattr.manifest import read_previous, write_manifest
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    write_manifest(snakemake.output[0], config=snakemake.params.config, inputs=snakemake.input.inputs,
                   outputs=snakemake.input.outputs, workflow_dir=snakemake.params.workflow_dir,
                   previous=read_previous(snakemake.output[0]))
