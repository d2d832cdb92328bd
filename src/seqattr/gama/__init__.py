"""GAMA (Frank et al., arXiv:2506.23182): Integrated-Gradients attribution of an
autoregressive LSTM, trained vs. initial model, per (output position, input position)."""

from seqattr.gama.ig import (MODES, QUADRATURES, READOUTS, gama_hypercube, gama_ig, gama_ig_modes, gama_ig_readouts,
                             quadrature_rule)
from seqattr.gama.metric import gama_matrix, importance_profile

__all__ = ["MODES", "QUADRATURES", "READOUTS", "gama_hypercube", "gama_ig", "gama_ig_modes", "gama_ig_readouts",
           "gama_matrix", "importance_profile", "quadrature_rule"]
