"""AttnGen's concentrating attention (`classify.attention`): the entropy penalty, the
temperature, sparsemax, and the default that leaves the paper's model as it was."""

import pytest
import torch

from seqattr.classify import attention_options
from seqattr.classify.checks import check_attention
from seqattr.classify.engine import TrainingConfig, train_classifier
from seqattr.classify.models import build_model
from seqattr.classify.models.attngen import AttnGen, normalised_entropy, sparsemax
from seqattr.config import ConfigError, validate_config
from seqattr.runtime import seed_everything

from classify_helpers import easy_task
from conftest import REPO
from test_bad_inputs import config_with

SMALL = {"channels": 8, "kernel_size": 5, "dilations": [2], "hidden": 16, "masking": "features"}


def one_hot_batch(n=6, length=40, seed=0):
    generator = torch.Generator().manual_seed(seed)
    codes = torch.randint(0, 4, (n, length), generator=generator)
    return torch.nn.functional.one_hot(codes, 4).float().transpose(1, 2)


def trained_entropy(concentration_options):
    """Mean normalised attention entropy on the training batch after a few epochs."""
    x, y, _ = easy_task(n=160, length=40)
    seed_everything(0, 1)
    model = build_model("attngen", {**SMALL, **concentration_options}, 40, 2)
    config = TrainingConfig.from_dict({"epochs": 4, "batch_size": 32, "patience": 10, "learning_rate": 0.01,
                                       "device": "cpu", "seed": 0})
    result = train_classifier(model, x, y, config, progress=False)
    return float(normalised_entropy(result.model.attention_weights(x)).mean())


def test_entropy_penalty_lowers_the_attention_entropy(one_thread):
    plain = trained_entropy({})
    penalised = trained_entropy({"concentration": "entropy", "entropy_penalty": 1.0})
    assert penalised < plain - 0.05, (plain, penalised)


def test_entropy_penalty_is_exposed_only_in_training_mode():
    x = one_hot_batch()
    model = AttnGen(40, 2, **{**SMALL, "concentration": "entropy", "entropy_penalty": 0.5})
    model.train()
    model(x)
    expected = 0.5 * normalised_entropy(torch.softmax(model.attention_logits(x), dim=1)).mean()
    assert torch.allclose(model.regularisation_loss, expected)
    model.eval()
    model(x)
    assert model.regularisation_loss is None
    paper = AttnGen(40, 2, **SMALL).train()
    paper(x)
    assert paper.regularisation_loss is None


def test_entropy_penalty_with_feature_masking_has_finite_gradients():
    """Gated positions have weight 0; the penalty's gradient through them must not be NaN."""
    model = AttnGen(40, 2, **{**SMALL, "concentration": "entropy", "entropy_penalty": 1.0}).train()
    (model(one_hot_batch(), mask_ratio=0.25).sum() + model.regularisation_loss).backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def test_normalised_entropy_is_zero_on_one_position_and_one_uniform():
    weights = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    assert torch.allclose(normalised_entropy(weights), torch.tensor([0.0, 1.0]))


def test_temperature_divides_the_logits_before_the_softmax():
    torch.manual_seed(0)
    paper = AttnGen(40, 2, **SMALL)
    sharp = AttnGen(40, 2, **{**SMALL, "concentration": "temperature", "temperature": 0.5})
    sharp.load_state_dict(paper.state_dict())
    x = one_hot_batch()
    logits = paper.attention_logits(x)
    assert torch.allclose(sharp.attention_weights(x), torch.softmax(logits / 0.5, dim=1), atol=1e-6)
    # softmax(z / 0.5) is softmax(z) squared and renormalised: sharper, same order
    squared = paper.attention_weights(x) ** 2
    assert torch.allclose(sharp.attention_weights(x), squared / squared.sum(1, keepdim=True), atol=1e-6)


def test_sparsemax_sums_to_one_with_exact_zeros():
    logits = torch.tensor([[1.0, 0.5, -1.0, 0.0], [0.1, 0.1, 0.1, 0.1], [3.0, 0.0, 0.0, 0.0]])
    weights = sparsemax(logits, dim=1)
    assert torch.allclose(weights.sum(1), torch.ones(3))
    # tau = (1 + 0.5 - 1) / 2 = 0.25 on the first row; a gap of 1 or more leaves one position
    assert torch.equal(weights, torch.tensor([[0.75, 0.25, 0.0, 0.0], [0.25] * 4, [1.0, 0.0, 0.0, 0.0]]))


def test_sparsemax_gives_gated_positions_no_weight_and_no_gradient():
    logits = torch.tensor([[1.0, 0.5, float("-inf"), 0.8]], requires_grad=True)
    weights = sparsemax(logits, dim=1)
    assert weights[0, 2] == 0 and torch.isclose(weights.sum(), torch.tensor(1.0))
    weights[0, 0].backward()
    # sparsemax's Jacobian on its support S is I - 1/|S|: here S = {0, 1, 3}
    assert torch.allclose(logits.grad, torch.tensor([[2 / 3, -1 / 3, 0.0, -1 / 3]]))


def test_sparsemax_attngen_trains_with_feature_masking():
    model = AttnGen(40, 2, **{**SMALL, "concentration": "sparsemax"})
    x = one_hot_batch()
    model(x, mask_ratio=0.25).sum().backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)
    weights = model.attention_weights(x)
    assert torch.allclose(weights.sum(1), torch.ones(len(x))) and (weights == 0).any()


def test_the_default_forward_is_the_papers_softmax_pooling():
    """Same weights, same logits as the model before the option existed: softmax attention
    pooling written out here, and concentration none spelled out or left to its default."""
    torch.manual_seed(0)
    model = AttnGen(40, 2, **SMALL).eval()
    explicit = AttnGen(40, 2, **{**SMALL, "concentration": "none", "entropy_penalty": 0.0, "temperature": 1.0})
    explicit.load_state_dict(model.state_dict())
    x = one_hot_batch()
    features = model.encoder(x)
    weights = torch.softmax(model.attention(features).squeeze(1).float(), dim=1)
    expected = model.classifier(torch.einsum("ncl,nl->nc", features, weights))
    assert torch.equal(model(x), expected)
    assert torch.equal(explicit.eval()(x), expected)
    assert torch.equal(model.attention_weights(x), weights)


def test_a_default_section_adds_nothing_to_the_model():
    assert attention_options(None) == {}
    assert attention_options({"concentration": "none", "entropy_penalty": 0.0, "temperature": 1.0}) == {}
    assert attention_options({"concentration": "entropy", "entropy_penalty": 0.1, "temperature": 1.0}) == {
        "concentration": "entropy", "entropy_penalty": 0.1}
    assert attention_options({"concentration": "sparsemax", "entropy_penalty": 0.0, "temperature": 1.0}) == {
        "concentration": "sparsemax"}


@pytest.mark.parametrize("attention, message", [
    ({"concentration": "entropy", "entropy_penalty": 0.0, "temperature": 1.0},
     "classify.attention.entropy_penalty: 0.0 leaves the attention as it is; give another value with concentration "
     "entropy"),
    ({"concentration": "none", "entropy_penalty": 0.1, "temperature": 1.0},
     "classify.attention.entropy_penalty: 0.1 is read only with concentration entropy, not none"),
    ({"concentration": "sparsemax", "entropy_penalty": 0.0, "temperature": 0.5},
     "classify.attention.temperature: 0.5 is read only with concentration temperature, not sparsemax"),
])
def test_a_strength_its_concentration_does_not_read_is_one_line_naming_the_key(attention, message):
    with pytest.raises(ConfigError) as error:
        check_attention(attention)
    assert str(error.value) == message


@pytest.mark.parametrize("key, value, message", [
    ("entropy_penalty", -0.1, "config key classify.attention.entropy_penalty: -0.1 is less than the minimum of 0"),
    ("temperature", 0, "config key classify.attention.temperature: 0 is less than or equal to the minimum of 0"),
])
def test_schema_refuses_a_negative_penalty_and_a_temperature_not_above_zero(key, value, message):
    with pytest.raises(ConfigError) as error:
        validate_config(config_with(classify__attention={key: value}), REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_schema_fills_the_papers_attention_by_default():
    config = config_with()
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert config["classify"]["attention"] == {"concentration": "none", "entropy_penalty": 0.0, "temperature": 1.0}


def test_the_training_step_records_the_concentration_in_the_checkpoint(tmp_path, one_thread):
    """steps.train gives AttnGen the `attention` section's options (the checkpoint keeps
    them, so saliency rebuilds the concentrating model); without the section the model
    config is the `attngen` section alone, as before."""
    import numpy as np

    from seqattr.classify import steps
    from seqattr.classify.models import load_checkpoint, read_checkpoint
    from seqattr.data.encoding import EncodedSet, save_encoded
    from seqattr.io import write_json

    x, y, _ = easy_task(n=80, length=40)
    onehot = x.numpy().astype(np.uint8)
    save_encoded(EncodedSet(onehot, y.numpy(), np.array([f"s{i}" for i in range(80)]), np.ones((80, 40), bool),
                            np.zeros((80, 40), bool)), tmp_path / "train.npz")
    write_json(["a", "b"], tmp_path / "classes.json")
    classify = {"epochs": 1, "batch_size": 16, "device": "cpu", "attngen": SMALL}
    sections = {"paper": {}, "sparse": {"attention": {"concentration": "sparsemax", "entropy_penalty": 0.0,
                                                       "temperature": 1.0}}}
    for name, section in sections.items():
        steps.train(tmp_path / "train.npz", tmp_path / "classes.json", tmp_path / f"{name}.pt",
                    tmp_path / f"{name}.history.tsv", tmp_path / f"{name}.timing.tsv",
                    classify={**classify, **section}, model="attngen", mask_ratio=0.2, seed=0, dataset="toy")
    assert read_checkpoint(tmp_path / "paper.pt")["model_config"] == SMALL
    assert read_checkpoint(tmp_path / "sparse.pt")["model_config"] == {**SMALL, "concentration": "sparsemax"}
    assert load_checkpoint(tmp_path / "sparse.pt").concentration == "sparsemax"


@pytest.mark.workflow
def test_a_strength_its_concentration_does_not_read_stops_the_workflow_before_any_job(tmp_path):
    import yaml

    from conftest import snakemake

    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump(config_with(classify__attention={"concentration": "none",
                                                                      "entropy_penalty": 0.1})))
    result = snakemake("-n", "--configfile", str(config), workdir=tmp_path, check=False)
    assert result.returncode != 0
    assert "classify.attention.entropy_penalty: 0.1 is read only with concentration entropy, not none" in (
        result.stderr + result.stdout)
