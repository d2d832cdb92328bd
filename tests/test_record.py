"""The record (seqattr.report.record): its checks, one per kind of error, each failing on
the bad case and passing on the sound record; appending; values from a run's tables; and
the citation checker."""

import datetime
import os
import subprocess

import pandas as pd
import pytest

from record_helpers import CLAIMS, MEASUREMENTS, TOPICS, changed, row, tsv, write
from seqattr.report import record as rec

def errors(folder):
    return rec.record_errors(rec.read_record(folder, "rec"), bench_scripts={"bench/speed.py"})


def test_the_sound_record_has_no_errors(tmp_path):
    assert errors(write(tmp_path / "rec")) == []


# Each case: the record's files with one fault, and the start of the one error it gives
# (file:line: column), the line counted with the header as line 1.
BAD = {
    "claim id without a dot": (dict(claims=changed(CLAIMS, 3, claim="betalabel")), "rec/claims.tsv:5: claim:"),
    "claim id in capitals": (dict(claims=changed(CLAIMS, 3, claim="beta.Label")), "rec/claims.tsv:5: claim:"),
    "claim of an unknown topic": (dict(claims=CLAIMS + [{**CLAIMS[3], "claim": "gamma.x"}],
                                       measurements={**MEASUREMENTS, "gamma": [row("gamma.x", "1")]}),
                                  "rec/claims.tsv:6: claim: its topic 'gamma'"),
    "claim twice": (dict(claims=CLAIMS + [CLAIMS[0]]), "rec/claims.tsv:6: claim: 'alpha.acc' is also on line 2"),
    "unit not in the list": (dict(claims=changed(CLAIMS, 2, unit="items")), "rec/claims.tsv:4: unit:"),
    "malformed source": (dict(claims=changed(CLAIMS, 2, source="results/{run}/t.tsv")), "rec/claims.tsv:4: source:"),
    "source filter without =": (dict(claims=changed(CLAIMS, 2, source="results/{run}/t.tsv:n[model]")),
                                "rec/claims.tsv:4: source:"),
    "bench script that does not exist": (dict(claims=changed(CLAIMS, 1, source="bench/gone.py")),
                                         "rec/claims.tsv:3: source: bench/gone.py does not exist"),
    "claim without a row": (dict(measurements={**MEASUREMENTS, "beta": MEASUREMENTS["beta"][:1]}),
                            "rec/claims.tsv:5: claim: 'beta.label' has no row"),
    "row of a claim not in claims.tsv": (dict(measurements={**MEASUREMENTS, "beta": MEASUREMENTS["beta"]
                                                            + [row("beta.other", "3")]}),
                                         "rec/beta.tsv:4: claim: 'beta.other' is not in claims.tsv"),
    "row in another topic's file": (dict(measurements={"alpha": MEASUREMENTS["alpha"] + MEASUREMENTS["beta"][1:],
                                                       "beta": MEASUREMENTS["beta"][:1]}),
                                    "rec/alpha.tsv:5: claim: 'beta.label' belongs in rec/beta.tsv"),
    "two current rows": (dict(measurements={**MEASUREMENTS, "alpha": changed(MEASUREMENTS["alpha"], 0,
                                                                             status="current")}),
                         "rec/alpha.tsv:2: status: 'alpha.acc' needs exactly one current row (lines 2, 3)"),
    "no current row": (dict(measurements={**MEASUREMENTS, "alpha": changed(MEASUREMENTS["alpha"], 1,
                                                                           status="superseded")}),
                       "rec/alpha.tsv:2: status: 'alpha.acc' needs exactly one current row (none)"),
    "status not in the list": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                                  status="old")}),
                               "rec/beta.tsv:2: status: 'old'"),
    "origin not in the list": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                                  origin="typed")}),
                               "rec/beta.tsv:2: origin: 'typed'"),
    "short commit": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0, commit="abc12")}),
                     "rec/beta.tsv:2: commit:"),
    "commit in capitals": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                              commit="ABC1234")}),
                           "rec/beta.tsv:2: commit:"),
    "impossible date": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                           date="2026-13-01")}),
                        "rec/beta.tsv:2: date:"),
    "date in another format": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                                  date="21.11.2026")}),
                               "rec/beta.tsv:2: date:"),
    "value not a number": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                              value="1,013")}),
                           "rec/beta.tsv:2: value: '1,013' is not a number (unit count)"),
    "bound not a number": (dict(measurements={**MEASUREMENTS, "alpha": changed(MEASUREMENTS["alpha"], 1,
                                                                               low="n/a")}),
                           "rec/alpha.tsv:3: low: 'n/a' is not a number"),
    "low above the value": (dict(measurements={**MEASUREMENTS, "alpha": changed(MEASUREMENTS["alpha"], 1,
                                                                                low="0.87")}),
                            "rec/alpha.tsv:3: low: 0.87 is above the value 0.8652"),
    "high below the value": (dict(measurements={**MEASUREMENTS, "alpha": changed(MEASUREMENTS["alpha"], 1,
                                                                                 high="0.86")}),
                             "rec/alpha.tsv:3: high: 0.86 is below the value 0.8652"),
    "bounds on a text claim": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 1,
                                                                                  low="1")}),
                               "rec/beta.tsv:3: low: a text claim has no interval bounds"),
    "required field empty": (dict(measurements={**MEASUREMENTS, "beta": changed(MEASUREMENTS["beta"], 0,
                                                                                command="")}),
                             "rec/beta.tsv:2: command: empty"),
    "file of a topic not in topics.tsv": (dict(measurements={**MEASUREMENTS, "gamma": [row("alpha.time", "1")]}),
                                          "rec/gamma.tsv:1: topic: 'gamma' is not a topic of topics.tsv"),
    "topic id not allowed": (dict(topics=changed(TOPICS, 1, topic="Beta")), "rec/topics.tsv:3: topic:"),
    "topic without claims": (dict(topics=TOPICS + [{"topic": "gamma", "title": "G", "intro": "i"}]),
                             "rec/topics.tsv:4: topic: no claim of claims.tsv belongs to 'gamma'"),
    "topic without an intro": (dict(topics=changed(TOPICS, 0, intro=" ")), "rec/topics.tsv:2: intro: empty"),
}


@pytest.mark.parametrize("case", BAD)
def test_each_fault_gives_one_error_naming_file_line_and_column(tmp_path, case):
    faults, expected = BAD[case]
    assert errors(write(tmp_path / "good" / "rec")) == []
    found = errors(write(tmp_path / "bad" / "rec", **faults))
    assert len(found) >= 1 and any(line.startswith(expected) for line in found), found
    assert all("\n" not in line for line in found)


def test_files_that_are_not_tables_of_the_record_are_refused_when_read(tmp_path):
    folder = write(tmp_path / "rec")
    (folder / "beta.tsv").write_text(tsv(MEASUREMENTS["beta"], rec.ROW_COLUMNS).replace("\tcurrent\t", "\t", 1))
    with pytest.raises(rec.RecordError, match=r"^rec/beta.tsv:2: 12 tab-separated fields, expected 13"):
        rec.read_record(folder, "rec")
    (folder / "beta.tsv").write_text(tsv(MEASUREMENTS["beta"], rec.ROW_COLUMNS))
    (folder / "topics.tsv").write_text("topic\tname\tintro\n")
    with pytest.raises(rec.RecordError, match=r"^rec/topics.tsv:1: column 2 of the header is 'name', expected 'title'"):
        rec.read_record(folder, "rec")
    (folder / "topics.tsv").unlink()
    with pytest.raises(rec.RecordError, match=r"^rec/topics.tsv:1: no such file"):
        rec.read_record(folder, "rec")


def test_current_values_are_the_current_rows():
    record = rec.Record(*(pd.DataFrame(t) for t in (TOPICS, CLAIMS)),
                        {topic: pd.DataFrame(rows) for topic, rows in MEASUREMENTS.items()})
    assert rec.current_values(record) == {"alpha.acc": ("0.8652", "fraction"), "alpha.time": ("310", "seconds"),
                                          "beta.count": ("1013", "count"), "beta.label": ("adjacent triple", "text")}


# --- appending ------------------------------------------------------------------------------------------


def new_rows(*items):
    return rec.measurement_rows(pd.DataFrame(items), command="snakemake --cores 2", config="config/x.yaml",
                                commit="fedcba9", date="2026-12-08", machine="2 CPU cores")


def test_append_supersedes_the_previous_current_row_and_keeps_it(tmp_path):
    folder = write(tmp_path / "rec")
    record = rec.read_record(folder, "rec")
    beta_before = (folder / "beta.tsv").read_text()
    updated, changed_topics = rec.append(record, new_rows({"claim": "alpha.acc", "value": "0.9"}))
    assert changed_topics == ["alpha"] and rec.record_errors(updated) == []
    rows = updated.measurements["alpha"]
    assert rows["status"].tolist() == ["superseded", "superseded", "current", "current"]
    assert rows.loc[5, ["claim", "value", "origin", "commit", "date"]].tolist() == [
        "alpha.acc", "0.9", "appended", "fedcba9", "2026-12-08"]
    assert rec.current_values(updated)["alpha.acc"] == ("0.9", "fraction")
    rec.write_record(updated, folder, changed_topics)
    assert (folder / "beta.tsv").read_text() == beta_before
    again = rec.read_record(folder, "rec")
    assert again.measurements["alpha"].equals(rows) and rec.record_errors(again) == []
    # The same row once more (the same run appended twice), a claim twice, an unknown claim: refused.
    with pytest.raises(ValueError, match="already has this row"):
        rec.append(again, new_rows({"claim": "alpha.acc", "value": "0.9"}))
    with pytest.raises(ValueError, match="claims given twice: beta.count"):
        rec.append(again, new_rows({"claim": "beta.count", "value": "1"}, {"claim": "beta.count", "value": "2"}))
    with pytest.raises(ValueError, match="not in rec/claims.tsv: alpha.nope"):
        rec.append(again, new_rows({"claim": "alpha.nope", "value": "1"}))


def test_a_failed_write_leaves_every_file_as_it_was(tmp_path, monkeypatch):
    folder = write(tmp_path / "rec")
    before = {p.name: p.read_text() for p in folder.iterdir()}
    record = rec.read_record(folder, "rec")
    updated, changed_topics = rec.append(record, new_rows({"claim": "alpha.acc", "value": "0.9"},
                                                          {"claim": "beta.count", "value": "7"}))
    assert changed_topics == ["alpha", "beta"]
    real, calls = rec.format_table, []

    def fail_on_the_second(frame, columns):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(frame, columns)

    monkeypatch.setattr(rec, "format_table", fail_on_the_second)
    with pytest.raises(OSError, match="disk full"):
        rec.write_record(updated, folder, changed_topics)
    assert {p.name: p.read_text() for p in folder.iterdir()} == before  # and no temporary file left


# --- values from a run's tables --------------------------------------------------------------------------


RUN_TABLE = pd.DataFrame({"model": ["cnn", "cnn", "attngen"], "ratio": ["0", "0.10", "0.1"],
                          "accuracy": ["0.8652", "0.8700", "0.9038"], "low": ["0.85", "0.86", "0.89"],
                          "high": ["0.88", "0.88", "0.91"], "note": ["", "", "nan"]})


def test_source_specs_parse():
    assert rec.parse_source("") is None
    assert rec.parse_source("bench/gama_speed.py") == rec.BenchSource("bench/gama_speed.py")
    assert rec.parse_source("results/{run}/gama/grid.tsv:fnr_rank") == rec.RunSource(None, "gama/grid.tsv", "fnr_rank")
    assert rec.parse_source("results/demo/m.tsv:accuracy,low,high[model=cnn;ratio=0.1]") == rec.RunSource(
        "demo", "m.tsv", "accuracy", "low", "high", (("model", "cnn"), ("ratio", "0.1")))
    for bad in ("results/{run}/m.tsv", "results/{run}/m.tsv:a,b", "results/{run}/../m.tsv:a", "bench/x.sh",
                "results/{run}/m.tsv:a[model=cnn;model=x]", "results/{run}/m.tsv:a[]", "docs/results.md"):
        with pytest.raises(ValueError):
            rec.parse_source(bad)


def test_the_value_is_read_from_the_one_row_the_filter_leaves():
    source = rec.parse_source("results/{run}/m.tsv:accuracy,low,high[model=attngen;ratio=0.1]")
    assert rec.value_from_table(RUN_TABLE, source, "m.tsv", "fraction") == {"value": "0.9038", "low": "0.89",
                                                                            "high": "0.91"}
    # A filter value matches as a number (0.1 = 0.10); a filter that leaves no row or two is refused.
    assert rec.value_from_table(RUN_TABLE, rec.parse_source("results/{run}/m.tsv:accuracy[model=cnn;ratio=0.1]"),
                                "m.tsv", "fraction")["value"] == "0.8700"
    with pytest.raises(ValueError, match=r"m.tsv\[model=attngen;ratio=0.1\]: the filter leaves 0 rows"):
        rec.value_from_table(RUN_TABLE.iloc[:2], source, "m.tsv", "fraction")
    with pytest.raises(ValueError, match=r"m.tsv\[model=cnn\]: the filter leaves 2 rows, expected exactly 1"):
        rec.value_from_table(RUN_TABLE, rec.parse_source("results/{run}/m.tsv:accuracy[model=cnn]"), "m.tsv",
                             "fraction")
    with pytest.raises(ValueError, match="no column 'seed'"):
        rec.value_from_table(RUN_TABLE, rec.parse_source("results/{run}/m.tsv:accuracy[seed=0]"), "m.tsv", "fraction")
    with pytest.raises(ValueError, match="note is 'nan', not a number"):
        rec.value_from_table(RUN_TABLE, rec.parse_source("results/{run}/m.tsv:note[model=attngen]"), "m.tsv",
                             "fraction")
    assert rec.value_from_table(RUN_TABLE, rec.parse_source("results/{run}/m.tsv:model[accuracy=0.9038]"), "m.tsv",
                                "text")["value"] == "attngen"


# --- the append command, in a git checkout of its own ------------------------------------------------------


def git(root, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "repo"
    write(root / "docs" / "record")
    (root / "src").mkdir()
    (root / "src" / "code.py").write_text("x = 1\n")
    (root / "bench").mkdir()
    (root / "bench" / "speed.py").write_text("")
    (root / "README.md").write_text("# A project\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    run = tmp_path / "results" / "demo"
    (run / "metrics").mkdir(parents=True)
    RUN_TABLE.to_csv(run / "metrics" / "m.tsv", sep="\t", index=False)
    return root, run


def test_append_from_a_run_takes_the_values_its_sources_name(checkout, capsys):
    root, run = checkout
    command = "snakemake --cores 2 --configfile config/demo.yaml"
    assert rec.main(["--root", str(root), "append", "--run", str(run), "--command", command]) == 0
    record = rec.read_record(root / "docs" / "record")
    added = record.measurements["alpha"].iloc[-1]
    assert added.to_dict() == {
        "claim": "alpha.acc", "value": "0.8700", "low": "0.86", "high": "0.88", "interval": "range over 3 seeds",
        "command": command, "config": "config/demo.yaml", "commit": git(root, "rev-parse", "--short", "HEAD").strip(),
        "date": datetime.date.today().isoformat(), "machine": rec.default_machine(), "origin": "appended",
        "status": "current", "note": ""}
    # beta.count's source names the run `other`; alpha.time's is a bench script: neither was touched.
    assert len(record.measurements["beta"]) == 2 and len(record.measurements["alpha"]) == 4
    assert "alpha.acc: 0.8700 (was 0.8652)" in capsys.readouterr().out


def test_append_refuses_uncommitted_code_unless_told(checkout, capsys):
    root, run = checkout
    (root / "src" / "code.py").write_text("x = 2\n")
    before = (root / "docs" / "record" / "alpha.tsv").read_text()
    args = ["--root", str(root), "append", "--run", str(run), "--command", "make run", "--claim", "alpha.acc"]
    assert rec.main(args) == 1
    assert "uncommitted changes under src/, workflow/, config/ (src/code.py)" in capsys.readouterr().err
    assert (root / "docs" / "record" / "alpha.tsv").read_text() == before
    assert rec.main(args + ["--allow-dirty", "--machine", "H100"]) == 0
    added = rec.read_record(root / "docs" / "record").measurements["alpha"].iloc[-1]
    assert added["machine"] == "H100" and added["note"].startswith("uncommitted changes under src/")


def test_append_refuses_a_claim_the_run_cannot_give(checkout, capsys):
    root, run = checkout
    assert rec.main(["--root", str(root), "append", "--run", str(run), "--command", "x", "--claim", "beta.count"]) == 1
    assert "beta.count: not a claim whose source is a table of results/demo/" in capsys.readouterr().err


def test_append_from_bench_output(checkout, tmp_path):
    root, _ = checkout
    rows = tmp_path / "bench.tsv"
    rows.write_text("claim\tvalue\tnote\nalpha.time\t35.5\tone thread\nbeta.count\t1020\t\n")
    assert rec.main(["--root", str(root), "append", "--rows", str(rows), "--command",
                     "python bench/speed.py --threads 1"]) == 0
    current = rec.current_values(rec.read_record(root / "docs" / "record"))
    assert current["alpha.time"] == ("35.5", "seconds") and current["beta.count"] == ("1020", "count")
    # A value that is not a number leaves the record as it was.
    before = {p.name: p.read_text() for p in (root / "docs" / "record").iterdir()}
    rows.write_text("claim\tvalue\nalpha.time\tfast\n")
    assert rec.main(["--root", str(root), "append", "--rows", str(rows), "--command", "x"]) == 1
    assert {p.name: p.read_text() for p in (root / "docs" / "record").iterdir()} == before
    rows.write_text("claim\tnumber\nalpha.time\t1\n")
    assert rec.main(["--root", str(root), "append", "--rows", str(rows), "--command", "x"]) == 1


def test_append_gives_a_new_claim_its_first_row(checkout, tmp_path, capsys):
    """A claim just added to claims.tsv (in a topic without a file yet) has no row: the record is
    checked once the rows are added."""
    root, _ = checkout
    folder = root / "docs" / "record"
    write(folder, topics=TOPICS + [{"topic": "gamma", "title": "Gamma", "intro": "What gamma measures."}],
          claims=CLAIMS + [{"claim": "gamma.speed", "title": "Speed", "unit": "per_second", "paper": "", "source": ""}])
    assert rec.main(["--root", str(root), "check"]) == 1
    rows = tmp_path / "bench.tsv"
    rows.write_text("claim\tvalue\ngamma.speed\t12.5\n")
    assert rec.main(["--root", str(root), "append", "--rows", str(rows), "--command", "python bench/speed.py"]) == 0
    assert "gamma.speed: 12.5 (was none)" in capsys.readouterr().out
    assert rec.read_record(folder).measurements["gamma"]["value"].tolist() == ["12.5"]
    assert rec.main(["--root", str(root), "check"]) == 0


# --- citations ----------------------------------------------------------------------------------------------

VALUES = {"a.frac": ("0.4567", "fraction"), "a.pct": ("45.12", "percent"), "a.n": ("1013", "count"),
          "a.ratio": ("4.2105", "ratio"), "a.min": ("69", "minutes"), "a.text": ("adjacent", "text")}


def cite(number, claim, path="results.md"):
    return f"{number} ([{claim}]({path}#{claim}))"


@pytest.mark.parametrize("text", [
    cite("0.46", "a.frac"), cite("0.457", "a.frac"), cite("0.4567", "a.frac"), cite("0.45670", "a.frac"),
    cite("46%", "a.frac"), cite("45.7%", "a.frac"), cite("45.1%", "a.pct"), cite("45%", "a.pct"),
    cite("1,013", "a.n"), cite("**1,013**", "a.n"), cite("`0.46`", "a.frac"), cite("4.2x", "a.ratio"),
    cite("4.21×", "a.ratio"), cite("69 min", "a.min"),
    "it misses 46%\n" + cite("", "a.frac").lstrip(),  # wrapped before the link
    "see [a.frac](results.md#a.frac) and [its history](history.md#a.frac)",  # no number: nothing to compare
    "the [demo](results.md#demo) and [old](results.md#the-demo-make-run) sections",  # not claim anchors
])
def test_a_citation_that_agrees_with_the_record_passes(text):
    assert rec.citation_errors("doc.md", text, VALUES) == []


@pytest.mark.parametrize("text, expected", [
    (cite("0.47", "a.frac"), "0.47 cites a.frac, whose current value 0.4567 (fraction) shows as 0.46"),
    (cite("0.45", "a.frac"), "shows as 0.46"),  # cut, not rounded
    (cite("0.456", "a.frac"), "shows as 0.457"),
    (cite("45%", "a.frac"), "shows as 46%"),  # 45.67% rounds up
    (cite("0.46%", "a.frac"), "shows as 45.67%"),  # a fraction under % is times 100
    (cite("46", "a.frac"), "shows as 0"),  # and without %, it is not
    (cite("0.45%", "a.pct"), "shows as 45.12%"),
    (cite("1,012", "a.n"), "shows as 1013"),
    (cite("13%", "a.n"), "cannot be shown as %"),
    (cite("69 s", "a.min"), "whose unit is minutes, not s"),
    (cite("3", "a.text"), "cannot be shown as a number"),
    (cite("5%", "a.zzz"), "a.zzz: no such claim in the record"),
    ("see [a.zzz](history.md#a.zzz)", "a.zzz: no such claim in the record"),
    ("0.46 ([a.n](results.md#a.frac))", "the link text names a.n but links a.frac"),
    (cite("0.45-0.46", "a.frac"), "the number before a.frac is not one number"),
    (cite("v0.46", "a.frac"), "the number before a.frac is not one number"),
])
def test_a_citation_that_disagrees_with_the_record_is_reported(text, expected):
    found = rec.citation_errors("doc.md", "line one\n" + text, VALUES)
    assert len(found) == 1 and found[0].startswith("doc.md:2: ") and expected in found[0], found


def test_references_in_code_name_known_claims():
    text = "x = 1  # record: a.frac\n# the default (record: a.gone.)\n"
    assert rec.reference_errors("m.py", text, set(VALUES)) == ["m.py:2: record: a.gone: no such claim in the record"]


def test_check_reads_every_document_and_the_record(checkout, capsys):
    root, _ = checkout
    (root / "docs" / "gama.md").write_text("Accuracy " + cite("86.5%", "alpha.acc") + ".\n")
    (root / "README.md").write_text("Accuracy " + cite("0.87", "alpha.acc", "docs/results.md") + ".\n")
    (root / "docs" / "results.md").write_text(cite("0.1", "alpha.acc"))  # generated: not read
    assert rec.main(["--root", str(root), "check"]) == 0
    assert "2 citations in 2 documents: ok" in capsys.readouterr().out
    (root / "README.md").write_text("Accuracy " + cite("0.87", "alpha.acc") + ".\n")  # results.md beside README
    (root / "src" / "code.py").write_text("x = 1  # record: alpha.gone\n")
    assert rec.main(["--root", str(root), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "README.md:1: alpha.acc: the link goes to results.md, not to docs/results.md",
        "src/code.py:1: record: alpha.gone: no such claim in the record"]
