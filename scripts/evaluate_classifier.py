import torch

from seqattr.evaluation import evaluate_checkpoint
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    torch.set_num_threads(snakemake.threads)
    evaluate_checkpoint(snakemake.input.model, snakemake.input.train, snakemake.input.test, snakemake.output[0],
                        dataset=snakemake.wildcards.dataset, device=snakemake.params.device)
