from seqattr.classify_figures import plot_accuracy_vs_ratio, plot_learning_curves
from seqattr.workflow import logged

# Each call writes the PNG and the PDF beside it (outputs curves_pdf and ratio_pdf).
with logged(snakemake.log[0]):
    plot_learning_curves(snakemake.params.runs, snakemake.input.histories, snakemake.output.curves_png)
    plot_accuracy_vs_ratio(snakemake.input.metrics, snakemake.output.ratio_png)
