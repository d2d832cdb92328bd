import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from classify_helpers import easy_task
from conftest import REPO
from seqattr.config import ConfigError, check_config, validate_config
from seqattr.data.encoding import EncodedSet, save_encoded
from seqattr.classify.evaluation import METRIC_COLUMNS, binary_auroc
from seqattr.classify import TRAINING_KEYS, steps, summary_steps
from seqattr.io import read_table, write_json
from seqattr.classify.models import build_model, load_checkpoint
from seqattr.classify.engine import HISTORY_COLUMNS, HISTORY_FILE_COLUMNS, TIMING_COLUMNS, TrainingConfig, predict_logits, train_classifier, validation_split

LENGTH = 60
FAST = {"epochs": 3, "batch_size": 32, "learning_rate": 0.01, "patience": 3, "warmup": 0.3, "device": "cpu"}
SMALL_ATTNGEN = {"channels": 8, "dilations": [2]}


def training_config(**values):
    """Settings as a job builds them: the schema's defaults for every key not given."""
    return TrainingConfig.from_dict(values)


def test_training_defaults_are_the_schema_s():
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())["properties"]["classify"]["properties"]
    config = TrainingConfig.from_dict({})
    for key in TRAINING_KEYS:
        assert getattr(config, key) == schema[key]["default"], key
    with pytest.raises(TypeError):  # no second home: the dataclass itself has none of them
        TrainingConfig()


def accuracy(model, x, y):
    return float((predict_logits(model, x).argmax(1) == y).float().mean())


EASY_RUNS = {"cnn": ({}, 0.0), "attngen": (SMALL_ATTNGEN, 0.2)}


@pytest.fixture(scope="module", params=list(EASY_RUNS))
def trained_on_easy_task(request):
    name = request.param
    config, ratio = EASY_RUNS[name]
    x, y, _ = easy_task(500, LENGTH, seed=0)
    torch.manual_seed(0)
    model = build_model(name, config, LENGTH, 2)
    return name, train_classifier(model, x, y, training_config(**{**FAST, "epochs": 5}, mask_ratio=ratio),
                                  progress=False)


def test_tiny_training_learns_the_easy_task(trained_on_easy_task):
    _, result = trained_on_easy_task
    x_test, y_test, _ = easy_task(300, LENGTH, seed=1)
    assert accuracy(result.model, x_test, y_test) > 0.8  # chance is 0.5
    assert list(result.history.columns) == HISTORY_COLUMNS
    assert result.history["epoch"].tolist() == list(range(1, len(result.history) + 1))
    assert 1 <= result.best_epoch <= len(result.history)
    assert result.train_seq_per_s > 0


@pytest.mark.parametrize("trained_on_easy_task", ["attngen"], indirect=True)
def test_attention_finds_the_planted_motif(trained_on_easy_task):
    _, result = trained_on_easy_task
    x_test, y_test, starts = easy_task(200, LENGTH, seed=1)
    peak = result.model.importance(x_test).argmax(1).numpy()
    inside = (peak >= starts - 4) & (peak < starts + 8 + 4)  # the motif give or take the receptive field
    # With two classes one motif suffices ("motif A or not"), so the attention must find
    # the motif in at least one class, not necessarily in both.
    assert max(inside[y_test.numpy() == k].mean() for k in (0, 1)) > 0.9


def test_same_seed_gives_identical_training():
    x, y, _ = easy_task(300, LENGTH, seed=0)
    runs = []
    for _ in range(2):
        torch.manual_seed(123)  # a different global state must not matter: the engine seeds itself...
        model = build_model("attngen", SMALL_ATTNGEN, LENGTH, 2)
        torch.manual_seed(0)  # ...but initial weights come from the caller's seed
        model = build_model("attngen", SMALL_ATTNGEN, LENGTH, 2)
        runs.append(train_classifier(model, x, y, training_config(**FAST, mask_ratio=0.2, seed=5), progress=False))
    first, second = runs
    pd.testing.assert_frame_equal(first.history.drop(columns="seconds"), second.history.drop(columns="seconds"))
    for a, b in zip(first.model.state_dict().values(), second.model.state_dict().values()):
        assert torch.equal(a, b)


def test_validation_split_is_seeded_and_disjoint():
    train, val = validation_split(100, 0.2, seed=3)
    assert len(val) == 20 and len(train) == 80 and not set(train) & set(val)
    assert np.array_equal(val, validation_split(100, 0.2, seed=3)[1])
    assert not np.array_equal(val, validation_split(100, 0.2, seed=4)[1])


def test_batch_size_larger_than_data_is_one_clear_error():
    x, y, _ = easy_task(50, LENGTH)
    with pytest.raises(ValueError, match="batch_size 64 is larger than the 45 training sequences"):
        train_classifier(build_model("cnn", {}, LENGTH, 2), x, y, training_config(**{**FAST, "batch_size": 64}))


def test_masking_a_model_without_attention_is_an_error():
    x, y, _ = easy_task(50, LENGTH)
    with pytest.raises(ValueError, match="does not support masking"):
        train_classifier(build_model("cnn", {}, LENGTH, 2), x, y, training_config(**FAST, mask_ratio=0.1))


@pytest.mark.parametrize("ratio", [1.0, -0.2])
def test_training_ratio_outside_unit_interval_is_an_error(ratio):
    with pytest.raises(ValueError, match=r"outside \[0, 1\)"):
        training_config(mask_ratio=ratio)


def test_auroc_matches_hand_computed_values():
    assert binary_auroc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True])) == pytest.approx(0.75)
    assert binary_auroc(np.array([0.5, 0.5]), np.array([False, True])) == pytest.approx(0.5)


def encoded_files(folder, n_train=240, n_test=100):
    paths = {}
    for split, n, seed in (("train", n_train, 0), ("test", n_test, 1)):
        x, y, _ = easy_task(n, LENGTH, seed)
        onehot = x.numpy().astype(np.uint8)
        save_encoded(EncodedSet(onehot, y.numpy(), np.array([f"{split}{i}" for i in range(n)]),
                                np.ones((n, LENGTH), bool), np.zeros((n, LENGTH), bool)), folder / f"{split}.npz")
        paths[split] = folder / f"{split}.npz"
    write_json(["a", "b"], folder / "classes.json")
    paths["classes"] = folder / "classes.json"
    return paths


def test_train_evaluate_aggregate_files(tmp_path):
    paths = encoded_files(tmp_path)
    outputs = []
    for model, ratio, config in (("cnn", 0.0, {}), ("attngen", 0.1, SMALL_ATTNGEN)):
        stem = tmp_path / f"{model}_r{ratio:g}_s0"
        steps.train(paths["train"], paths["classes"], f"{stem}.pt", f"{stem}.history.tsv", f"{stem}.timing.tsv",
                    classify={**FAST, model: config}, model=model, mask_ratio=ratio, seed=0, dataset="easy")
        assert list(read_table(f"{stem}.history.tsv").columns) == HISTORY_FILE_COLUMNS
        timing = read_table(f"{stem}.timing.tsv", dtype={"epoch": str})
        assert list(timing.columns) == TIMING_COLUMNS and timing["epoch"].iloc[-1] == "all"
        assert len(timing) == FAST["epochs"] + 1 and timing["seq_per_s"].iloc[-1] > 0
        assert not load_checkpoint(f"{stem}.pt").training
        table = steps.evaluate(f"{stem}.pt", paths["train"], paths["test"], paths["classes"], f"{stem}.tsv",
                               f"{stem}.predictions.tsv.gz", dataset="easy", model=model)
        assert table["split"].tolist() == ["val", "test"]
        assert table["best_epoch"].between(1, FAST["epochs"]).all() and not table["stopped_early"].any()
        predictions = read_table(f"{stem}.predictions.tsv.gz", dtype={"id": str})
        test_ids = np.load(paths["test"])["ids"]
        assert predictions["id"].tolist() == test_ids.tolist() and predictions["probability"].between(0.5, 1).all()
        test_accuracy = table.loc[table["split"] == "test", "accuracy"].iloc[0]
        assert (predictions["predicted"] == predictions["label"]).mean() == pytest.approx(test_accuracy, abs=1e-6)
        assert table["n"].tolist() == [24, 100]
        outputs.append(f"{stem}.tsv")
    table = summary_steps.aggregate(outputs[::-1], tmp_path / "classification.tsv")
    assert list(table.columns) == METRIC_COLUMNS
    written = read_table(tmp_path / "classification.tsv", dtype={"mask_ratio": str})
    assert written[["model", "mask_ratio", "split"]].values.tolist() == [
        ["attngen", "0.1", "test"], ["attngen", "0.1", "val"], ["cnn", "0", "test"], ["cnn", "0", "val"]]
    assert written["accuracy"].between(0, 1).all()


def test_failed_training_leaves_no_checkpoint(tmp_path):
    paths = encoded_files(tmp_path, n_train=40)
    with pytest.raises(ValueError, match="batch_size"):
        steps.train(paths["train"], paths["classes"], tmp_path / "m.pt", tmp_path / "m.history.tsv",
                    tmp_path / "m.timing.tsv", classify={**FAST, "batch_size": 64}, model="cnn", mask_ratio=0.0,
                    seed=0, dataset="easy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classes.json", "test.npz", "train.npz"]


def demo_like_config(**classify):
    return {"datasets": {"toy": {"source": "synthetic", "synthetic": {
        "n_train": 100, "length": 60, "max_instances": 2, "own_motif_probability": 0.8,
        "swap_motif_probability": 0.1, "classes": [{"motifs": ["ACGT"]}]}}},
        "classify": {"mask_ratios": [0, 0.1], "batch_size": 32, "val_fraction": 0.1,
                     "attngen": {"kernel_size": 9, "dilated_kernel_size": 3}, **classify}}


def test_config_rejects_ratio_outside_unit_interval():
    """The range is the schema's (workflow/schemas/config.schema.yaml), checked before any job runs."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["classify"]["mask_ratios"] = [0, 1.0]
    with pytest.raises(ConfigError, match=r"config key classify.mask_ratios.1: 1.0 is greater than or equal to the maximum of 1"):
        validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


def test_config_check_rejects_batch_larger_than_synthetic_train():
    check_config(demo_like_config())
    with pytest.raises(ConfigError, match="classify.batch_size: 128 is larger than the 90 training sequences"):
        check_config(demo_like_config(batch_size=128))


def test_config_check_rejects_even_attngen_kernel():
    with pytest.raises(ConfigError, match="classify.attngen.kernel_size: must be odd"):
        check_config(demo_like_config(attngen={"kernel_size": 8, "dilated_kernel_size": 3}))


@pytest.mark.parametrize("model, config, ratio, extra, epochs_run", [
    # No masking, no ramp: patience counts from the first epoch even with `warmup` set
    # (it used to wait for the unused ramp: 30% of a large epoch cap).
    # (AttnGen at r = 0: no BatchNorm, so learning rate 0 leaves the model exactly as it is.)
    ("attngen", SMALL_ATTNGEN, 0.0, {"warmup": 0.3}, 3),
    # Masking: the ramp is 4 epochs long (warmup_epochs); a state trained mid-ramp is neither
    # kept nor judged, so the first candidate is epoch 4, then patience 2.
    ("attngen", SMALL_ATTNGEN, 0.2, {"warmup_epochs": 4}, 6),
])
def test_early_stopping_ends_training_and_says_so(model, config, ratio, extra, epochs_run):
    x, y, _ = easy_task(200, LENGTH, seed=0)
    torch.manual_seed(0)
    # Learning rate 0: the validation loss never improves after the first epoch.
    settings = training_config(**{**FAST, "epochs": 20, "patience": 2, "learning_rate": 0.0, **extra}, mask_ratio=ratio)
    result = train_classifier(build_model(model, config, LENGTH, 2), x, y, settings, progress=False)
    assert len(result.history) == epochs_run and result.best_epoch == epochs_run - 2 and result.stopped_early


def test_the_epoch_cap_is_recorded_as_not_stopped_early():
    x, y, _ = easy_task(200, LENGTH, seed=0)
    result = train_classifier(build_model("cnn", {}, LENGTH, 2), x, y,
                              training_config(**{**FAST, "epochs": 2, "patience": 5}), progress=False)
    assert len(result.history) == 2 and not result.stopped_early
    # A cap that comes before the masking ramp ends keeps the last state.
    capped = train_classifier(build_model("attngen", SMALL_ATTNGEN, LENGTH, 2), x, y,
                              training_config(**{**FAST, "epochs": 2, "warmup_epochs": 5}, mask_ratio=0.2),
                              progress=False)
    assert capped.best_epoch == 2 and not capped.stopped_early
    assert training_config(epochs=50, warmup=0.3, warmup_epochs=5).warmup_epochs == 5
    with pytest.raises(ValueError, match="warmup_epochs"):
        training_config(warmup_epochs=-1)
