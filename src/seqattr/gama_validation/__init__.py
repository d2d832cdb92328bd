"""GAMA validation stage: the paper's synthetic grid (FNR of implanted positions), the
dependency benchmark, the Absolut! biophysical ground truth, the non-binders as ground
truth (`negatives`, `supervised`), the model-free baselines GAMA is judged against
(`model_free`, `pairwise`), and the two GAMA modes against each other."""
