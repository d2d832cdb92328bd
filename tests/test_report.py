"""The report's own pieces: a summary table as an HTML page, and the words figures use."""

import base64
import re

import pandas as pd

from seqattr.io import write_table
from seqattr.names import classifier_name, method_name, model_name
from seqattr.report import steps
from seqattr.report.tables import table_html


def test_table_page_shows_every_row_and_column_with_accuracy_in_percent(tmp_path):
    frame = pd.DataFrame({"model": ["cnn", "attngen <b>"], "mask_ratio": [0.0, 0.2], "seed": [0, 1],
                          "accuracy": [0.7312, 0.5], "auroc": [0.834612, float("nan")], "top4": ["6,3,1,2", "6,3,8,4"]})
    source = tmp_path / "metrics.tsv"
    write_table(frame, source)
    page = tmp_path / "out" / "metrics.html"
    steps.render_tables([{"table": str(source), "html": str(page), "title": "Metrics"}])
    html = page.read_text()
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    assert len(rows) == 2
    cells = [re.findall(r'<td class="(\w+)">(.*?)</td>', row) for row in rows]
    assert [value for _, value in cells[0]] == ["cnn", "0", "0", "73.12", "0.8346", "6,3,1,2"]
    assert [value for _, value in cells[1]] == ["attngen &lt;b&gt;", "0.2", "1", "50.00", "n/a", "6,3,8,4"]
    assert [kind for kind, _ in cells[0]] == ["text", "num", "num", "num", "num", "text"]
    assert re.findall(r"<th class=[^>]*>(.*?)</th>", html) == ["model", "mask_ratio", "seed", "accuracy (%)", "auroc", "top4"]
    assert "<h1>Metrics</h1>" in html and "2 rows" in html
    # The TSV itself travels inside the page, byte for byte, for download.
    encoded = re.search(r'download="metrics.tsv" href="data:text/tab-separated-values;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(encoded) == source.read_bytes()
    assert "<script" not in html and "http" not in html  # self-contained, nothing fetched


def test_a_long_table_is_cut_with_a_note():
    frame = pd.DataFrame({"i": range(2500)})
    html = table_html(frame, title="long", file_name="long.tsv")
    assert html.count("<tr>") == 1 + 2000 and "2,500 rows (the first 2,000 shown)" in html


def test_figures_name_methods_and_classifiers_in_words():
    assert method_name("ig") == "Integrated Gradients" and method_name("grad_x_input") == "gradient x input"
    assert classifier_name("attngen", "0.2", 0) == "AttnGen r = 0.2, seed 0"
    assert classifier_name("cnn", "0", 3) == "CNN, seed 3"
    assert model_name("attngen", 0.10) == "AttnGen r = 0.1" and model_name("cnn", 0) == "CNN"
