"""What the report rule script calls: every summary table of a run written as HTML."""

from __future__ import annotations

import logging
from pathlib import Path

from seqattr.io import atomic_path, read_table
from seqattr.report.tables import table_html

log = logging.getLogger(__name__)


def render_tables(tables: list[dict]) -> None:
    """Each entry: `table` (a TSV), `html` (the page to write) and `title`."""
    for entry in tables:
        source = Path(entry["table"])
        frame = read_table(source)
        page = table_html(frame, title=entry["title"], file_name=source.name, tsv_bytes=source.read_bytes())
        with atomic_path(entry["html"]) as tmp:
            tmp.write_text(page, encoding="utf-8")
        log.info("%s: %d rows -> %s", source, len(frame), entry["html"])
