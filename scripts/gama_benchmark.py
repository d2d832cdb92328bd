from seqattr.gama.validation_steps import benchmark_experiment_step
from seqattr.workflow import logged

with logged(snakemake.log[0]) as log:
    import torch

    torch.set_num_threads(snakemake.threads)
    benchmark_experiment_step(snakemake.params.experiment, snakemake.params.train, snakemake.params.gama,
                              snakemake.output[0], n_attributed=snakemake.params.n_attributed,
                              threshold_z=snakemake.params.threshold_z)
