"""The motifs stage: from importance maps to motifs a biologist recognises.

Per (classifier, method): per-base hypothetical contributions (attention, Integrated
Gradients' path-averaged gradient, DeepLIFT/SHAP's hypothetical contributions, or in-silico
saturation mutagenesis), TF-MoDISco-lite
patterns, TOMTOM matches against JASPAR CORE vertebrates with Benjamini-Hochberg
q-values; per dataset a model-free FIMO + Fisher enrichment baseline; on synthetic data
the recall of the planted motifs. Domain modules here do no file I/O; steps.py does.
"""

METHODS = ("attention", "ig", "deep_lift_shap", "ism")
BASES = "ACGT"
