"""Schedules: fine-tuning under a mask, iterative and gradual pruning, pruning at init and
the lottery-ticket experiment."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pruning.schedules as schedules
import pruning.training as training
from pruning import (
    SCHEDULES,
    Pruner,
    evaluate,
    finetune,
    gradual,
    gradual_sparsity,
    iterative,
    lottery,
    one_shot,
    prune,
    prune_at_init,
    train,
)


def accuracy(network, data) -> float:
    return evaluate(network, data.X_val, data.y_val).accuracy


def assert_zero_where_pruned(result):
    for W, m in zip(result.network.coefs, result.masks, strict=True):
        assert not W[~m].any()
    for b, u in zip(result.network.intercepts, result.intercept_masks, strict=True):
        assert not b[~u].any()


@pytest.fixture
def watch_steps(monkeypatch):
    """Check, before every minibatch step of masked training, that pruned entries are zero.

    Returns the list of checked steps; the masks to enforce are set through ``watch.masks``.
    """

    class Watch:
        masks: tuple = ()
        units: tuple = ()
        steps = 0

    watch = Watch()
    original = training.loss_and_gradients

    def checked(coefs, intercepts, *args, **kwargs):
        for W, m in zip(coefs, watch.masks, strict=True):
            assert not W[~m].any(), "a pruned weight became nonzero during training"
        for b, u in zip(intercepts, watch.units, strict=True):
            assert not b[~u].any(), "a removed unit's bias became nonzero during training"
        watch.steps += 1
        return original(coefs, intercepts, *args, **kwargs)

    monkeypatch.setattr(training, "loss_and_gradients", checked)
    return watch


# --- fine-tuning ---------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["global_magnitude", "random", "neuron_l2"])
def test_finetune_keeps_pruned_weights_zero_at_every_step(net, digits, watch_steps, strategy):
    result = prune(net, strategy, 0.9, data=digits)
    watch_steps.masks, watch_steps.units = result.masks, result.intercept_masks
    tuned = finetune(result, digits, epochs=3)
    assert watch_steps.steps == 3 * math.ceil(len(digits.y_train) / 200)  # batches of 200
    assert_zero_where_pruned(tuned)
    assert tuned.masks is result.masks and tuned.original is net
    # The survivors did train.
    moved = [
        np.abs(a - b)[m].max()
        for a, b, m in zip(tuned.network.coefs, result.network.coefs, result.masks, strict=True)
    ]
    assert min(moved) > 1e-4


def test_finetune_with_adam_keeps_pruned_weights_zero(digits, watch_steps):
    network = train(digits, hidden=(32,), solver="adam", learning_rate=0.01, max_iter=15)
    result = prune(network, "global_magnitude", 0.8)
    watch_steps.masks, watch_steps.units = result.masks, result.intercept_masks
    tuned = finetune(result, digits, epochs=5)
    assert watch_steps.steps == 5 * math.ceil(len(digits.y_train) / 200)
    assert_zero_where_pruned(tuned)
    assert accuracy(tuned.network, digits) >= accuracy(result.network, digits)


def test_finetune_improves_accuracy_at_90_percent(net, digits):
    result = prune(net, "global_magnitude", 0.9)
    tuned = finetune(result, digits, epochs=10)
    before, after = accuracy(result.network, digits), accuracy(tuned.network, digits)
    assert after > before + 0.05
    assert after >= 0.93
    assert tuned.nonzero == result.nonzero == round(0.1 * net.n_weights)
    assert len(tuned.network.history) == len(net.history) + 10


def test_finetune_on_epoch(net, digits):
    calls = []
    result = prune(net, "layer_magnitude", 0.5)
    finetune(result, digits, epochs=4, on_epoch=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == [1, 2, 3, 4]
    assert all(0 <= c[2] <= 1 and c[1] > 0 for c in calls)


def test_one_shot_is_prune_then_finetune(net, digits):
    plain = one_shot(net, digits, "global_magnitude", 0.8)
    expected = prune(net, "global_magnitude", 0.8)
    for a, b in zip(plain.network.coefs, expected.network.coefs, strict=True):
        np.testing.assert_array_equal(a, b)
    progress = []
    tuned = one_shot(
        net, digits, "global_magnitude", 0.8, epochs=2, progress=lambda *a: progress.append(a)
    )
    reference = finetune(expected, digits, 2)
    for a, b in zip(tuned.network.coefs, reference.network.coefs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert progress[-1][0] == 1.0


def test_schedule_registry():
    assert list(SCHEDULES) == ["one_shot", "iterative", "gradual", "prune_at_init"]
    assert SCHEDULES["iterative"].run is iterative
    assert SCHEDULES["gradual"].run is gradual


# --- iterative and gradual -----------------------------------------------------------------


@pytest.fixture
def rounds(monkeypatch):
    """Every intermediate result the schedule fine-tunes, in order."""
    seen = []
    original = schedules.finetune

    def recording(result, *args, **kwargs):
        seen.append(result)
        return original(result, *args, **kwargs)

    monkeypatch.setattr(schedules, "finetune", recording)
    return seen


def assert_nested(results):
    for low, high in itertools.pairwise(results):
        for lo, hi in zip(
            (*low.masks, *low.intercept_masks), (*high.masks, *high.intercept_masks), strict=True
        ):
            assert not (hi & ~lo).any()


@pytest.mark.parametrize("sparsity", [0.5, 0.9, 0.97])
@pytest.mark.parametrize("strategy", ["global_magnitude", "layer_magnitude", "random", "snip"])
def test_iterative_reaches_the_sparsity_with_nested_rounds(net, digits, rounds, strategy, sparsity):
    progress = []
    result = iterative(
        net, digits, strategy, sparsity, rounds=4, epochs=1, progress=lambda *a: progress.append(a)
    )
    assert len(rounds) == 4
    assert_nested(rounds)
    N = net.n_weights
    for r, step_result in enumerate(rounds, start=1):
        step = 1 - (1 - sparsity) ** (r / 4)
        pruned = N - step_result.nonzero
        if strategy == "layer_magnitude":
            assert pruned == sum(round(step * W.size) for W in net.coefs)
        else:
            assert pruned == round(step * N)
    assert result.sparsity == sparsity and result.original is net
    assert result.nonzero == rounds[-1].nonzero
    assert_zero_where_pruned(result)
    assert [p[0] for p in progress] == [0.25, 0.5, 0.75, 1.0]


def test_iterative_with_neurons(tiny_net, tiny_data, rounds):
    result = iterative(tiny_net, tiny_data, "neuron_l1", 0.6, rounds=3, epochs=1)
    assert_nested(rounds)
    assert [int(r.sum()) for r in result.removed_units] == [round(0.6 * n) for n in tiny_net.hidden]
    assert_zero_where_pruned(result)


@pytest.mark.parametrize("sparsity", [0.6, 0.9])
@pytest.mark.parametrize("strategy", ["global_magnitude", "synflow", "obd"])
def test_gradual_follows_the_cubic_schedule(net, digits, rounds, strategy, sparsity):
    result = gradual(net, digits, strategy, sparsity, epochs=5)
    assert len(rounds) == 5
    assert_nested(rounds)
    for t, step_result in enumerate(rounds, start=1):
        assert net.n_weights - step_result.nonzero == round(
            gradual_sparsity(t, 5, sparsity) * net.n_weights
        )
    assert net.n_weights - result.nonzero == round(sparsity * net.n_weights)
    assert result.sparsity == sparsity and result.original is net
    assert_zero_where_pruned(result)
    # Cubic: 1 - (4/5)^3 = 49% of the way after the first of five epochs, not 20%.
    assert rounds[0].weight_sparsity == pytest.approx(0.488 * sparsity, abs=1e-3)


@settings(deadline=None, max_examples=60)
@given(
    steps=st.integers(1, 200),
    data=st.data(),
    final=st.floats(0, 1),
    initial=st.floats(0, 1),
)
def test_gradual_sparsity_formula(steps, data, final, initial):
    t = data.draw(st.integers(0, steps))
    value = gradual_sparsity(t, steps, final, initial)
    assert value == pytest.approx(final + (initial - final) * (1 - t / steps) ** 3)
    assert gradual_sparsity(steps, steps, final, initial) == final
    assert gradual_sparsity(0, steps, final, initial) == pytest.approx(initial)
    assert min(initial, final) - 1e-12 <= value <= max(initial, final) + 1e-12
    if t < steps and final > initial:
        assert gradual_sparsity(t + 1, steps, final, initial) >= value


def test_gradual_sparsity_known_values():
    assert gradual_sparsity(5, 10, 0.8) == pytest.approx(0.8 - 0.8 / 8)
    assert gradual_sparsity(1, 4, 0.9, 0.1) == pytest.approx(0.9 - 0.8 * 27 / 64)
    assert gradual_sparsity(0, 4, 0.9) == 0.0
    assert gradual_sparsity(4, 4, 0.9) == 0.9


@pytest.mark.parametrize("run", [iterative, gradual])
def test_iterative_and_gradual_check_fraction(tiny_net, tiny_data, run):
    for bad in (1.5, -0.2, "x", float("nan")):
        with pytest.raises(ValueError):
            run(tiny_net, tiny_data, "global_magnitude", bad)


# --- pruning at init -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "strategy", ["obd", "layer_magnitude", "neuron_l1", "neuron_activation", "nope"]
)
def test_prune_at_init_rejects_other_strategies(net, digits, strategy):
    with pytest.raises(ValueError, match="init"):
        prune_at_init(net, digits, strategy, 0.5)


@pytest.mark.parametrize("strategy", ["snip", "synflow", "global_magnitude", "random"])
def test_prune_at_init_scores_theta0_and_trains_from_it(net, digits, strategy):
    result = prune_at_init(net, digits, strategy, 0.8, seed=2)
    theta0 = net.at_init()
    expected = Pruner(theta0, strategy, digits, seed=2).prune(0.8)
    for a, b in zip(result.masks, expected.masks, strict=True):
        np.testing.assert_array_equal(a, b)
    assert net.n_weights - result.nonzero == round(0.8 * net.n_weights)
    assert_zero_where_pruned(result)
    # Trained from θ0, not from the trained weights.
    for W, W0, m in zip(result.network.coefs, theta0.coefs, result.masks, strict=True):
        assert not np.allclose(W[m], W0[m])
    assert accuracy(result.network, digits) > 0.8
    if strategy == "global_magnitude":
        trained_mask = prune(net, strategy, 0.8).masks[0]
        assert (trained_mask != result.masks[0]).any()


# --- lottery tickets -----------------------------------------------------------------------


def test_lottery_table(tiny_net, tiny_data):
    progress = []
    table = lottery(
        tiny_net,
        tiny_data,
        sparsities=(0.8, 0.0, 0.5),
        epochs=3,
        progress=lambda *a: progress.append(a[0]),
    )
    assert list(table.columns[:4]) == ["variant", "sparsity", "seed", "accuracy"]
    assert {"loss", "weight_sparsity"} <= set(table.columns)
    assert len(table) == 9
    assert sorted(set(table["variant"])) == ["reinit", "rewind", "trained"]
    assert list(table["sparsity"]) == [0.0] * 3 + [0.5] * 3 + [0.8] * 3
    assert (table["seed"] == 0).all()
    assert table["accuracy"].between(0, 1).all()
    N = tiny_net.n_weights
    np.testing.assert_allclose(table["weight_sparsity"], table["sparsity"], atol=1 / N + 1e-12)
    assert progress == sorted(progress) and progress[-1] == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [{"prune_rate": 0.0}, {"prune_rate": 1.0}, {"prune_rate": 2}, {"sparsities": (0.5, 1.5)}],
)
def test_lottery_validates(tiny_net, tiny_data, kwargs):
    with pytest.raises(ValueError):
        lottery(tiny_net, tiny_data, **{"epochs": 1, **kwargs})


def test_lottery_trains_each_variant_from_the_right_weights(tiny_net, tiny_data, monkeypatch):
    calls = []
    original = schedules.train_masked

    def recording(network, masks, units, *args, **kwargs):
        out = original(network, masks, units, *args, **kwargs)
        calls.append((network, masks, out))
        return out

    monkeypatch.setattr(schedules, "train_masked", recording)
    table = lottery(tiny_net, tiny_data, sparsities=(0.5,), prune_rate=0.2, epochs=2, seed=4)
    # Densities 0.8, 0.64, 0.512, then 0.5: four rounds of prune, rewind to θ0 and retrain.
    assert len(calls) == 4 + 2
    theta0 = tiny_net.at_init()
    previous = tiny_net
    for network, masks, out in calls[:4]:
        for W, W0, m in zip(network.coefs, theta0.coefs, masks, strict=True):
            np.testing.assert_array_equal(W, np.where(m, W0, 0.0))
        # Each round's mask prunes the previous round's trained weights by magnitude.
        kept = np.concatenate(
            [np.asarray(P)[m] for P, m in zip(previous.coefs, masks, strict=True)]
        )
        cut = np.concatenate(
            [np.asarray(P)[~m] for P, m in zip(previous.coefs, masks, strict=True)]
        )
        assert np.abs(cut).max() <= np.abs(kept).min()
        previous = out
    final = calls[3][1]
    assert sum(int((~m).sum()) for m in final) == round(0.5 * tiny_net.n_weights)
    reinit_start, reinit_masks, _ = calls[4]
    fresh, _ = training.glorot_init(tiny_net.layer_sizes, "relu", np.random.RandomState(5))
    for W, F, m in zip(reinit_start.coefs, fresh, reinit_masks, strict=True):
        np.testing.assert_array_equal(W, np.where(m, F, 0.0))
    trained_start, _, _ = calls[5]
    before_last_round = calls[2][2]
    for W, B, m in zip(trained_start.coefs, before_last_round.coefs, final, strict=True):
        np.testing.assert_array_equal(W, np.where(m, B, 0.0))
    rewind_row = table[table["variant"] == "rewind"].iloc[0]
    assert rewind_row["accuracy"] == accuracy(calls[3][2], tiny_data)


@pytest.fixture(scope="module")
def iris10(tiny_data):
    """70 weights and 10 hidden units: sizes where s * n lands exactly on .5 for some s."""
    return train(tiny_data, hidden=(10,), max_iter=20)


@pytest.mark.parametrize(
    ("strategy", "sparsity"),
    [("neuron_l1", 0.05), ("global_magnitude", 0.15), ("global_magnitude", 0.45)],
)
def test_iterative_ends_at_the_same_count_as_one_shot(iris10, tiny_data, strategy, sparsity):
    # The last round prunes at 1 - (1 - s) ** (rounds / rounds), which is s only up to
    # rounding: 1 - (1 - 0.15) = 0.15000000000000002, so round(10.500000000000002) = 11
    # weights go instead of round(0.15 * 70) = 10.
    one = prune(iris10, strategy, sparsity)
    result = iterative(iris10, tiny_data, strategy, sparsity, rounds=2, epochs=0)
    pruned, expected = iris10.n_weights - result.nonzero, iris10.n_weights - one.nonzero
    assert pruned == expected
    assert [int(r.sum()) for r in result.removed_units] == [int(r.sum()) for r in one.removed_units]


def test_lottery_weight_sparsity_matches_one_shot_count(iris10, tiny_data):
    # Same rounding as iterative: 1 - (1 - 0.15) prunes 11 of 70 weights, not 10.
    table = lottery(iris10, tiny_data, sparsities=(0.15,), epochs=1)
    expected = 1 - prune(iris10, "global_magnitude", 0.15).nonzero / iris10.n_weights
    assert table["weight_sparsity"].iloc[0] == pytest.approx(expected)
