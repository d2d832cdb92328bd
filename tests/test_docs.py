"""The files a user (and the Snakemake workflow catalog) reads before running anything:
config/README.md documents every config key, the catalog file and the licence exist."""

import re

import yaml

from conftest import REPO


def schema_keys(node, defs, path=""):
    """Every key path of workflow/schemas/config.schema.yaml as config/README.md writes it: `<dataset>` and
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
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
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


# --- README.md is a front page: no measurements, a complete stage table -----------------

# A number that looks like a measurement: a percentage, a time or a memory size.
MEASUREMENT = re.compile(
    r"\b\d[\d,]*(?:\.\d+)?\s?(?:%|(?:ms|s|sec|min|h|hours?|minutes?|seconds?)\b|(?:[kKMG]i?B)\b)")
# A number cited from the record, `NUMBER ([claim.id](docs/results.md#claim.id))`: the record row holds its source.
CITATION = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:%|x|×)? \(\[[a-z0-9_.]+\]\([^)]*results\.md#[a-z0-9_.]+\)\)")


def readme_lines_outside_quick_start():
    """(line number, line) of README.md, except the lines of its `## Quick start` section."""
    lines, inside = [], False
    for number, line in enumerate((REPO / "README.md").read_text().splitlines(), 1):
        if line.startswith("## "):
            inside = line.strip() == "## Quick start"
        if not inside:
            lines.append((number, line))
    return lines


def test_measurement_pattern_catches_what_it_should():
    caught = ["96.7%", "takes 5 min", "in 12 s", "1 h 14 min", "35 s per experiment", "peaks of 300 MB", "129 MiB",
              "1,777 seconds"]
    missed = ["arXiv:2605.14073", "hidden 128", "3 seeds", "mask ratio 0.15", "rule s0", "20,000 x 200 nt",
              "`results/{run}/`", "top 4"]
    assert all(MEASUREMENT.search(text) for text in caught), [t for t in caught if not MEASUREMENT.search(t)]
    assert not any(MEASUREMENT.search(text) for text in missed), [t for t in missed if MEASUREMENT.search(t)]


def test_readme_quotes_no_measurement_outside_the_quick_start():
    """Measured figures live in the record (docs/results.md); README.md cites them there (its
    Quick start may say what a command costs)."""
    lines = readme_lines_outside_quick_start()
    assert len(lines) > 50 and any("docs/results.md" in line for _, line in lines)
    offending = [f"README.md:{number}: {line.strip()}" for number, line in lines
                 if MEASUREMENT.search(CITATION.sub("", line))]
    assert not offending, "measurements belong in docs/results.md:\n" + "\n".join(offending)


def test_readme_stage_table_lists_every_rule():
    rules = set()
    for path in [REPO / "workflow" / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]:
        rules |= set(re.findall(r"^rule (\w+):", path.read_text(), flags=re.M))
    assert {"compare_classifiers", "gama_ig", "gama_replicates", "report_tables", "all"} <= rules
    readme = (REPO / "README.md").read_text()
    table = readme.split("## Stages and rules", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\|[^|]*\| `(\w+)` \|", table, flags=re.M))
    assert listed == rules, f"missing: {sorted(rules - listed)}; not rules: {sorted(listed - rules)}"


def test_readme_config_table_lists_every_config():
    configs = {p.relative_to(REPO).as_posix() for p in (REPO / "config").rglob("*.yaml")}
    readme = (REPO / "README.md").read_text()
    listed = set(re.findall(r"^\| `(config/[^`]+\.yaml)` \|", readme, flags=re.M))
    assert listed == configs, f"missing: {sorted(configs - listed)}; not configs: {sorted(listed - configs)}"


def test_readme_is_a_front_page_and_its_links_resolve():
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 210
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        assert (REPO / target).exists(), target
    for doc in sorted((REPO / "docs").glob("*.md")):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name}: {target}"


def test_results_doc_states_where_each_measurement_comes_from():
    """docs/results.md: every section names its commit; the generator's usage is there."""
    text = (REPO / "docs" / "results.md").read_text()
    assert "python -m seqattr.report.results_doc" in text and "2 CPU cores" in text
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    assert len(sections) >= 8
    for section in sections:
        if section.startswith("Numbers that disagreed"):
            continue
        assert re.search(r"\bcommits? [0-9a-f]{7}\b", section, flags=re.I), f"no commit named in section {section.splitlines()[0]!r}"
