"""Saliency of sequence classifiers and the tests of it: perturbation and motif recovery.

The names below are what the config may use; they live here, free of torch, so that
config validation does not import the deep-learning stack.
"""

METHODS = ("attention", "ig", "grad_x_input")
# Models whose forward pass produces per-position attention scores (`model.importance(x)`).
ATTENTION_MODELS = ("attngen",)
TARGETS = ("predicted", "label")
ORDERS = ("top", "random", "bottom")
REMOVAL_MODES = ("zero", "random_base")
