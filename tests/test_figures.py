"""What the figures promise a reader: whole-number epochs, accuracy in %, readable ticks
with one mask ratio, legends in words, a heatmap without empty panels whose colour scale
is not flattened by a few extreme positions, and the motif shading explained."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from seqattr.classify.figures import plot_accuracy_vs_ratio, plot_learning_curves  # noqa: E402
from seqattr.saliency.figures import attribution_logos, perturbation_figure, saliency_heatmap  # noqa: E402


def tick_labels(axis):
    """The tick labels a reader sees: those inside the axis limits."""
    axis.figure.canvas.draw()
    low, high = sorted(axis.get_view_interval())
    return [tick.label1.get_text() for tick, where in zip(axis.get_major_ticks(), axis.get_majorticklocs())
            if low <= where <= high and tick.label1.get_text()]


def legend_texts(figure):
    legends = list(figure.legends) + [ax.get_legend() for ax in figure.axes if ax.get_legend()]
    return [text.get_text() for legend in legends for text in legend.get_texts()]


def test_learning_curves_whole_epochs_and_accuracy_in_percent():
    rows = [{"dataset": "d", "model": model, "mask_ratio": ratio, "seed": 0, "epoch": epoch,
             "val_loss": 0.7 - 0.05 * epoch, "val_accuracy": 0.5 + 0.1 * epoch}
            for model, ratio in (("cnn", "0"), ("attngen", "0.2")) for epoch in (1, 2)]
    figure = plot_learning_curves(pd.DataFrame(rows))
    loss, accuracy = figure.axes[0], figure.axes[1]
    assert tick_labels(accuracy.xaxis) == ["1", "2"]
    assert accuracy.get_ylabel() == "validation accuracy (%)" and accuracy.get_ylim()[1] > 60
    assert legend_texts(figure) == ["CNN", "AttnGen r = 0.2"]
    plt.close(figure)


def test_accuracy_vs_ratio_with_one_ratio_has_one_readable_tick():
    metrics = pd.DataFrame([{"dataset": "d", "model": "attngen", "mask_ratio": "0.2", "seed": 0, "split": "test",
                             "accuracy": 0.73},
                            {"dataset": "d", "model": "cnn", "mask_ratio": "0", "seed": 0, "split": "test",
                             "accuracy": 0.78}])
    figure = plot_accuracy_vs_ratio(metrics)
    ax = figure.axes[0]
    assert tick_labels(ax.xaxis) == ["0.2"]
    assert ax.get_ylabel() == "test accuracy (%)" and 70 < ax.get_ylim()[0] < 73 < 78 < ax.get_ylim()[1] < 90
    plt.close(figure)


def test_perturbation_legend_names_methods_in_words():
    table = pd.DataFrame([{"dataset": "d", "model": "attngen", "mask_ratio": 0.2, "seed": 0, "method": method,
                           "order": order, "fraction": fraction, "accuracy": 0.8 - fraction, "n": 10}
                          for method in ("attention", "ig") for order in ("top", "random", "bottom")
                          for fraction in (0.0, 0.5)])
    figure = perturbation_figure(table, {"d": 0.5})
    texts = legend_texts(figure)
    assert "Integrated Gradients: most salient removed" in texts and "attention: least salient removed" in texts
    assert not [text for text in texts if "_" in text or text.startswith("ig")]
    assert figure.axes[0].get_title() == "d\nAttnGen r = 0.2 (seed 0)"
    plt.close(figure)


def test_heatmap_has_no_empty_panel_and_a_scale_that_shows_the_middle():
    length = 60
    attention = np.full((2, length), 1 / length)
    attention[:, :5] = attention[:, -5:] = 0.002  # the cut-off ends
    attention[0, 30] += 0.002  # the structure a reader should see
    gradients = np.random.default_rng(0).normal(size=(2, length))
    panels = [("CNN, seed 0", "grad_x_input", gradients), ("AttnGen r = 0.2, seed 0", "attention", attention),
              ("AttnGen r = 0.2, seed 0", "ig", gradients)]
    figure = saliency_heatmap(panels, ["a", "b"], "d")
    images = [ax for ax in figure.axes if ax.images]
    assert len(images) == 3 and all(ax.get_visible() for ax in figure.axes)
    assert [ax.get_title(loc="left") for ax in images] == [
        "CNN, seed 0: gradient x input", "AttnGen r = 0.2, seed 0: attention",
        "AttnGen r = 0.2, seed 0: Integrated Gradients"]
    low, high = images[1].images[0].get_clim()
    assert low > 0.002 and high < 1 / length + 0.002  # the ends do not set the scale
    assert images[1].images[0].get_cmap().name != "RdBu_r"  # non-negative: sequential
    low, high = images[0].images[0].get_clim()
    assert low == -high  # signed: centred on zero
    plt.close(figure)


def test_logos_explain_the_motif_shading():
    rng = np.random.default_rng(0)
    onehot = np.eye(4, dtype=np.uint8)[rng.integers(0, 4, size=(4, 20))].transpose(0, 2, 1)
    scores = rng.normal(size=(4, 20))
    saliency = {"ig": {"ids": np.array(["s0", "s1", "s2", "s3"]), "labels": np.array([0, 1, 0, 1]),
                       "predictions": np.array([0, 1, 0, 1]), "scores": scores}}
    truth = np.zeros((4, 20), dtype=bool)
    truth[:, 5:9] = True
    figure = attribution_logos(onehot, saliency, ["x", "y"], "d: CNN, seed 0", truth, width=20)
    assert legend_texts(figure) == ["planted motif (ground truth)"]
    assert all(ax.get_title().startswith("Integrated Gradients: ") for ax in figure.axes)
    plt.close(figure)


def test_perturbation_panels_are_one_per_model_with_the_seed_spread():
    table = pd.DataFrame([{"dataset": "d", "model": "attngen", "mask_ratio": 0.2, "seed": seed, "method": "attention",
                           "order": order, "fraction": fraction, "accuracy": 0.8 - fraction * (1 + seed), "n": 10}
                          for seed in (0, 1, 2) for order in ("top", "random", "bottom") for fraction in (0.0, 0.5)])
    figure = perturbation_figure(table, {"d": 0.5})
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == 1
    assert visible[0].get_title() == "d\nAttnGen r = 0.2 (mean of 3 seeds, band: min to max)"
    top = next(line for line in visible[0].lines if line.get_label() == "attention: most salient removed")
    assert top.get_ydata().tolist() == pytest.approx([80, 80 - 50 * 2])  # the mean over seeds, in %
    plt.close(figure)


def test_removal_figure_puts_the_cnn_first_and_names_random_removal_once():
    from seqattr.saliency.deletion import deletion_summary
    from seqattr.saliency.figures import removal_figure

    rows = [{"dataset": "d", "model": model, "mask_ratio": ratio, "seed": 0, "method": method, "order": order,
             "fraction": fraction, "accuracy": 0.9 - fraction, "n": 10}
            for model, ratio, methods in (("attngen", 0.1, ("attention", "ig")), ("cnn", 0.0, ("ig",)))
            for method in methods for order in ("top", "random", "bottom") for fraction in (0.0, 0.2)]
    figure = removal_figure(deletion_summary(pd.DataFrame(rows), 0.2, {"d": 0.5}))
    left = figure.axes[0]
    assert tick_labels(left.xaxis) == ["CNN", "AttnGen r = 0.1"]
    texts = legend_texts(figure)
    assert texts.count("random positions removed") == 1 and "attention: most salient removed" in texts
    plt.close(figure)


def test_comparison_figure_marks_runs_that_hit_the_epoch_cap():
    from seqattr.classify.comparison import comparison_table
    from seqattr.classify.figures import plot_comparison

    rows, predictions = [], {}
    for model, ratio in (("cnn", "0"), ("attngen", "0.1")):
        for seed in (0, 1):
            capped = model == "attngen" and seed == 1
            for split in ("val", "test"):
                rows.append({"dataset": "d", "model": model, "mask_ratio": ratio, "seed": seed, "split": split,
                             "accuracy": 0.7 + 0.05 * seed, "f1": 0.7, "auroc": 0.7, "n": 4, "epochs": 10,
                             "best_epoch": 3 + seed, "stopped_early": not capped})
            predictions[("d", model, ratio, seed)] = pd.DataFrame({"id": list("abcd"), "label": [0, 1, 0, 1],
                                                                   "predicted": [0, 1, seed, 0], "probability": 0.9})
    metrics = pd.DataFrame(rows)
    figure = plot_comparison(comparison_table(metrics, predictions), metrics)
    convergence = figure.axes[1]
    hollow = [c for c in convergence.collections if c.get_label() == "seed (the epoch cap ended it)"]
    assert sum(len(c.get_offsets()) for c in hollow) == 1
    assert tick_labels(convergence.xaxis) == ["CNN", "AttnGen r = 0.1"]
    plt.close(figure)
