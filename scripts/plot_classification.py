from seqattr.classify_figures import plot_accuracy_vs_ratio, plot_learning_curves
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    plot_learning_curves(snakemake.params.runs, snakemake.input.histories, snakemake.output.curves_png,
                         snakemake.output.curves_pdf)
    plot_accuracy_vs_ratio(snakemake.input.metrics, snakemake.output.ratio_png, snakemake.output.ratio_pdf)
