"""docs/results.md and docs/history.md generated from a record (seqattr.report.results_doc):
one table per topic, an anchor per claim, the history of every claim, a page of at most
MAX_RESULTS_LINES lines, and `--check`."""

import re

import pytest

from record_helpers import CLAIMS, MEASUREMENTS, TOPICS, row, write
from seqattr.report import record as rec
from seqattr.report import results_doc


def tables(page):
    """How many markdown tables a page has (one separator line each)."""
    return len(re.findall(r"^\|(?:---\|)+$", page, flags=re.M))


def tiny(tmp_path):
    return rec.read_record(write(tmp_path / "record"), "docs/record")


def test_results_page_has_one_table_per_topic_and_an_anchor_per_claim(tmp_path):
    page = results_doc.results_page(tiny(tmp_path))
    assert results_doc.GENERATED in page and "make docs" in page
    assert re.findall(r"^## .*", page, flags=re.M) == ['## <a id="alpha"></a>Alpha', '## <a id="beta"></a>Beta']
    assert tables(page) == 2
    anchors = re.findall(r'^\| <a id="([^"]+)"></a>', page, flags=re.M)
    assert anchors == [c["claim"] for c in CLAIMS]  # topics.tsv order, then claims.tsv order
    for claim in anchors:
        assert f"(history.md#{claim})" in page
    # The current value with its interval and unit; the paper's value where a topic has one; the
    # superseded value nowhere.
    assert ('| <a id="alpha.acc"></a>Accuracy | 0.8652 (0.85 to 0.88; range over 3 seeds) | 0.95 | abc1234 | '
            '2026-11-21 |') in page
    assert '| <a id="alpha.time"></a>Time | 310 s |  | abc1234 |' in page and "| 0.80 " not in page
    beta = page.split("## <a id=\"beta\"></a>Beta", 1)[1]
    assert "| claim | value | commit | date | history |" in beta  # no paper column: none of beta's has one


def test_history_lists_every_row_with_superseded_ones(tmp_path):
    page = results_doc.history_page(tiny(tmp_path))
    assert re.findall(r'^### <a id="([^"]+)"></a>', page, flags=re.M) == [c["claim"] for c in CLAIMS]
    acc = page.split('<a id="alpha.acc"></a>', 1)[1].split("###", 1)[0]
    values = re.findall(r"^\| ([^|]+) \| (current|superseded) \| (\w+) \|", acc, flags=re.M)
    assert values == [("0.80", "superseded", "1234567"), ("0.8652 (0.85 to 0.88; range over 3 seeds)", "current",
                                                          "abc1234")]
    assert "(results.md#alpha.acc)" in page and "`make run`" in page and "carried over" in page


def test_pages_are_the_same_bytes_for_the_same_record_and_escape_pipes(tmp_path):
    claims = [dict(c) for c in CLAIMS]
    claims[0]["title"] = "Accuracy | macro"
    record = rec.read_record(write(tmp_path / "record", claims=claims), "docs/record")
    assert results_doc.pages(record) == results_doc.pages(rec.read_record(tmp_path / "record", "docs/record"))
    assert "Accuracy \\| macro" in results_doc.results_page(record)


def many(tmp_path, count):
    """A record whose topic alpha has `count` claims."""
    claims = [{"claim": f"alpha.c{i}", "title": f"Claim {i}", "unit": "count", "paper": "", "source": ""}
              for i in range(count)]
    rows = {"alpha": [row(c["claim"], str(i)) for i, c in enumerate(claims)]}
    return rec.read_record(write(tmp_path / f"many{count}", topics=TOPICS[:1], claims=claims, measurements=rows))


def test_a_topic_with_many_claims_has_one_table_and_the_page_has_a_line_limit(tmp_path):
    page = results_doc.pages(many(tmp_path, 300))["results.md"]
    assert tables(page) == 1 and len(page.splitlines()) <= results_doc.MAX_RESULTS_LINES
    with pytest.raises(rec.RecordError, match=f"results.md would have 4\\d\\d lines, more than "
                                              f"{results_doc.MAX_RESULTS_LINES}"):
        results_doc.pages(many(tmp_path, results_doc.MAX_RESULTS_LINES))


def test_an_unsound_record_writes_no_page(tmp_path, capsys):
    folder = write(tmp_path / "record", measurements={**MEASUREMENTS, "beta": MEASUREMENTS["beta"][:1]})
    docs = tmp_path / "docs"
    docs.mkdir()
    assert results_doc.main(["--record", str(folder), "--docs", str(docs)]) == 1
    assert "beta.label' has no row" in capsys.readouterr().err and not list(docs.iterdir())


def test_main_writes_both_pages_and_check_reports_a_stale_one(tmp_path, capsys):
    folder, docs = write(tmp_path / "record"), tmp_path / "docs"
    docs.mkdir()
    args = ["--record", str(folder), "--docs", str(docs)]
    assert results_doc.main(args + ["--check"]) == 1  # not written yet
    assert results_doc.main(args) == 0
    assert sorted(p.name for p in docs.iterdir()) == ["history.md", "results.md"]
    assert results_doc.main(args + ["--check"]) == 0
    (folder / "beta.tsv").write_text((folder / "beta.tsv").read_text().replace("1013", "1014"))
    capsys.readouterr()
    assert results_doc.main(args + ["--check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{docs / 'results.md'} differs from what the record gives: run `make docs`",
        f"{docs / 'history.md'} differs from what the record gives: run `make docs`"]


def test_results_shows_four_significant_digits_and_history_the_recorded_number(tmp_path):
    assert [results_doc.readable(n, 4) for n in ("0.9038461538461539", "310", "0.8", "12345.678", "-0.123456",
                                                 "1e-05", "0.001234567", "")] == [
        "0.9038", "310", "0.8", "12346", "-0.1235", "1e-05", "0.001235", ""]
    rows = {**MEASUREMENTS, "beta": [row("beta.count", "1013.4567", low="1000", high="1020.55555")]
            + MEASUREMENTS["beta"][1:]}
    record = rec.read_record(write(tmp_path / "record", measurements=rows))
    assert "| 1013 (1000 to 1021) |" in results_doc.results_page(record)
    assert "| 1013.4567 (1000 to 1020.55555) | current |" in results_doc.history_page(record)
