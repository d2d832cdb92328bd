"""Training from a generator: the learning-rate schedule, restarts, the learned fraction."""

import math

import numpy as np
import pytest
import torch

from seqattr.gama_validation.dependency_sets import DependencySet
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.schema import schema_defaults
from seqattr.generative.schedule import (BENCHMARK_KEYS, SCHEDULE_DEFAULTS, evaluate, learning_rate_at, make_test_set,
                                         train_on_generator)
from seqattr.runtime import seed_everything

TINY = {"hidden_size": 32, "epochs": 2, "warmup_epochs": 1, "samples_per_epoch": 256, "test_sequences": 256,
        "batch_size": 64, "learning_rate": 1e-2, "restarts": 0}
HISTORY_COLUMNS = ["attempt", "epoch", "learning_rate", "train_nll", "test_nll", "true_test_nll", "excess_nll",
                   "learned_fraction", "seconds"]


def tiny_pair_set(snr=1.0):
    return DependencySet("pairs", 4, snr, seed=0, distances=(1,))


def test_learning_rate_warms_up_then_falls_along_a_cosine_to_the_final_fraction():
    total, warmup, peak, final = 100, 10, 0.01, 0.05
    rates = np.array([learning_rate_at(step, total, warmup, peak, final) for step in range(total)])
    assert (np.diff(rates[:warmup]) > 0).all()
    assert rates[warmup - 1] == pytest.approx(peak)
    assert (np.diff(rates[warmup - 1:]) <= 0).all()
    assert rates[-1] == pytest.approx(final * peak)
    halfway = warmup + (total - warmup) // 2 - 1
    assert rates[halfway] == pytest.approx(peak * (final + (1 - final) / 2))


def test_training_defaults_are_the_schema_s_gama_grid_schedule():
    """Every key of `gama_grid.schedule` is a training setting with the schema's default or
    one the benchmark reads itself; the grid's tolerance is the run's; nothing else."""
    schedule, grid = schema_defaults("gama_grid.schedule"), schema_defaults("gama_grid")
    assert set(BENCHMARK_KEYS) <= set(schedule)
    assert SCHEDULE_DEFAULTS == {**{k: v for k, v in schedule.items() if k not in BENCHMARK_KEYS},
                                 "tolerance": grid["tolerance"], "device": "cpu"}
    with pytest.raises(ValueError, match="unknown training settings"):
        train_on_generator(tiny_pair_set(), {**TINY, "null_epochs": 1}, seed=0)


def test_history_state_and_the_initial_weights():
    _, _, history, state = train_on_generator(tiny_pair_set(), TINY, seed=3)
    assert list(history.columns) == HISTORY_COLUMNS
    assert history["epoch"].tolist() == [1, 2] and history["attempt"].tolist() == [1, 1]
    assert (history["excess_nll"] == history["test_nll"] - history["true_test_nll"]).all()
    assert state["criterion"] == "learned_fraction" and state["attempts"] == 1 and state["epochs"] == 2
    assert state["converged_excess"] == (state["excess_nll"] <= state["tolerance"])
    assert state["uniform_nll"] == pytest.approx(4 * math.log(20) / 5)


def test_initial_weights_are_train_lstm_s_and_learn_nothing():
    dataset = tiny_pair_set()
    initial, trained, _, _ = train_on_generator(dataset, TINY, seed=5)
    seed_everything(5)
    expected = GenerativeLSTM(32).state_dict()
    assert all(torch.equal(value, initial.state_dict()[key]) for key, value in expected.items())
    assert not torch.equal(initial.nn.weight, trained.nn.weight)
    test = make_test_set(dataset, 512, seed=5, device=torch.device("cpu"))
    assert evaluate(initial, test, dataset.uniform_nll)["learned_fraction"] < 0.05


def test_null_set_learned_fraction_is_nan_and_never_restarts():
    null = DependencySet("uniform", 4, 1.0, seed=0)
    _, _, history, state = train_on_generator(null, {**TINY, "restarts": 2, "restart_check_epoch": 1,
                                                     "restart_below": 1.01}, seed=0)
    assert history["learned_fraction"].isna().all() and math.isnan(state["learned_fraction"])
    assert state["attempts"] == 1 and len(history) == 2


def test_forced_restart_starts_again_from_a_new_initialisation():
    config = {**TINY, "restarts": 1, "restart_check_epoch": 1, "restart_below": 1.01}
    initial, _, history, state = train_on_generator(tiny_pair_set(), config, seed=2)
    assert state["attempts"] == 2
    assert history["attempt"].tolist() == [1, 2, 2]  # attempt 1 stops at its check; the last runs to the end
    seed_everything(2 + 1000)
    assert torch.equal(GenerativeLSTM(32).nn.weight, initial.nn.weight)


def test_determinism_by_seed():
    runs = [train_on_generator(tiny_pair_set(0.7), TINY, seed=seed) for seed in (4, 4, 6)]
    columns = [c for c in HISTORY_COLUMNS if c != "seconds"]
    assert runs[0][2][columns].equals(runs[1][2][columns])
    assert torch.equal(runs[0][1].nn.weight, runs[1][1].nn.weight)
    assert not runs[0][2][columns].equals(runs[2][2][columns])


def test_a_tiny_pair_is_learned():
    config = {**TINY, "epochs": 8, "samples_per_epoch": 3072, "test_sequences": 1024}
    _, _, history, state = train_on_generator(tiny_pair_set(), config, seed=0)
    assert state["learned_fraction"] > 0.5
    assert history["learned_fraction"].iloc[0] < state["learned_fraction"]
