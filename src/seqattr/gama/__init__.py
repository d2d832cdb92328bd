"""GAMA (Frank et al., arXiv:2506.23182): Integrated-Gradients attribution of an
autoregressive LSTM, trained vs. initial model, per (output position, input position).

The names below load their torch modules on first use, so that `seqattr.gama.options`,
`vocabulary` and `checks` (which the Snakefile reads while parsing) come without torch.
"""

import importlib

_EXPORTS = {"MODES": "ig", "QUADRATURES": "ig", "READOUTS": "ig", "gama_ig": "ig", "gama_ig_modes": "ig",
            "gama_ig_readouts": "ig", "quadrature_rule": "ig", "gama_matrix": "metric",
            "importance_profile": "metric", "IGOptions": "options"}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
