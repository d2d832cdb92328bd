from seqattr.manifest import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    steps.manifest(snakemake.output[0], config=snakemake.params.config, inputs=snakemake.input.inputs,
                   outputs=snakemake.input.outputs, workflow_dir=snakemake.params.workflow_dir)
