"""The files a user (and the Snakemake workflow catalog) reads before running anything:
config/README.md documents every config key, the catalog file and the licence exist."""

import re

import yaml

from conftest import REPO


def schema_keys(node, defs, path=""):
    """Every key path of config/schema.yaml as config/README.md writes it: `<dataset>` and
    `<set>` for the names a user chooses, `[]` for the items of a list."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    keys = [path] if path else []
    for name, child in node.get("properties", {}).items():
        keys += schema_keys(child, defs, f"{path}.{name}" if path else name)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and "$ref" in extra:
        placeholder = {"dataset": "<dataset>", "positive_set": "<set>"}[extra["$ref"].rsplit("/", 1)[-1]]
        keys += schema_keys(extra, defs, f"{path}.{placeholder}")
    items = node.get("items")
    if node.get("type") == "array" and isinstance(items, dict) and items.get("properties"):
        for name, child in items["properties"].items():
            keys += schema_keys(child, defs, f"{path}[].{name}")
    return keys


def test_config_readme_describes_every_key_of_the_schema():
    schema = yaml.safe_load((REPO / "config" / "schema.yaml").read_text())
    keys = schema_keys(schema, schema["$defs"])
    assert len(keys) > 100 and "classify.attngen.masking" in keys and "datasets.<dataset>.local.train" in keys
    readme = (REPO / "config" / "README.md").read_text()
    documented = dict(re.findall(r"^\| `([^`]+)` \|[^|]*\|[^|]*\| (.*) \|$", readme, flags=re.M))
    missing = [key for key in keys if key not in documented]
    assert not missing, f"config/README.md lacks: {missing}"
    assert not [key for key in keys if not documented[key].strip()], "a key without a description"
    stale = [key for key in documented if key not in keys]
    assert not stale, f"config/README.md documents keys the schema no longer has: {stale}"


def test_workflow_catalog_file_and_licence():
    catalog = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text())
    usage = catalog["usage"]
    assert set(usage) == {"mandatory-flags", "software-stack-deployment", "report"}
    assert usage["report"] is True and usage["software-stack-deployment"]["conda"] is True
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    licence = (REPO / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "seqattr developers" in licence
