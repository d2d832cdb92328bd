"""Checks of the `motifs` config section across keys, run by the workflow's checker
(`seqattr.config`) after schema validation, before any job runs; each problem is one
ConfigError naming the key or the file (the schema checks each key alone)."""

from __future__ import annotations

from pathlib import Path

from seqattr.errors import ConfigError
from seqattr.motifs.database import DatabaseError, check_release, read_meme

# Which saliency method's maps each motifs method reads (ism runs the model itself).
SALIENCY_SOURCE = {"attention": "attention", "ig": "ig", "deep_lift_shap": "deep_lift_shap"}


def check_config(config: dict) -> None:
    motifs = config.get("motifs") or {}
    if not motifs.get("classifiers"):
        return
    classify, saliency = config["classify"], config["saliency"]
    for i, spec in enumerate(motifs["classifiers"]):
        key = f"motifs.classifiers[{i}]"
        model = spec["model"]
        if model not in classify["models"]:
            raise ConfigError(f"{key}.model: {model!r} is not trained in this run (classify.models: "
                              f"{', '.join(classify['models'])})")
        if "mask_ratio" in spec and model == "attngen" and not any(
                abs(float(spec["mask_ratio"]) - float(r)) < 1e-9 for r in classify["mask_ratios"]):
            raise ConfigError(f"{key}.mask_ratio: {spec['mask_ratio']} is not one of classify.mask_ratios "
                              f"{classify['mask_ratios']}")
        if "seed" in spec and spec["seed"] not in classify["seeds"]:
            raise ConfigError(f"{key}.seed: {spec['seed']} is not one of classify.seeds {classify['seeds']}")
        listed = saliency["methods"].get(model, [])
        for method in spec["methods"]:
            source = SALIENCY_SOURCE.get(method)
            if source and source not in listed:
                raise ConfigError(f"{key}.methods: {method!r} reads the {source} importance maps of {model}, which "
                                  f"this run does not make (saliency.methods.{model}: {', '.join(listed) or 'none'});"
                                  f" add {source} there or use ism")
    try:
        if motifs["database"]:
            path = Path(motifs["database"])
            if not path.is_file():
                raise ConfigError(f"motifs.database: {path} does not exist")
            read_meme(path)
        else:
            check_release(motifs["jaspar_release"])
    except DatabaseError as error:
        raise ConfigError(str(error)) from None
