from seqattr.generative.steps import sample_and_report
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    sample_and_report(snakemake.input.trained, snakemake.input.sequences, samples_path=snakemake.output.samples,
                      summary_path=snakemake.output.summary, threads=snakemake.threads, **snakemake.params.sample)
