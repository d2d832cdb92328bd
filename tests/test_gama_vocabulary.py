"""The GAMA scoring vocabulary (seqattr.gama.vocabulary): one grammar for every scoring
string, what each metric needs, the retired names a config gets one line for, and the
GAMA steps' read / score / write functions."""

import ast
import subprocess
import sys

import pytest
import yaml

from conftest import REPO
from seqattr.config import validate_config
from seqattr.errors import ConfigError
from seqattr.gama.vocabulary import (ALLOWED, IG_STARTS, INFORMATION_METRICS, METRICS, MODES, NULL_METRICS,
                                     PAPER_SCORING, READOUTS, REDUCTIONS, Scoring, ig_pairs, metric_kind,
                                     needs_negatives, needs_null_model, needs_trained_model)

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def test_every_scoring_of_the_cross_product_formats_and_parses_back():
    for mode, readout in ig_pairs(MODES, READOUTS):
        for ig_start in IG_STARTS:
            for metric in METRICS:
                if metric_kind(metric) == "baseline":
                    continue
                for reduction in REDUCTIONS:
                    scoring = Scoring(mode, readout, ig_start, metric, reduction)
                    assert Scoring.parse(scoring.format()) == scoring
    assert PAPER_SCORING.format() == "exact/mean_logit/zero/gama/input"
    assert Scoring.field_names() == ("mode", "readout", "ig_start", "metric", "reduction")


@pytest.mark.parametrize("text, part", [
    ("exact/mean_logit/gama/input", "4 parts"),
    ("exact/mean_logit/zero/gama/input/max", "6 parts"),
    ("exact/mean_logits/zero/gama/input", "readout 'mean_logits'"),
    ("exact/mean_logit/uniform/gama/input", "ig_start 'uniform'"),
    ("exact/mean_logit/zero/gamma/input", "metric 'gamma'"),
    ("exact/mean_logit/zero/gama/mean", "reduction 'mean'"),
    ("fast/mean_logit/zero/gama/input", "mode 'fast'"),
])
def test_a_string_outside_the_grammar_is_one_line_naming_the_key_and_the_allowed_values(text, part):
    with pytest.raises(ConfigError) as error:
        Scoring.parse(text, "gama_grid.scorings")
    message = str(error.value)
    assert message.startswith(f"gama_grid.scorings: {text!r}") and part in message and "\n" not in message
    if "parts" in part:
        assert "mode/readout/ig_start/metric/reduction" in message
    else:
        name = part.split()[0]
        assert ", ".join(ALLOWED[name]) in message


def test_a_baseline_and_the_authors_code_outside_its_readout_are_not_scorings():
    with pytest.raises(ConfigError, match="information is a baseline"):
        Scoring.parse("exact/mean_logit/zero/information/input")
    with pytest.raises(ConfigError, match="authors_code exists for readout mean_logit only"):
        Scoring.parse("authors_code/log_prob/zero/gama/input")


def test_what_each_metric_needs():
    assert NULL_METRICS == ("null_spread", "null_spread_information", "null_spread_or_information")
    assert INFORMATION_METRICS == ("information", "null_spread_information", "null_spread_or_information")
    assert needs_null_model(["gama", "null_spread"]) and not needs_null_model(["gama", "information"])
    assert needs_trained_model(["information"]) and not needs_trained_model(["gama", "spread"])
    assert needs_negatives(["information"], "negatives") and not needs_negatives(["information"], "uniform")
    assert not needs_negatives(["gama"], "negatives")
    assert [metric_kind(m) for m in ("gama", "null_spread_information", "information", "logo")] == [
        "gama", "gama+baseline", "baseline", "baseline"]
    assert Scoring.of_baseline("logo").label() == "baseline: logo"
    assert Scoring("exact", "log_prob", "zero", "null_spread_information", "max").label() == (
        "GAMA + baseline: exact/log_prob/zero/null_spread_information/max")


def test_the_vocabulary_imports_no_deep_learning_stack():
    code = ("import sys; import seqattr.gama.vocabulary, seqattr.gama.checks, seqattr.gama_validation.checks; "
            "print(sorted(m for m in ('torch', 'sklearn', 'scipy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _test_config():
    return yaml.safe_load((REPO / "config" / "test.yaml").read_text())


@pytest.mark.parametrize("section, change, message", [
    ("gama", {"modes": ["exact", "published"]},
     "gama.modes: 'published' is now named 'authors_code' (what the authors' code computes; "
     "the paper's method is 'exact')"),
    ("gama_grid", {"modes": ["published"]}, "gama_grid.modes: 'published' is now named 'authors_code'"),
    ("gama_grid", {"baselines": ["zero"]}, "gama_grid.baselines: now named gama_grid.ig_starts"),
    ("gama", {"scorings": ["published/mean_logit/zero/gama/input"]},
     "gama.scorings: 'published/mean_logit/zero/gama/input': mode 'published' is now named 'authors_code'"),
    ("gama", {"scorings": ["exact/mean_logit/gama/input"]},
     "gama.scorings: 'exact/mean_logit/gama/input' has 4 parts; a scoring is mode/readout/ig_start/metric/reduction"),
    ("gama_grid", {"scorings": ["exact/mean_logit/mean_residue/gama/input"]},
     "gama_grid.scorings: 'exact/mean_logit/mean_residue/gama/input' has ig_start 'mean_residue', not among "
     "gama_grid.ig_starts ['zero']"),
    ("gama", {"scorings": ["exact/mean_logit/mean_residue/gama/input"]},
     "gama.scorings: 'exact/mean_logit/mean_residue/gama/input' has ig_start 'mean_residue', not among the only "
     "ig_start of gama ['zero']"),
])
def test_retired_names_and_scorings_outside_a_section_are_one_line_naming_the_new_ones(section, change, message):
    config = _test_config()
    config[section].update(change)
    with pytest.raises(ConfigError) as error:
        validate_config(config, SCHEMA)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_no_function_of_the_gama_steps_module_exceeds_60_lines():
    tree = ast.parse((REPO / "src" / "seqattr" / "gama" / "steps.py").read_text())
    spans = {node.name: node.end_lineno - node.lineno + 1 for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert spans and max(spans.values()) <= 60, {name: n for name, n in spans.items() if n > 60}


def _imported_modules(path, modules: set[str]) -> set[str]:
    """The seqattr modules a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("seqattr"):
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                      for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found & modules


def test_the_gama_packages_import_without_cycles_and_gama_never_imports_its_validation():
    src = REPO / "src"
    paths = {".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__"): p
             for package in ("gama", "gama_validation") for p in (src / "seqattr" / package).glob("*.py")}
    graph = {name: _imported_modules(path, set(paths)) - {name} for name, path in paths.items()}
    assert not {m for name in graph if name.startswith("seqattr.gama.") for m in graph[name]
                if m.startswith("seqattr.gama_validation")}

    def reaches(start, goal, seen):
        return any(m == goal or (m not in seen and not seen.add(m) and reaches(m, goal, seen)) for m in graph[start])

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert not cycles, cycles


def test_the_schema_offers_the_vocabulary_s_names_in_its_order():
    from seqattr.gama.vocabulary import MODEL_FREE_BASELINES

    schema = yaml.safe_load(SCHEMA.read_text())["properties"]
    sections = {"gama": {"modes": MODES, "readouts": READOUTS, "metrics": METRICS, "reductions": REDUCTIONS},
                "gama_grid": {"modes": MODES, "readouts": READOUTS, "ig_starts": IG_STARTS, "metrics": METRICS,
                              "reductions": REDUCTIONS, "model_free": MODEL_FREE_BASELINES}}
    for section, keys in sections.items():
        for key, names in keys.items():
            assert tuple(schema[section]["properties"][key]["items"]["enum"]) == names, f"{section}.{key}"
