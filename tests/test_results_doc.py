"""docs/results.md's generator: a run's result tables as markdown, rewritten in place
between the run's markers."""

import pandas as pd

from seqattr.io import write_table
from seqattr.report import results_doc


def make_run(root):
    """A made-up run folder with the tables the generator reads (the columns the workflow writes)."""
    run = root / "tiny"
    (run / "metrics").mkdir(parents=True)
    (run / "saliency").mkdir()
    (run / "gama" / "set_a").mkdir(parents=True)
    write_table(pd.DataFrame({
        "dataset": ["d", "d", "d"], "model": ["cnn", "attngen", "attngen"], "mask_ratio": [0, 0.1, 0.1],
        "seed": [0, 0, 0], "split": ["test", "test", "val"], "accuracy": [0.8652, 0.9038, 0.5],
        "f1": [0.8651, 0.9041, 0.5], "auroc": [0.9349, 0.9521, 0.5], "n": [10, 10, 5], "epochs": [10, 14, 14],
        "best_epoch": [7, 11, 11], "stopped_early": [True, False, False]}), run / "metrics" / "classification.tsv")
    write_table(pd.DataFrame({
        "dataset": ["d", "d"], "model": ["cnn", "attngen"], "mask_ratio": [0, 0.15], "seeds": [3, 3],
        "test_accuracy_mean": [0.6801, 0.7093], "test_accuracy_sd": [0.0107, 0.0015],
        "difference_vs_cnn": [0.0, 0.0292], "difference_ci_low": [0.0, 0.0167], "difference_ci_high": [0.0, 0.0421],
        "p_seed_paired": [float("nan"), 0.046], "stopped_early": [3, 2], "best_epoch_mean": [3.0, 38.33],
        "best_epoch_sd": [0.0, 9.0], "epochs_mean": [9.0, 44.0], "val_accuracy_mean": [0.7, 0.71],
        "val_accuracy_sd": [0.021, 0.007]}), run / "metrics" / "comparison.tsv")
    write_table(pd.DataFrame({
        "dataset": ["d"], "model": ["attngen"], "mask_ratio": [0.1], "method": ["attention"], "seeds": [1],
        "stopped_early": [1], "fraction": [0.2], "intact_mean": [0.908], "top_mean": [0.55], "top_sd": [None],
        "random_mean": [0.832], "random_sd": [None], "bottom_mean": [0.906], "bottom_sd": [None],
        "cost_top": [0.358], "cost_random": [0.076], "top_over_random": [4.7105], "share_to_chance": [0.8773],
        "auc_top_mean": [0.6012], "auc_top_sd": [None], "auc_random_mean": [0.8], "auc_bottom_mean": [0.9]}),
        run / "saliency" / "deletion.tsv")
    write_table(pd.DataFrame({
        "dataset": ["d"], "model": ["attngen"], "mask_ratio": [0.1], "seed": [0], "method": ["attention"],
        "auroc_mean": [0.9391], "auroc_sd": [0.0412], "auprc_mean": [0.4567], "n": [891]}),
        run / "saliency" / "motif_recovery.tsv")
    write_table(pd.DataFrame({
        "mode": ["exact"] * 5, "readout": ["mean_logit"] * 5, "metric": ["gama"] * 5, "reduction": ["input"] * 5,
        "position": [1, 2, 3, 4, 5], "importance": [0.1, 0.9, 0.2, 0.8, 0.5], "rank": [5, 1, 4, 2, 3],
        "top4_replicates": [0.0, 1.0, 0.33, 1.0, 0.67], "criterion": ["plateau"] * 5,
        "converged_replicates": ["3/3"] * 5, "train_nll": [0.8671] * 5, "val_nll": [0.9882] * 5}),
        run / "gama" / "set_a" / "profile.tsv")
    write_table(pd.DataFrame({
        "experiment": ["AND_a", "AND_a", "AND_b", "AND_b"], "signal_to_noise": [1.0, 1.0, 0.5, 0.5],
        "mode": ["exact", "authors_code"] * 2, "readout": ["mean_logit"] * 4, "ig_start": ["zero"] * 4,
        "metric": ["gama"] * 4, "reduction": ["input"] * 4, "fnr_rank": [0.5, 0.0, 1.0, 0.5],
        "converged": [True, True, False, False]}), run / "gama" / "grid.tsv")
    return run


EXPECTED = """<!-- results_doc:tiny begin -->

From `results/tiny/metrics/classification.tsv`:

| dataset | model | mask ratio | seed | test accuracy | macro F1 | AUROC | epochs (best) | stopped early |
|---|---|---|---|---|---|---|---|---|
| d | cnn | 0 | 0 | 86.52% | 0.865 | 0.935 | 10 (7) | yes |
| d | attngen | 0.1 | 0 | 90.38% | 0.904 | 0.952 | 14 (11) | no |

From `results/tiny/metrics/comparison.tsv`:

| dataset | model | mask ratio | seeds | test accuracy (mean ± SD) | minus the CNN, points (95% interval) | seed-paired p | epochs to best val loss | ended by early stopping |
|---|---|---|---|---|---|---|---|---|
| d | cnn | 0 | 3 | 68.01 ± 1.07% | - | - | 3.0 ± 0.0 | 3 of 3 |
| d | attngen | 0.15 | 3 | 70.93 ± 0.15% | +2.92 (+1.67, +4.21) | 0.046 | 38.3 ± 9.0 | 2 of 3 |

From `results/tiny/saliency/deletion.tsv`:

| dataset | model | mask ratio | method | seeds | intact | top 20% | random 20% | bottom 20% | top cost / random cost | share of the way to chance | deletion AUC (top) |
|---|---|---|---|---|---|---|---|---|---|---|---|
| d | attngen | 0.1 | attention | 1 | 90.8% | 55.0% | 83.2% | 90.6% | 4.71 | 0.88 | 60.1% |

From `results/tiny/saliency/motif_recovery.tsv`:

| dataset | model | mask ratio | seed | method | AUROC (mean ± SD) | AUPRC | sequences |
|---|---|---|---|---|---|---|---|
| d | attngen | 0.1 | 0 | attention | 0.939 ± 0.041 | 0.457 | 891 |

From `results/tiny/gama/set_a/profile.tsv`:

| scoring | top 4 positions (share of replicates) | converged replicates | train NLL | held-out NLL |
|---|---|---|---|---|
| exact/mean_logit/gama/input | 2 (1.00), 4 (1.00), 5 (0.67), 3 (0.33) | 3/3 (plateau) | 0.867 | 0.988 |

From `results/tiny/gama/grid.tsv`:

Models converged: 1 of 2 experiments.

| scoring | SNR 1.0 (1) | SNR 0.5 (1) |
|---|---|---|
| exact/mean_logit/zero/gama/input | 0.50 | 1.00 |
| authors_code/mean_logit/zero/gama/input | 0.00 | 0.50 |

<!-- results_doc:tiny end -->"""


def test_a_run_becomes_one_block_of_markdown_tables(tmp_path):
    run = make_run(tmp_path)
    assert results_doc.run_section("tiny", results_doc.read_run(run)) == EXPECTED


def test_write_replaces_the_runs_block_and_keeps_the_rest(tmp_path):
    run = make_run(tmp_path)
    doc = tmp_path / "results.md"
    doc.write_text("# Results\n\nBefore.\n\n<!-- results_doc:tiny begin -->\nold\n<!-- results_doc:tiny end -->\n\n"
                   "After.\n<!-- results_doc:other begin -->\nkept\n<!-- results_doc:other end -->\n")
    assert results_doc.main([str(run), "--write", str(doc)]) == 0
    assert doc.read_text() == ("# Results\n\nBefore.\n\n" + EXPECTED + "\n\nAfter.\n"
                               "<!-- results_doc:other begin -->\nkept\n<!-- results_doc:other end -->\n")
    # A second write changes nothing; a run without a block is appended under a heading.
    assert results_doc.main([str(run), "--write", str(doc)]) == 0
    assert doc.read_text().count("results_doc:tiny begin") == 1
    (tmp_path / "new").mkdir()
    assert results_doc.main([str(tmp_path / "new"), "--write", str(doc)]) == 0
    assert doc.read_text().endswith("### Generated tables: `results/new`\n\n<!-- results_doc:new begin -->\n\n"
                                    "<!-- results_doc:new end -->\n")


def test_printing_without_write(tmp_path, capsys):
    run = make_run(tmp_path)
    assert results_doc.main([str(run)]) == 0
    assert capsys.readouterr().out == EXPECTED + "\n"
