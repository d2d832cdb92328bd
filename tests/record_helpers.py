"""A small sound record (two topics, four claims, one superseded row) written as the
files of docs/record/, for the tests of the record and of the pages generated from it."""

from seqattr.report import record as rec

TOPICS = [
    {"topic": "alpha", "title": "Alpha", "intro": "What alpha measures."},
    {"topic": "beta", "title": "Beta", "intro": "What beta measures."},
]
CLAIMS = [
    {"claim": "alpha.acc", "title": "Accuracy", "unit": "fraction", "paper": "0.95",
     "source": "results/{run}/metrics/m.tsv:accuracy,low,high[model=cnn;ratio=0.1]"},
    {"claim": "alpha.time", "title": "Time", "unit": "seconds", "paper": "", "source": "bench/speed.py"},
    {"claim": "beta.count", "title": "Count", "unit": "count", "paper": "", "source": "results/other/t.tsv:n"},
    {"claim": "beta.label", "title": "Label", "unit": "text", "paper": "", "source": ""},
]


def row(claim, value, status="current", **fields):
    base = {"claim": claim, "value": value, "low": "", "high": "", "interval": "", "command": "make run",
            "config": "config/config.yaml", "commit": "abc1234", "date": "2026-11-21", "machine": "2 CPU cores",
            "origin": "carried_over", "status": status, "note": ""}
    return base | fields


MEASUREMENTS = {
    "alpha": [row("alpha.acc", "0.80", "superseded", commit="1234567"),
              row("alpha.acc", "0.8652", low="0.85", high="0.88", interval="range over 3 seeds"),
              row("alpha.time", "310")],
    "beta": [row("beta.count", "1013"), row("beta.label", "adjacent triple")],
}


def tsv(rows, columns):
    return "\n".join(["\t".join(columns)] + ["\t".join(r[c] for c in columns) for r in rows]) + "\n"


def write(folder, topics=TOPICS, claims=CLAIMS, measurements=MEASUREMENTS):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topics.tsv").write_text(tsv(topics, rec.TOPIC_COLUMNS))
    (folder / "claims.tsv").write_text(tsv(claims, rec.CLAIM_COLUMNS))
    for topic, rows in measurements.items():
        (folder / f"{topic}.tsv").write_text(tsv(rows, rec.ROW_COLUMNS))
    return folder


def changed(table, position, **fields):
    """A copy of a list of rows with one row's fields changed."""
    return [r | fields if i == position else r for i, r in enumerate(table)]
