"""The HTML report's own artefacts: each summary table of a run rendered as an HTML page,
so that `snakemake --report` shows the table instead of only offering the TSV for
download.

Modules: `tables` (a table as a self-contained HTML page) and `steps` (what the rule
script calls: files in, files out).
"""
