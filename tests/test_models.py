import pytest
import torch

from seqattr.config import ConfigError
from seqattr.classify.models import (AttnGen, CheckpointError, build_model, check_ratio, format_ratio, load_checkpoint,
                            read_checkpoint, save_checkpoint)
from seqattr.classify.models.attngen import lowest_fraction_mask
from seqattr.classify.engine import mask_ratio_at

SMALL_ATTNGEN = {"channels": 8, "dilations": [2]}


@pytest.mark.parametrize("name", ["cnn", "attngen"])
@pytest.mark.parametrize("length,n_classes", [(200, 2), (60, 3)])
def test_forward_gives_logits_per_class(name, length, n_classes):
    model = build_model(name, {}, length, n_classes).eval()
    assert model(torch.rand(5, 4, length)).shape == (5, n_classes)


def test_importance_is_a_distribution_over_positions():
    model = build_model("attngen", SMALL_ATTNGEN, 50, 2).train()
    scores = model.importance(torch.rand(6, 4, 50))
    assert scores.shape == (6, 50)
    assert (scores >= 0).all()
    torch.testing.assert_close(scores.sum(1), torch.ones(6))
    assert model.training  # importance() restores the mode it found


def test_importance_spreads_each_weight_over_its_receptive_field(monkeypatch):
    model = build_model("attngen", {"kernel_size": 5, "dilations": [2], "dilated_kernel_size": 3}, 30, 2)
    assert model.receptive_field == 5 + 2 * 2
    logits = torch.full((2, 30), -1e4)
    logits[0, 12] = 0.0  # all attention on position 12
    logits[1, 0] = 0.0  # on the first position: half its field lies outside the sequence
    monkeypatch.setattr(model, "attention_logits", lambda x: logits)
    scores = model.importance(torch.rand(2, 4, 30))
    expected = torch.zeros(2, 30)
    expected[0, 8:17] = 1 / 9
    expected[1, 0:5] = 1 / 5
    torch.testing.assert_close(scores, expected)
    assert model.attention_weights(torch.rand(2, 4, 30))[0, 12] == 1.0


def test_lowest_fraction_mask_marks_exactly_the_lowest_positions():
    scores = torch.tensor([[5.0, 1.0, 3.0, 0.0, 4.0, 2.0, 9.0, 8.0, 7.0, 6.0],
                           [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]])
    mask = lowest_fraction_mask(scores, 0.3)
    assert mask.sum(1).tolist() == [3, 3]
    assert mask[0].nonzero().flatten().tolist() == [1, 3, 5]
    assert mask[1].nonzero().flatten().tolist() == [0, 1, 2]
    assert not lowest_fraction_mask(scores, 0.0).any()
    assert lowest_fraction_mask(scores, 0.25).sum(1).tolist() == [2, 2]  # floor(0.25 * 10)


def test_input_masking_zeroes_the_lowest_importance_columns():
    torch.manual_seed(0)
    model = build_model("attngen", {**SMALL_ATTNGEN, "masking": "input"}, 40, 2).eval()
    x = torch.rand(3, 4, 40) + 0.1
    seen = []
    model.encoder.register_forward_pre_hook(lambda module, args: seen.append(args[0].clone()))
    model(x, mask_ratio=0.2)
    masked_input = seen[-1]
    expected = lowest_fraction_mask(model.attention_logits(x), 0.2)
    zero_columns = (masked_input == 0).all(dim=1)
    assert torch.equal(zero_columns, expected)
    assert zero_columns.sum(1).tolist() == [8, 8, 8]
    torch.testing.assert_close(masked_input[~expected.unsqueeze(1).expand_as(x)], x[~expected.unsqueeze(1).expand_as(x)])


def test_feature_masking_pools_only_the_kept_positions():
    torch.manual_seed(0)
    model = build_model("attngen", {**SMALL_ATTNGEN, "masking": "features"}, 40, 2).eval()
    x = torch.rand(3, 4, 40)
    features, logits = model._encode(x)
    kept = ~lowest_fraction_mask(logits, 0.3)
    weights = torch.softmax(logits.masked_fill(~kept, float("-inf")), dim=1)
    expected = model.classifier((features * weights.unsqueeze(1)).sum(2))
    torch.testing.assert_close(model(x, mask_ratio=0.3), expected)
    assert not torch.allclose(model(x, mask_ratio=0.3), model(x))


def test_masking_carries_no_gradient_through_the_ranking():
    model = build_model("attngen", {**SMALL_ATTNGEN, "masking": "input"}, 40, 2)
    x = torch.rand(2, 4, 40, requires_grad=True)
    model(x, mask_ratio=0.5).sum().backward()
    kept = ~lowest_fraction_mask(model.attention_logits(x), 0.5)
    assert (x.grad.abs().sum(1)[~kept] == 0).all()  # zeroed columns get no gradient


def test_mask_ratio_ramps_linearly_then_holds():
    assert mask_ratio_at(0, 100, 0.2, 0.5) == 0
    assert mask_ratio_at(25, 100, 0.2, 0.5) == pytest.approx(0.1)
    assert mask_ratio_at(50, 100, 0.2, 0.5) == pytest.approx(0.2)
    assert mask_ratio_at(99, 100, 0.2, 0.5) == pytest.approx(0.2)
    assert mask_ratio_at(0, 100, 0.2, 0.0) == pytest.approx(0.2)  # no warm-up
    assert mask_ratio_at(25, 100, 0.2, 0.5, "cosine") == pytest.approx(0.1)
    assert mask_ratio_at(10, 100, 0.2, 0.5, "cosine") < mask_ratio_at(10, 100, 0.2, 0.5)
    assert mask_ratio_at(0, 100, 0.2, 0.5, "none") == pytest.approx(0.2)


def test_format_ratio_is_the_one_file_name_form():
    assert [format_ratio(r) for r in (0, 0.0, 0.1, 0.05, 0.15, 0.5, "0.2")] == ["0", "0", "0.1", "0.05", "0.15",
                                                                                 "0.5", "0.2"]


@pytest.mark.parametrize("ratio", [1.0, -0.1, 1.5])
def test_ratio_outside_unit_interval_is_an_error(ratio):
    with pytest.raises(ValueError, match=r"outside \[0, 1\)"):
        check_ratio(ratio)
    with pytest.raises(ValueError, match=r"outside \[0, 1\)"):
        format_ratio(ratio)


def test_unknown_model_name_is_one_clear_error():
    with pytest.raises(ConfigError, match="unknown model 'lstm'.*attngen.*cnn"):
        build_model("lstm", {}, 100, 2)


def test_unknown_hyperparameter_is_a_config_error():
    with pytest.raises(ConfigError, match="attngen"):
        build_model("attngen", {"widht": 3}, 100, 2)


def test_cnn_rejects_too_short_input():
    with pytest.raises(ValueError, match="too short"):
        build_model("cnn", {}, 20, 2)


@pytest.mark.parametrize("name,config", [("cnn", {}), ("attngen", SMALL_ATTNGEN)])
def test_checkpoint_round_trip(tmp_path, name, config):
    model = build_model(name, config, 60, 2).eval()
    path = tmp_path / f"{name}.pt"
    save_checkpoint(path, model, config, {"seed": 3})
    loaded = load_checkpoint(path)
    assert not loaded.training and type(loaded) is type(model)
    x = torch.rand(4, 4, 60)
    torch.testing.assert_close(loaded(x), model(x))
    payload = torch.load(path, weights_only=True)
    assert payload["model_name"] == name and payload["extra"] == {"seed": 3}
    assert read_checkpoint(path)["model_config"] == config
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.pt"]  # no temporary left behind


def test_corrupt_checkpoint_names_the_file(tmp_path):
    path = tmp_path / "broken.pt"
    save_checkpoint(path, build_model("cnn", {}, 60, 2), {})
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="broken.pt.*not a readable"):
        load_checkpoint(path)


def test_foreign_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(CheckpointError, match="foreign.pt.*not a seqattr checkpoint"):
        load_checkpoint(path)


def test_mismatched_checkpoint_names_the_file(tmp_path):
    path = tmp_path / "mismatch.pt"
    save_checkpoint(path, build_model("attngen", SMALL_ATTNGEN, 60, 2), SMALL_ATTNGEN)
    payload = torch.load(path, weights_only=True)
    payload["model_config"] = {"channels": 16}  # weights no longer fit the declared architecture
    torch.save(payload, path)
    with pytest.raises(CheckpointError, match="mismatch.pt.*do not match model 'attngen'"):
        load_checkpoint(path)


def test_missing_checkpoint_names_the_file(tmp_path):
    with pytest.raises(CheckpointError, match="nothing.pt.*not found"):
        load_checkpoint(tmp_path / "nothing.pt")


def test_attngen_supports_masking_and_cnn_does_not():
    assert build_model("attngen", SMALL_ATTNGEN, 40, 2).supports_masking
    assert not getattr(build_model("cnn", {}, 60, 2), "supports_masking", False)
    assert isinstance(build_model("attngen", SMALL_ATTNGEN, 40, 2), AttnGen)


@pytest.mark.parametrize("model, config", [("cnn", {}), ("cnn", {"channels": [4, 4], "kernel_size": 5}),
                                           ("attngen", {"channels": 4, "dilations": [2]})])
def test_the_torch_free_length_rule_agrees_with_building_the_model(model, config):
    """The data stage checks lengths with `seqattr.input_lengths` (no torch); a model
    builds exactly when that rule finds no problem."""
    from seqattr.input_lengths import length_problem

    for length in range(1, 80):
        problem = length_problem(model, config, length)
        try:
            build_model(model, config, length, 2)
        except ValueError as error:
            assert problem == str(error), length
        else:
            assert problem is None, length
