"""A TSV table as one self-contained HTML page (no scripts, no external resources), for
`snakemake --report`, which shows an HTML result in a frame but offers a TSV only as a
download."""

from __future__ import annotations

import base64
import html
import math

import pandas as pd

MAX_ROWS = 2000  # a larger table is cut, with a note; the full TSV is linked from the page

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 13px; margin: 12px; color: #1f2937; }
h1 { font-size: 15px; margin: 0 0 4px 0; }
p.note { color: #4b5563; margin: 2px 0 10px 0; }
table { border-collapse: collapse; }
th, td { padding: 3px 9px; border-bottom: 1px solid #e5e7eb; white-space: nowrap; }
th { background: #f3f4f6; text-align: left; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f9fafb; }
"""


def is_accuracy(column: str) -> bool:
    """Columns holding an accuracy as a fraction: shown as a percentage."""
    return column == "accuracy" or column.endswith("_accuracy")


def format_value(value, percent: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if percent:
        return f"{100 * float(value):.2f}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def table_html(frame: pd.DataFrame, *, title: str, file_name: str, tsv_bytes: bytes | None = None) -> str:
    """The table as an HTML page: a title, the number of rows, a link to the TSV itself
    (embedded, so the page stays self-contained), and the rows with numbers right-aligned,
    floats to 4 significant digits and accuracies in %."""
    columns = [str(c) for c in frame.columns]
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    percent = {c for c in numeric if is_accuracy(c)}
    head = "".join(
        f'<th class="{"num" if c in numeric else "text"}">{html.escape(c + (" (%)" if c in percent else ""))}</th>'
        for c in columns)
    shown = frame.head(MAX_ROWS)
    body = []
    for row in shown.itertuples(index=False):
        cells = (f'<td class="{"num" if c in numeric else "text"}">{html.escape(format_value(v, c in percent))}</td>'
                 for c, v in zip(columns, row))
        body.append("<tr>" + "".join(cells) + "</tr>")
    rows = f"{len(frame):,} row{'s' if len(frame) != 1 else ''}"
    if len(frame) > len(shown):
        rows += f" (the first {len(shown):,} shown)"
    link = ""
    if tsv_bytes is not None:
        data = base64.b64encode(tsv_bytes).decode("ascii")
        link = (f' · <a download="{html.escape(file_name)}" '
                f'href="data:text/tab-separated-values;base64,{data}">download {html.escape(file_name)}</a>')
    note = f"{rows}, from <code>{html.escape(file_name)}</code>{link}"
    if percent:
        note += "; accuracies in %"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p class=\"note\">{note}</p>\n"
        f'<table class="seqattr-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
        + "\n</tbody>\n</table>\n</body>\n</html>\n"
    )
