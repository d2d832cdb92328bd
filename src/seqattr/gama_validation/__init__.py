"""GAMA validation stage: the paper's synthetic grid (FNR of implanted positions), the
Absolut! biophysical ground truth, and the two GAMA modes against each other."""
