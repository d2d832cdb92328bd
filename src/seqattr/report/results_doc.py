"""Markdown tables of a run's result tables, for docs/results.md.

    python -m seqattr.report.results_doc results/demo results/enhancers            # print
    python -m seqattr.report.results_doc results/demo --write docs/results.md      # rewrite in place

Each run becomes one block between `<!-- results_doc:{run} begin -->` and
`<!-- results_doc:{run} end -->`; `--write` replaces that block (or appends it, with a
heading, when the document has none), so that a rerun of the workflow refreshes the
document's tables and nothing else. The formatting functions take tables, not paths.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from seqattr.io import read_table

#: result tables read from `results/{run}/`, in the order their sections appear
TABLES = {
    "classification": "metrics/classification.tsv",
    "comparison": "metrics/comparison.tsv",
    "deletion": "saliency/deletion.tsv",
    "motif_recovery": "saliency/motif_recovery.tsv",
}
GRID_TABLES = ("gama/grid.tsv", "gama/benchmark.tsv")  # the grid's summary, new name first
SCORING = ["mode", "readout", "metric", "reduction"]
GRID_SCORING = ["mode", "readout", "ig_start", "metric", "reduction"]


def marker(run: str, edge: str) -> str:
    return f"<!-- results_doc:{run} {edge} -->"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def pct(value, digits: int = 2) -> str:
    return "-" if pd.isna(value) else f"{100 * float(value):.{digits}f}%"


def num(value, digits: int = 3) -> str:
    return "-" if pd.isna(value) else f"{float(value):.{digits}f}"


def mean_sd(mean, sd, digits: int = 3, scale: float = 1.0) -> str:
    text = f"{scale * float(mean):.{digits}f}"
    return text if pd.isna(sd) else f"{text} ± {scale * float(sd):.{digits}f}"


def ratio(value) -> str:
    return f"{float(value):g}"


def yes(value) -> str:
    return "yes" if str(value).lower() == "true" else "no"


def classification_table(frame: pd.DataFrame) -> str:
    """Test rows of metrics/classification.tsv, one per classifier and seed."""
    test = frame[frame["split"] == "test"]
    rows = [[r.dataset, r.model, ratio(r.mask_ratio), str(r.seed), pct(r.accuracy), num(r.f1), num(r.auroc),
             f"{r.epochs} ({r.best_epoch})", yes(r.stopped_early)] for r in test.itertuples()]
    return markdown_table(["dataset", "model", "mask ratio", "seed", "test accuracy", "macro F1", "AUROC",
                           "epochs (best)", "stopped early"], rows)


def comparison_table(frame: pd.DataFrame) -> str:
    """metrics/comparison.tsv: over seeds, with the difference from the CNN (points)."""
    rows = []
    for r in frame.itertuples():
        cnn = r.model == "cnn"
        diff = "-" if cnn else (f"{100 * r.difference_vs_cnn:+.2f} "
                                f"({100 * r.difference_ci_low:+.2f}, {100 * r.difference_ci_high:+.2f})")
        p = "-" if cnn or pd.isna(r.p_seed_paired) else f"{r.p_seed_paired:.2g}"
        rows.append([r.dataset, r.model, ratio(r.mask_ratio), str(r.seeds),
                     mean_sd(r.test_accuracy_mean, r.test_accuracy_sd, 2, 100) + "%", diff, p,
                     mean_sd(r.best_epoch_mean, r.best_epoch_sd, 1), f"{r.stopped_early} of {r.seeds}"])
    return markdown_table(["dataset", "model", "mask ratio", "seeds", "test accuracy (mean ± SD)",
                           "minus the CNN, points (95% interval)", "seed-paired p", "epochs to best val loss",
                           "ended by early stopping"], rows)


def deletion_table(frame: pd.DataFrame) -> str:
    """saliency/deletion.tsv: accuracy left after removing a fraction of positions."""
    rows = [[r.dataset, r.model, ratio(r.mask_ratio), r.method, str(r.seeds), pct(r.intact_mean, 1),
             pct(r.top_mean, 1), pct(r.random_mean, 1), pct(r.bottom_mean, 1), num(r.top_over_random, 2),
             num(r.share_to_chance, 2), pct(r.auc_top_mean, 1)] for r in frame.itertuples()]
    fraction = ratio(100 * frame["fraction"].iloc[0]) + "%" if len(frame) else "a fraction"
    return markdown_table(["dataset", "model", "mask ratio", "method", "seeds", "intact", f"top {fraction}",
                           f"random {fraction}", f"bottom {fraction}", "top cost / random cost",
                           "share of the way to chance", "deletion AUC (top)"], rows)


def motif_table(frame: pd.DataFrame) -> str:
    rows = [[r.dataset, r.model, ratio(r.mask_ratio), str(r.seed), r.method, mean_sd(r.auroc_mean, r.auroc_sd),
             num(r.auprc_mean), str(r.n)] for r in frame.itertuples()]
    return markdown_table(["dataset", "model", "mask ratio", "seed", "method", "AUROC (mean ± SD)", "AUPRC",
                           "sequences"], rows)


def _kind_prefix(row) -> str:
    """"baseline: " or "GAMA + baseline: " from a row's `kind` column (gama.vocabulary.metric_kind),
    so that no baseline reads as a GAMA result; nothing for GAMA or a table without it."""
    kind = getattr(row, "kind", "gama")
    return {"baseline": "baseline: ", "gama+baseline": "GAMA + baseline: "}.get(kind, "")


def profile_table(frame: pd.DataFrame) -> str:
    """gama/{set}/profile.tsv: per scoring, the top 4 positions (share of replicates with it
    in their top 4) and the models' convergence."""
    rows = []
    for key, part in frame.groupby(SCORING, sort=False):
        top = part.sort_values("rank").head(4)
        positions = ", ".join(f"{p} ({s:.2f})" for p, s in zip(top["position"], top["top4_replicates"]))
        first = part.iloc[0]
        rows.append([_kind_prefix(first) + "/".join(map(str, key)), positions,
                     f"{first.converged_replicates} ({first.criterion})",
                     num(first.train_nll), num(first.val_nll)])
    return markdown_table(["scoring", "top 4 positions (share of replicates)", "converged replicates",
                           "train NLL", "held-out NLL"], rows)


def ground_truth_table(frame: pd.DataFrame) -> str:
    """gama/{set}/ground_truth.tsv: Spearman rho of each scoring's profile with |mean energy|."""
    rows = []
    for key, part in frame.groupby(SCORING, sort=False):
        r = part.iloc[0]
        rows.append([_kind_prefix(r) + "/".join(map(str, key)), num(r.spearman_rho, 2),
                     mean_sd(r.rho_replicate_mean, r.rho_replicate_sd, 2),
                     f"{num(r.permutation_p)} ({num(r.spearman_p)})"])
    return markdown_table(["scoring", "rho, mean profile", "rho per replicate (mean ± sd)",
                           "permutation p (scipy p)"], rows)


def grid_table(frame: pd.DataFrame) -> str:
    """The grid's summary: mean rank-rule FNR per scoring and signal-to-noise."""
    frame = frame.assign(scoring=[_kind_prefix(r) + "/".join(map(str, v)) for r, v in
                                  zip(frame.itertuples(), frame[GRID_SCORING].astype(str).itertuples(index=False))])
    snrs = sorted(frame["signal_to_noise"].unique(), reverse=True)
    counts = frame.groupby("signal_to_noise")["experiment"].nunique()
    rows = []
    for scoring, part in frame.groupby("scoring", sort=False):
        by_snr = part.groupby("signal_to_noise")["fnr_rank"].mean()
        rows.append([scoring] + [num(by_snr.get(s), 2) for s in snrs])
    per_experiment = frame.drop_duplicates("experiment")
    converged = (per_experiment["converged"].astype(str).str.lower() == "true").sum()
    note = f"Models converged: {converged} of {len(per_experiment)} experiments.\n\n"
    return note + markdown_table(["scoring"] + [f"SNR {float(s):.1f} ({counts[s]})" for s in snrs], rows)


def run_section(run: str, tables: dict[str, pd.DataFrame]) -> str:
    """The block for one run: a heading per table that exists, naming its file."""
    makers = {"classification": classification_table, "comparison": comparison_table,
              "deletion": deletion_table, "motif_recovery": motif_table}
    parts = [marker(run, "begin") + "\n"]
    for name, frame in tables.items():
        kind = name.rsplit("/", 1)[-1].removesuffix(".tsv")
        make = makers.get(name) or {"profile": profile_table, "ground_truth": ground_truth_table,
                                    "grid": grid_table, "benchmark": grid_table}[kind]
        source = TABLES.get(name, name)
        parts.append(f"From `results/{run}/{source}`:\n\n{make(frame)}")
    parts.append(marker(run, "end"))
    return "\n".join(parts)


def replace_block(document: str, run: str, section: str) -> str:
    """The document with run's block replaced by section, or section appended under a heading."""
    pattern = re.compile(re.escape(marker(run, "begin")) + r".*?" + re.escape(marker(run, "end")), re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: section, document, count=1)
    return document.rstrip("\n") + f"\n\n### Generated tables: `results/{run}`\n\n{section}\n"


def read_run(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The result tables the run has, keyed by TABLES names or by paths under the run."""
    tables = {name: read_table(run_dir / path) for name, path in TABLES.items() if (run_dir / path).is_file()}
    for kind in ("profile", "ground_truth"):
        for path in sorted(run_dir.glob(f"gama/*/{kind}.tsv")):
            tables[path.relative_to(run_dir).as_posix()] = read_table(path)
    for path in GRID_TABLES:
        if (run_dir / path).is_file():
            tables[path] = read_table(run_dir / path)
            break
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders, e.g. results/demo")
    parser.add_argument("--write", type=Path, help="rewrite each run's block in this markdown file")
    args = parser.parse_args(argv)
    sections = {run.name: run_section(run.name, read_run(run)) for run in args.runs}
    if args.write:
        document = args.write.read_text(encoding="utf-8")
        for run, section in sections.items():
            document = replace_block(document, run, section)
        args.write.write_text(document, encoding="utf-8")
    else:
        sys.stdout.write("\n\n".join(sections.values()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
