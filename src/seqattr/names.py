"""What figures, the report and its tables call things: words, not the config's code names.

Pure Python (no numpy, no matplotlib), so that workflow/rules/common.smk can use it while parsing.
"""

from __future__ import annotations

METHOD_NAMES = {"attention": "attention", "ig": "Integrated Gradients", "grad_x_input": "gradient x input",
                "deep_lift_shap": "DeepLIFT/SHAP"}
MODEL_NAMES = {"cnn": "CNN", "attngen": "AttnGen"}


def method_name(method: str) -> str:
    """'ig' -> 'Integrated Gradients', 'grad_x_input' -> 'gradient x input'."""
    return METHOD_NAMES.get(method, str(method).replace("_", " "))


def ratio_text(mask_ratio) -> str:
    """0.2 -> '0.2', '0.10' -> '0.1', 0 -> '0'."""
    return f"{float(mask_ratio):g}"


def model_name(model: str, mask_ratio=None) -> str:
    """'CNN', or 'AttnGen r = 0.2' (AttnGen with its mask ratio, when given)."""
    name = MODEL_NAMES.get(model, model)
    if model == "cnn" or mask_ratio is None:
        return name
    return f"{name} r = {ratio_text(mask_ratio)}"


def classifier_name(model: str, mask_ratio=None, seed=None) -> str:
    """'AttnGen r = 0.2, seed 0' or 'CNN, seed 0'."""
    name = model_name(model, mask_ratio)
    return name if seed is None else f"{name}, seed {int(seed)}"
