"""Saliency of sequence classifiers and the tests of it: perturbation and motif recovery.

The names below are what the library's functions accept (torch-free, so any module can
import them); which of them a config may use, and for which model, is workflow/schemas/config.schema.yaml's.
"""

METHODS = ("attention", "ig", "grad_x_input", "deep_lift_shap")
TARGETS = ("predicted", "label")
ORDERS = ("top", "random", "bottom")
REMOVAL_MODES = ("zero", "random_base")
