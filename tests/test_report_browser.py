"""The built report as a reader sees it: headless Chromium opens the report of the test run,
and every figure and every table shows, with its caption; the front page describes the
run and links to each category.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them as root); skipped,
with the reason, where they are absent. Only file:// and chromedriver on localhost are used.
`SEQATTR_REPORT_SCREENSHOT=docs/report.png` also writes the README's screenshot.
"""

import os
import struct
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, snakemake
from report_browser import Browser, find_chromium

pytestmark = pytest.mark.workflow

# Every summary table of config/test.yaml (relative to results/test): each is in the report
# as an HTML page under report/tables/ with the same relative name.
TABLES = ["data/synthetic_tiny/summary.tsv", "metrics/classification.tsv", "metrics/comparison.tsv",
          "saliency/perturbation.tsv", "saliency/deletion.tsv", "saliency/motif_recovery.tsv", "generative/synthetic_tiny_and/sample_summary.tsv",
          "gama/synthetic_tiny_and/profile.tsv", "gama/synthetic_tiny_and/mode_agreement.tsv", "gama/grid.tsv"]
CATEGORIES = ["Data", "Classification", "Saliency", "GAMA"]

# What a result's view button does in the report (snakemake's ButtonViewManager).
SHOW = "const [path, kind] = arguments; app.setView({content: kind, contentPath: results[path].data_uri, resultPath: path});"
SHOWN_IMAGE = """
const want = results[arguments[0]].data_uri;
const img = Array.from(document.images).find(i => i.src === want);
if (!img || !img.complete || img.naturalWidth === 0) return null;
const box = img.getBoundingClientRect();
return [img.naturalWidth, img.naturalHeight, box.width, box.height];
"""
SHOWN_FRAME = "const f = document.querySelector('iframe'); return !!f && f.src === results[arguments[0]].data_uri;"
TABLE_IN_FRAME = """
const table = document.querySelector('table.seqattr-table');
if (!table || document.readyState !== 'complete') return null;
return [table.querySelectorAll('tbody tr').length, table.querySelectorAll('thead th').length,
        table.getBoundingClientRect().height, document.querySelector('h1').textContent,
        Array.from(document.querySelectorAll('a[download]')).map(a => a.getAttribute('download'))];
"""


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


@pytest.fixture(scope="module")
def browser_tools():
    chromium, chromedriver = find_chromium()
    if not chromium or not chromedriver:
        missing = " and ".join(name for name, found in (("chromium", chromium), ("chromedriver", chromedriver))
                               if not found)
        pytest.skip(f"{missing} not installed (Debian packages chromium and chromium-driver; .ci/run installs them "
                    "as root)")
    return chromium, chromedriver


def test_report_shows_every_figure_and_table(browser_tools, request, tmp_path):
    test_run = request.getfixturevalue("test_run")  # after the Chromium check: no run when it skips
    workdir = test_run.parent.parent
    report = tmp_path / "report.html"
    snakemake("--configfile", str(REPO / "config" / "test.yaml"), "--report", str(report), workdir=workdir)
    figures = sorted(test_run.glob("figures/**/*.png"))
    assert len(figures) >= 10, figures

    with Browser(*browser_tools, user_data_dir=tmp_path / "chromium") as browser:
        browser.open(report.as_uri())
        assert browser.wait_for("return typeof app === 'object' && app !== null && typeof results === 'object'"), \
            "the report's app did not start"

        # Front page: the workflow description, with a working link to each category.
        text = browser.wait_for("const t = document.body.innerText; return t.includes('seqattr run') ? t : null")
        assert text and "seqattr run test" in text and "synthetic_tiny" in text
        links = browser.run("return Array.from(document.querySelectorAll('a[href^=\"javascript:app.showCategory\"]'))"
                            ".map(a => a.textContent)")
        assert sorted(links) == sorted(CATEGORIES)

        entries = browser.run("return Object.fromEntries(Object.entries(results).map(([p, r]) => [p, "
                              "{mime: r.mime_type, caption: r.caption, rule: r.job_properties.rule, labels: r.labels}]))")
        relative = {str(Path(path)): path for path in entries}

        # Every figure: registered with a caption and labels, by the rule that drew it, and shown.
        for figure in figures:
            key = str(figure.relative_to(workdir))
            assert key in relative, f"{key} is not in the report"
            entry = entries[relative[key]]
            assert entry["mime"] == "image/png" and entry["caption"].strip() and entry["labels"], key
            if "classification" in key:
                drawn_by = "compare_classifiers" if key.endswith("comparison.png") else "plot_classification"
                assert entry["rule"] == drawn_by, (key, entry["rule"])
            browser.run(SHOW, relative[key], "img")
            shown = browser.wait_for(SHOWN_IMAGE, relative[key])
            assert shown, f"{key} did not render"
            assert tuple(shown[:2]) == png_size(figure), (key, shown)
            assert shown[2] > 100 and shown[3] > 50, f"{key} is shown at {shown[2]:.0f} x {shown[3]:.0f} px"

        # Every summary table: shown as an HTML table with all its rows and columns.
        for table in TABLES:
            page = str((test_run / "report" / "tables" / table).with_suffix(".html").relative_to(workdir))
            assert page in relative, f"the table {table} is not shown in the report"
            entry = entries[relative[page]]
            assert entry["mime"] == "text/html" and entry["caption"].strip() and entry["labels"], page
            browser.run(SHOW, relative[page], "html")
            assert browser.wait_for(SHOWN_FRAME, relative[page]), f"{page} was not opened"
            browser.enter_frame(browser.element("iframe"))
            try:
                shown = browser.wait_for(f"return (() => {{{TABLE_IN_FRAME}}})()")
            finally:
                browser.leave_frame()
            frame = pd.read_csv(test_run / table, sep="\t")
            assert shown, f"{page} shows no table"
            rows, columns, height, title, downloads = shown
            assert (rows, columns) == frame.shape, (table, shown)
            assert height > 20 and title and downloads == [Path(table).name], (table, shown)
        # No result of the run is left as a download-only TSV, except the AIRR rearrangement
        # files: an exchange format for AIRR tools, offered as the file itself ("Files for
        # other tools").
        assert not [key for key in relative if key.endswith(".tsv") and not key.endswith(".airr.tsv")]
        assert [key for key in relative if key.endswith(".airr.tsv")], "the samples' AIRR file is not in the report"

        screenshot = os.environ.get("SEQATTR_REPORT_SCREENSHOT")
        if screenshot:
            save_screenshot(browser, workdir, Path(screenshot))


def save_screenshot(browser, workdir: Path, path: Path) -> None:
    """The Classification category with its metrics table open, as a small PNG for README."""
    import io

    from PIL import Image

    page = "report/tables/metrics/classification.html"
    key = browser.run("return Object.keys(results).find(p => p.endsWith(arguments[0]))", page)
    browser.run("app.showCategory('Classification');")
    browser.run(SHOW, key, "html")
    browser.wait_for(SHOWN_FRAME, key)
    browser.enter_frame(browser.element("iframe"))
    browser.wait_for(f"return (() => {{{TABLE_IN_FRAME}}})()")
    browser.leave_frame()
    image = Image.open(io.BytesIO(browser.screenshot())).convert("RGB")
    image = image.resize((1000, round(image.height * 1000 / image.width)), Image.LANCZOS)
    image = image.crop((0, 0, 1000, min(image.height, 330)))  # the table; below it the page is empty
    image.quantize(colors=128).save(path, optimize=True)
