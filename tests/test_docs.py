"""The files a user (and the Snakemake workflow catalog) reads before running anything:
config/README.md documents every config key, the catalog file and the licence exist."""

import re
import subprocess
import sys

import pytest
import yaml

from seqattr.report import config_doc

from conftest import REPO
from seqattr.report import record, results_doc


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
    """The generated tables hold every key of the schema (walked here on their own), each
    with its description, and no key the schema lacks."""
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    keys = schema_keys(schema, schema["$defs"])
    assert len(keys) > 100 and "classify.attngen.masking" in keys and "datasets.<dataset>.local.train" in keys
    readme = (REPO / "config" / "README.md").read_text()
    documented = dict(re.findall(r"^\| `([^`]+)` \|[^|]*\|[^|]*\| (.*) \|$", readme, flags=re.M))
    missing = [key for key in keys if key not in documented]
    assert not missing, f"config/README.md lacks: {missing}"
    assert not [key for key in keys if not documented[key].strip()], "a key without a description in the schema"
    stale = [key for key in documented if key not in keys]
    assert not stale, f"config/README.md documents keys the schema no longer has: {stale}"


def test_config_readme_is_what_make_docs_writes():
    assert (REPO / "config" / "README.md").read_text() == config_doc.generated(), \
        "config/README.md differs from its template and the schema: run `make docs`"
    assert "python -m seqattr.report.config_doc" in (REPO / "Makefile").read_text()


def test_config_doc_check_exits_1_on_a_stale_file(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    monkeypatch.setattr(config_doc, "README", readme)
    monkeypatch.setattr(config_doc, "REPOSITORY", tmp_path)
    readme.write_text(config_doc.generated().replace("| `1` |", "| `2` |", 1))
    assert config_doc.main(["--check"]) == 1
    assert config_doc.main([]) == 0 and config_doc.main(["--check"]) == 0


def test_config_doc_tables_come_from_the_schema():
    schema = {"type": "object", "required": ["run"], "properties": {
        "run": {"type": "string", "description": "Name."},
        "mode": {"enum": ["a", "b"], "default": "a", "description": "Which | one."},
        "sizes": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2, "default": [2, 3],
                  "description": "Sizes."}}}
    text = config_doc.render("# Keys\n<!-- keys: run mode sizes -->\n", schema)
    assert "| `run` | string (required) |  | Name. |" in text
    assert "| `mode` | one of `a`, `b` | `\"a\"` | Which \\| one. |" in text
    assert "| `sizes` | list of integer (>= 1), at least 2 items | `[2, 3]` | Sizes. |" in text
    with pytest.raises(ValueError, match=r"missing: \['sizes'\]"):
        config_doc.render("<!-- keys: run mode -->\n", schema)


def test_workflow_catalog_file_and_licence():
    catalog = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text())
    usage = catalog["usage"]
    assert set(usage) == {"mandatory-flags", "software-stack-deployment", "report"}
    assert usage["report"] is True and usage["software-stack-deployment"]["conda"] is True
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    licence = (REPO / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "seqattr developers" in licence


# --- README.md is a front page: measurements only as citations of the record, a complete stage table ---

# A number that looks like a measurement: a percentage, a time or a memory size.
MEASUREMENT = re.compile(
    r"\b\d[\d,]*(?:\.\d+)?\s?(?:%|(?:ms|s|sec|min|h|hours?|minutes?|seconds?)\b|(?:[kKMG]i?B)\b)")


def uncited_measurements(text):
    """(line number, the matched text) of each measurement-like number in `text` that is not
    a citation of the record, `NUMBER ([claim.id](...results.md#claim.id))` (a citation's
    number is checked against the record by `python -m seqattr.report.record check`)."""

    def blank(match):
        cites_a_number = match["number"] and record.CLAIM_ID.fullmatch(match["anchor"])
        return "\n" * match[0].count("\n") if cites_a_number else match[0]

    rest = record.CITATION.sub(blank, text)
    return [(number, found.group(0)) for number, line in enumerate(rest.splitlines(), 1)
            for found in MEASUREMENT.finditer(line)]


def test_measurement_pattern_catches_what_it_should():
    caught = ["96.7%", "takes 5 min", "in 12 s", "1 h 14 min", "35 s per experiment", "peaks of 300 MB", "129 MiB",
              "1,777 seconds",
              # beside a link that is not a citation of a claim, or after a citation
              "misses 45% ([the grid](docs/results.md#gama_grid))", "misses 45% (docs/results.md)",
              "45% ([a.b](docs/results.md#a.b)) in 5 min"]
    missed = ["arXiv:2605.14073", "hidden 128", "3 seeds", "mask ratio 0.15", "rule s0", "20,000 x 200 nt",
              "`results/{run}/`", "top 4",
              # citations of the record, on one line or wrapped before the link
              "misses 45% ([gama_grid.fnr_rank.authors_code](docs/results.md#gama_grid.fnr_rank.authors_code))",
              "takes 310 s\n([demo.run_time](docs/results.md#demo.run_time)) on 2 cores"]
    assert all(uncited_measurements(text) for text in caught), [t for t in caught if not uncited_measurements(t)]
    assert not any(uncited_measurements(text) for text in missed), [t for t in missed if uncited_measurements(t)]
    assert uncited_measurements("one\n45% ([a.b](results.md#a.b)) and\n5 min") == [(3, "5 min")]


def test_readme_quotes_measurements_only_as_citations_of_the_record():
    """Measured figures live in the record (docs/record/, shown by docs/results.md); README.md
    states one only as a citation, which the record check compares with the record."""
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) > 50 and "docs/results.md" in text
    offending = [f"README.md:{number}: {found}" for number, found in uncited_measurements(text)]
    assert not offending, "cite the record for these (docs/record/README.md):\n" + "\n".join(offending)


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


# --- The record and the pages generated from it ------------------------------------------------------


def test_results_and_history_pages_are_what_the_record_gives():
    """docs/results.md and docs/history.md are generated (`make docs`); a hand edit, or a
    record changed without regenerating, fails here."""
    written = results_doc.pages(record.read_record(REPO / "docs" / "record"))
    for name, text in written.items():
        assert (REPO / "docs" / name).read_text() == text, f"docs/{name} is stale: run `make docs`"
    assert len(written["results.md"].splitlines()) <= results_doc.MAX_RESULTS_LINES


def test_the_record_and_every_citation_of_it_check():
    """`python -m seqattr.report.record check`: the record is sound, and every number README.md
    and docs/*.md cite from it is the claim's current value."""
    result = subprocess.run([sys.executable, "-m", "seqattr.report.record", "check"], cwd=REPO, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(": ok")


def test_links_into_the_generated_pages_name_anchors_they_have():
    """A link to a section or row of docs/results.md or docs/history.md names an anchor the
    generated page writes (a topic or claim id), not a heading slug that the page may not have."""
    anchors = {page: set(re.findall(r'<a id="([^"]+)"></a>', (REPO / "docs" / page).read_text()))
               for page in ("results.md", "history.md")}
    documents = [REPO / "README.md", REPO / "config" / "README.template.md", REPO / "bench" / "README.md",
                 *sorted(path for path in (REPO / "docs").glob("*.md") if path.name not in anchors)]
    broken = [f"{path.relative_to(REPO)}: {page}#{anchor}" for path in documents
              for page, anchor in re.findall(r"\b(results\.md|history\.md)#([A-Za-z0-9_.-]+)", path.read_text())
              if anchor not in anchors[page]]
    assert anchors["results.md"] and not broken, broken
