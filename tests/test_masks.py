"""Masks: exact counts, nestedness, the extremes 0 and 1, neuron removal, thresholds, collapse
detection, validation and immutability, for every strategy."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, softmax

from pruning import (
    STRATEGIES,
    Network,
    Pruner,
    PruneResult,
    check_fraction,
    collapse_reason,
    evaluate,
    flops,
    magnitude_thresholds,
    prune,
    train,
)

WEIGHT = tuple(k for k, s in STRATEGIES.items() if s.granularity == "weight")
NEURON = tuple(k for k, s in STRATEGIES.items() if s.granularity == "neuron")
DATASETS = ("digits", "iris", "wine", "breast_cancer", "moons", "circles", "spiral")

FEW = settings(deadline=None, max_examples=40)
fractions = st.floats(0.0, 1.0, allow_nan=False)


def pruned_per_layer(masks) -> list[int]:
    return [int((~np.asarray(m)).sum()) for m in masks]


def expected_weight_pruned(strategy: str, network: Network, sparsity: float) -> list[int] | int:
    """What the docs promise: round(s*N) over the network, or round(s*N_l) in each layer."""
    if STRATEGIES[strategy].scope == "global":
        return round(sparsity * network.n_weights)
    return [round(sparsity * W.size) for W in network.coefs]


def check_weight_result(result: PruneResult, network: Network, strategy: str, sparsity: float):
    per_layer = pruned_per_layer(result.masks)
    expected = expected_weight_pruned(strategy, network, sparsity)
    assert (sum(per_layer) if isinstance(expected, int) else per_layer) == expected
    # Survivors keep their exact values, pruned weights are exactly zero, biases untouched.
    for W, m, P in zip(network.coefs, result.masks, result.network.coefs, strict=True):
        assert m.dtype == bool and m.shape == W.shape
        np.testing.assert_array_equal(P, np.where(m, W, 0.0))
    for b, u, P in zip(
        network.intercepts, result.intercept_masks, result.network.intercepts, strict=True
    ):
        assert u.all()
        np.testing.assert_array_equal(P, b)
    assert result.nonzero == network.n_weights - sum(per_layer)
    assert result.weight_sparsity == pytest.approx(sum(per_layer) / network.n_weights)
    assert result.sparsity == sparsity
    assert result.strategy == strategy
    assert [r.shape for r in result.removed_units] == [(n,) for n in network.hidden]
    assert not any(r.any() for r in result.removed_units)


def check_neuron_result(result: PruneResult, network: Network, sparsity: float):
    removed = result.removed_units
    assert [int(r.sum()) for r in removed] == [round(sparsity * n) for n in network.hidden]
    expected_coefs = [np.array(W) for W in network.coefs]
    expected_bias = [np.array(b) for b in network.intercepts]
    for h, r in enumerate(removed):
        expected_coefs[h][:, r] = 0.0  # incoming column
        expected_coefs[h + 1][r, :] = 0.0  # outgoing row
        expected_bias[h][r] = 0.0
        np.testing.assert_array_equal(result.intercept_masks[h], ~r)
        assert not result.masks[h][:, r].any() and not result.masks[h + 1][r, :].any()
    for P, E in zip(result.network.coefs, expected_coefs, strict=True):
        np.testing.assert_array_equal(P, E)
    for P, E in zip(result.network.intercepts, expected_bias, strict=True):
        np.testing.assert_array_equal(P, E)
    # Output units are never removed.
    assert result.intercept_masks[-1].all()
    np.testing.assert_array_equal(result.network.intercepts[-1], network.intercepts[-1])
    # Masks and weights agree.
    for m, P, W in zip(result.masks, result.network.coefs, network.coefs, strict=True):
        np.testing.assert_array_equal(P, np.where(m, W, 0.0))


# --- exact counts --------------------------------------------------------------------------


@FEW
@given(strategy=st.sampled_from(WEIGHT), sparsity=fractions)
def test_weight_strategies_prune_exactly_round_s_n(tiny_pruners, tiny_net, strategy, sparsity):
    result = tiny_pruners[strategy].prune(sparsity)
    check_weight_result(result, tiny_net, strategy, sparsity)


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.9, 0.97])
@pytest.mark.parametrize("strategy", WEIGHT)
def test_weight_strategies_exact_counts_on_digits(digits_pruners, net, strategy, sparsity):
    result = digits_pruners[strategy].prune(sparsity)
    check_weight_result(result, net, strategy, sparsity)


@FEW
@given(strategy=st.sampled_from(NEURON), sparsity=fractions)
def test_neuron_strategies_remove_whole_units(tiny_pruners, tiny_net, strategy, sparsity):
    check_neuron_result(tiny_pruners[strategy].prune(sparsity), tiny_net, sparsity)


@pytest.mark.parametrize("sparsity", [0.25, 0.5, 0.9])
@pytest.mark.parametrize("strategy", NEURON)
def test_neuron_strategies_on_digits(digits_pruners, net, strategy, sparsity):
    result = digits_pruners[strategy].prune(sparsity)
    check_neuron_result(result, net, sparsity)
    assert result.weight_sparsity == pytest.approx(round(sparsity * 100) / 100)


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_prune_function_equals_pruner(tiny_net, tiny_data, tiny_pruners, strategy):
    result = prune(tiny_net, strategy, 0.37, data=tiny_data, seed=0)
    expected = tiny_pruners[strategy].prune(0.37)
    for a, b in zip(result.masks, expected.masks, strict=True):
        np.testing.assert_array_equal(a, b)
    assert result.meta["seed"] == 0


def test_neuron_l1_and_l2_remove_the_units_with_smallest_incoming_norm(net):
    W = np.asarray(net.coefs[0])
    for strategy, norm in (
        ("neuron_l1", np.abs(W).sum(0)),
        ("neuron_l2", np.linalg.norm(W, axis=0)),
    ):
        removed = prune(net, strategy, 0.3).removed_units[0]
        assert removed.sum() == 30
        assert norm[removed].max() <= norm[~removed].min()


def test_neuron_activation_removes_the_quietest_units(net, digits):
    removed = prune(net, "neuron_activation", 0.4, data=digits).removed_units[0]
    quiet = np.abs(net.hidden_activations(digits.X_train)[0]).mean(axis=0)
    assert removed.sum() == 40
    assert quiet[removed].max() <= quiet[~removed].min()


# --- nestedness ----------------------------------------------------------------------------


def assert_nested(low: PruneResult, high: PruneResult):
    """Everything kept at the higher sparsity was kept at the lower one."""
    for lo, hi in zip(
        (*low.masks, *low.intercept_masks), (*high.masks, *high.intercept_masks), strict=True
    ):
        assert not (hi & ~lo).any()


@FEW
@given(strategy=st.sampled_from(list(STRATEGIES)), a=fractions, b=fractions)
def test_masks_are_nested(tiny_pruners, strategy, a, b):
    low, high = sorted((a, b))
    pruner = tiny_pruners[strategy]
    assert_nested(pruner.prune(low), pruner.prune(high))


@settings(deadline=None, max_examples=25)
@given(
    strategy=st.sampled_from(["random", "neuron_random", "snip"]),
    seed=st.integers(0, 2**31 - 1),
    a=fractions,
    b=fractions,
)
def test_seeded_strategies_are_nested_across_calls(tiny_net, tiny_data, strategy, seed, a, b):
    low, high = sorted((a, b))
    first = prune(tiny_net, strategy, low, data=tiny_data, seed=seed)
    second = prune(tiny_net, strategy, high, data=tiny_data, seed=seed)
    assert_nested(first, second)
    again = prune(tiny_net, strategy, low, data=tiny_data, seed=seed)
    for x, y in zip(first.masks, again.masks, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("strategy", WEIGHT)
def test_masks_are_nested_on_digits(digits_pruners, strategy):
    pruner = digits_pruners[strategy]
    results = [pruner.prune(s) for s in np.linspace(0, 1, 11)]
    for low, high in itertools.pairwise(results):
        assert_nested(low, high)


def test_random_seed_changes_the_mask(net):
    a = prune(net, "random", 0.5, seed=0).masks[0]
    b = prune(net, "random", 0.5, seed=1).masks[0]
    assert (a != b).mean() > 0.3


# --- the extremes --------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_sparsity_zero_returns_the_network_unchanged(tiny_net, tiny_data, strategy):
    result = prune(tiny_net, strategy, 0.0, data=tiny_data)
    assert result.network is tiny_net
    assert all(m.all() for m in (*result.masks, *result.intercept_masks))
    assert result.nonzero == result.total == tiny_net.n_weights
    assert result.weight_sparsity == 0.0 and result.compression == 1.0
    assert not result.collapsed and result.collapse is None


@pytest.mark.parametrize("which", ["tiny", "binary", "digits"])
@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_full_sparsity_leaves_only_biases(
    request, tiny_net, tiny_data, binary_net, binary_data, strategy, which
):
    if which == "digits":
        network, data = request.getfixturevalue("net"), request.getfixturevalue("digits")
    else:
        network, data = (tiny_net, tiny_data) if which == "tiny" else (binary_net, binary_data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = prune(network, strategy, 1.0, data=data)
        X = data.X_test
        proba = result.network.predict_proba(X)
        ev = evaluate(result.network, X, data.y_test)
        speed = flops(result.network).speedup
        collapse = result.collapse
    assert all(not W.any() for W in result.network.coefs)
    assert result.nonzero == 0 and result.weight_sparsity == 1.0
    assert result.compression == math.inf and speed == math.inf
    assert result.collapsed and "fc1" in collapse
    # Predictions come from the output biases alone: the same for every example.
    b = np.asarray(result.network.intercepts[-1])
    if network.out_activation == "logistic":
        p = expit(b[0])
        expected = np.array([1 - p, p])
    else:
        expected = softmax(b)
    np.testing.assert_allclose(proba, np.tile(expected, (len(X), 1)), rtol=0, atol=1e-12)
    assert np.isfinite(ev.loss) and 0 <= ev.accuracy <= 1
    if STRATEGIES[strategy].granularity == "neuron":
        assert all(r.all() for r in result.removed_units)
        np.testing.assert_array_equal(b, network.intercepts[-1])


# --- threshold mode ------------------------------------------------------------------------


def apoz(network: Network, X) -> list[np.ndarray]:
    return [(a == 0).mean(axis=0) for a in network.hidden_activations(X)]


@FEW
@given(threshold=fractions.filter(lambda f: f > 0))
def test_threshold_mode_removes_exactly_units_with_apoz_at_least_threshold(
    tiny_pruners, tiny_net, tiny_data, threshold
):
    result = tiny_pruners["neuron_activation"].prune(threshold=threshold)
    values = apoz(tiny_net, tiny_data.X_train)
    for removed, v in zip(result.removed_units, values, strict=True):
        np.testing.assert_array_equal(removed, v >= threshold)
    n_removed = sum(int((v >= threshold).sum()) for v in values)
    assert result.sparsity == pytest.approx(n_removed / sum(tiny_net.hidden))
    assert result.threshold == threshold


@pytest.mark.parametrize("threshold", [0.01, 0.3, 0.6, 0.9, 1.0])
def test_threshold_mode_on_digits(digits_pruners, net, digits, threshold):
    result = digits_pruners["neuron_activation"].prune(threshold=threshold)
    values = apoz(net, digits.X_train)[0]
    np.testing.assert_array_equal(result.removed_units[0], values >= threshold)
    check_neuron_like_masks(result, net)


def test_a_threshold_at_the_lowest_apoz_removes_every_unit(digits_pruners, net, digits):
    """Every default ReLU unit is 0 on some examples, so a low threshold removes them all
    (the Prune page then says so): the network collapses, it does not fail."""
    lowest = apoz(net, digits.X_train)[0].min()
    assert lowest > 0
    result = digits_pruners["neuron_activation"].prune(threshold=float(lowest))
    assert result.removed_units[0].all() and result.collapsed
    assert not digits_pruners["neuron_activation"].prune(threshold=0.9).removed_units[0].all()


def check_neuron_like_masks(result, network):
    for h, r in enumerate(result.removed_units):
        assert not result.network.coefs[h][:, r].any()
        assert not result.network.coefs[h + 1][r, :].any()
        assert not result.network.intercepts[h][r].any()
    assert result.intercept_masks[-1].all()


def test_threshold_mode_arguments(tiny_pruners, tiny_net, tiny_data):
    with pytest.raises(ValueError, match="threshold"):
        tiny_pruners["neuron_l1"].prune(threshold=0.5)
    with pytest.raises(ValueError, match="threshold"):
        tiny_pruners["global_magnitude"].prune(threshold=0.5)
    with pytest.raises(ValueError):
        tiny_pruners["neuron_activation"].prune(0.5, threshold=0.5)
    with pytest.raises(ValueError):
        tiny_pruners["neuron_activation"].prune()
    for bad in (-0.1, 1.5, float("nan"), "abc", True):
        with pytest.raises(ValueError):
            prune(tiny_net, "neuron_activation", data=tiny_data, threshold=bad)
    with pytest.raises(ValueError, match="threshold of 0 removes every unit"):
        tiny_pruners["neuron_activation"].prune(threshold=0.0)


@pytest.mark.parametrize("activation", ["tanh", "logistic", "identity"])
def test_threshold_mode_needs_relu(tiny_data, activation):
    """Such units are never exactly 0: any threshold would remove nothing (or, at 0, all)."""
    network = train(tiny_data, hidden=(4,), activation=activation, max_iter=5)
    assert all((v == 0).all() for v in apoz(network, tiny_data.X_train))
    with pytest.raises(ValueError, match=f"needs ReLU units: a {activation} unit is never"):
        Pruner(network, "neuron_activation", tiny_data).prune(threshold=0.5)


# --- validation ----------------------------------------------------------------------------

BAD_SPARSITIES = [-0.1, 1.5, float("nan"), float("inf"), -math.inf, "abc", True, False, [0.5]]


@pytest.mark.parametrize("bad", BAD_SPARSITIES, ids=repr)
def test_invalid_sparsity_raises(tiny_net, tiny_pruners, bad):
    with pytest.raises(ValueError):
        prune(tiny_net, "global_magnitude", bad)
    with pytest.raises(ValueError):
        tiny_pruners["neuron_l1"].prune(bad)
    with pytest.raises(ValueError):
        tiny_pruners["layer_magnitude"].masks(bad)
    with pytest.raises(ValueError):
        check_fraction(bad)


def test_sparsity_is_required(tiny_net):
    with pytest.raises(ValueError, match="sparsity"):
        prune(tiny_net, "global_magnitude")
    with pytest.raises(ValueError, match="sparsity"):
        prune(tiny_net, "global_magnitude", None)


def test_numpy_booleans_are_rejected_like_python_booleans():
    # check_fraction rejects True but accepts np.True_ as 1.0 (prunes everything).
    with pytest.raises(ValueError):
        check_fraction(np.True_)
    with pytest.raises(ValueError):
        check_fraction(np.False_)


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0.0), (1, 1.0), ("0.25", 0.25), (np.float32(0.5), 0.5)]
)
def test_valid_sparsity_spellings(value, expected):
    assert check_fraction(value) == expected


def test_unknown_strategy(tiny_net):
    for bad in ("nope", None, "Global_Magnitude", ["random"]):
        with pytest.raises(ValueError, match="unknown strategy"):
            prune(tiny_net, bad, 0.5)


def test_data_strategies_need_data(tiny_net):
    needing = {k for k, s in STRATEGIES.items() if s.needs == "data"}
    assert needing == {"snip", "obd", "obd_exact", "neuron_activation"}
    for key in needing:
        with pytest.raises(ValueError, match="data"):
            Pruner(tiny_net, key)
        with pytest.raises(ValueError, match="data"):
            prune(tiny_net, key, 0.5)
    for key in set(STRATEGIES) - needing:
        assert prune(tiny_net, key, 0.5).nonzero < tiny_net.n_weights


# --- hand-made network ---------------------------------------------------------------------


@pytest.fixture
def hand_net():
    return Network(
        coefs=[np.array([[0.5, -0.1], [0.3, -2.0]]), np.array([[0.05], [-1.0]])],
        intercepts=[np.array([0.1, 0.2]), np.array([0.3])],
        activation="relu",
        classes=[0, 1],
    )


def test_global_magnitude_by_hand(hand_net):
    # |w| sorted: 0.05 (fc2), 0.1, 0.3, 0.5, 1.0 (fc2), 2.0. Half of 6 weights: cut at 0.3.
    result = prune(hand_net, "global_magnitude", 0.5)
    np.testing.assert_array_equal(result.masks[0], [[True, False], [False, True]])
    np.testing.assert_array_equal(result.masks[1], [[False], [True]])
    np.testing.assert_array_equal(result.network.coefs[0], [[0.5, 0.0], [0.0, -2.0]])
    np.testing.assert_array_equal(result.network.coefs[1], [[0.0], [-1.0]])
    assert magnitude_thresholds(hand_net, result.masks) == (0.3, 0.05)
    # One weight: the smallest overall, in fc2. Five: only |-2.0| survives.
    assert pruned_per_layer(prune(hand_net, "global_magnitude", 1 / 6).masks) == [0, 1]
    five = prune(hand_net, "global_magnitude", 5 / 6)
    np.testing.assert_array_equal(five.network.coefs[0], [[0, 0], [0, -2.0]])
    assert five.collapsed and "fc2" in five.collapse


def test_layer_magnitude_by_hand(hand_net):
    # Half of each layer: fc1 loses 0.1 and 0.3, fc2 loses 0.05.
    result = prune(hand_net, "layer_magnitude", 0.5)
    np.testing.assert_array_equal(result.masks[0], [[True, False], [False, True]])
    np.testing.assert_array_equal(result.masks[1], [[False], [True]])
    # At 0.3: round(1.2) = 1 weight of fc1, round(0.6) = 1 of fc2.
    result = prune(hand_net, "layer_magnitude", 0.3)
    np.testing.assert_array_equal(result.masks[0], [[True, False], [True, True]])
    assert magnitude_thresholds(hand_net, result.masks) == (0.1, 0.05)


def test_ties_break_by_index():
    network = Network(
        coefs=[np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([[3.0], [3.0]])],
        intercepts=[np.zeros(2), np.zeros(1)],
        activation="tanh",
        classes=[0, 1],
    )
    result = prune(network, "global_magnitude", 0.5)
    np.testing.assert_array_equal(result.masks[0], [[False, False], [False, True]])
    assert result.masks[1].all()


def test_neuron_pruning_by_hand(hand_net):
    # Incoming L1 norms: unit 0 has 0.8, unit 1 has 2.1; half of 2 units is 1.
    result = prune(hand_net, "neuron_l1", 0.5)
    np.testing.assert_array_equal(result.removed_units[0], [True, False])
    np.testing.assert_array_equal(result.network.coefs[0], [[0, -0.1], [0, -2.0]])
    np.testing.assert_array_equal(result.network.coefs[1], [[0], [-1.0]])
    np.testing.assert_array_equal(result.network.intercepts[0], [0, 0.2])
    np.testing.assert_array_equal(result.network.intercepts[1], [0.3])


# --- layer collapse ------------------------------------------------------------------------


def test_collapse_detects_an_empty_layer():
    masks = [np.ones((3, 2), bool), np.zeros((2, 2), bool), np.ones((2, 1), bool)]
    assert collapse_reason(masks, ("fc1", "fc2", "fc3")) == "layer fc2 has no surviving weight"


def test_collapse_detects_a_broken_path_with_every_layer_nonempty():
    # Input 0 reaches hidden unit 0 only; only hidden unit 1 reaches the output.
    m1 = np.array([[True, False], [False, False]])
    m2 = np.array([[False], [True]])
    assert (
        collapse_reason([m1, m2], ("fc1", "fc2")) == "no path is left from any input to any output"
    )
    # Two hidden layers: each nonempty, but the middle layer connects the wrong units.
    a = np.array([[True, False, False], [True, False, False]])
    b = np.array([[False, False], [False, True], [False, False]])
    c = np.array([[True], [False]])
    assert collapse_reason([a, b, c], ("fc1", "fc2", "fc3")) is not None
    # One more connection opens a path: 0 -> h0 -> h'1? no; h0 -> h'0 -> out.
    b2 = b.copy()
    b2[0, 0] = True
    assert collapse_reason([a, b2, c], ("fc1", "fc2", "fc3")) is None
    assert collapse_reason([m1 | np.eye(2, dtype=bool), m2], ("fc1", "fc2")) is None


def test_prune_result_reports_collapse(hand_net):
    m1 = np.array([[True, False], [False, False]])
    m2 = np.array([[False], [True]])
    units = (np.ones(2, bool), np.ones(1, bool))
    result = PruneResult(hand_net, hand_net, "custom", 0.5, (m1, m2), units)
    assert result.collapsed and result.collapse.startswith("no path")
    fine = PruneResult(hand_net, hand_net, "custom", 0.5, (m1, ~m2), units)
    assert not fine.collapsed


# --- pruning one layer ---------------------------------------------------------------------


@pytest.mark.parametrize("strategy", WEIGHT)
@pytest.mark.parametrize("sparsity", [0.3, 0.5, 1.0])
def test_pruning_one_layer_touches_only_that_layer(tiny_pruners, tiny_net, strategy, sparsity):
    pruner = tiny_pruners[strategy]
    assert pruner.layer_names == ("fc1", "fc2", "fc3")
    for layer, W in enumerate(tiny_net.coefs):
        result = pruner.prune(sparsity, layer=layer)
        expected = [0] * len(tiny_net.coefs)
        expected[layer] = round(sparsity * W.size)
        assert pruned_per_layer(result.masks) == expected
        for i, (P, W0) in enumerate(zip(result.network.coefs, tiny_net.coefs, strict=True)):
            if i != layer:
                np.testing.assert_array_equal(P, W0)


@pytest.mark.parametrize("strategy", NEURON)
def test_pruning_one_hidden_layer_of_units(tiny_pruners, tiny_net, strategy):
    pruner = tiny_pruners[strategy]
    assert pruner.layer_names == ("hidden1", "hidden2")
    for layer, n in enumerate(tiny_net.hidden):
        result = pruner.prune(0.6, layer=layer)
        counts = [int(r.sum()) for r in result.removed_units]
        assert counts == [round(0.6 * n) if i == layer else 0 for i in range(2)]


def test_pruning_a_layer_that_does_not_exist_is_an_error(tiny_pruners):
    pruner = tiny_pruners["global_magnitude"]
    # layer=3 on a three-matrix network silently prunes nothing today.
    with pytest.raises((ValueError, IndexError)):
        pruner.prune(0.5, layer=3)
    try:
        result = pruner.prune(0.5, layer=-1)
    except (ValueError, IndexError):
        return
    assert result.nonzero < result.total, "layer=-1 was silently ignored"


# --- immutability --------------------------------------------------------------------------


def test_pruning_never_modifies_the_input(tiny_net, tiny_data, snapshot):
    before = snapshot(tiny_net)
    X_before = np.array(tiny_data.X_train)
    results = []
    for strategy in STRATEGIES:
        pruner = Pruner(tiny_net, strategy, tiny_data, seed=1)
        results += [pruner.prune(s) for s in (0.0, 0.4, 1.0)]
        results.append(pruner.prune(0.5, layer=0))
    results.append(prune(tiny_net, "neuron_activation", data=tiny_data, threshold=0.4))
    for a, b in zip(snapshot(tiny_net), before, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(tiny_data.X_train, X_before)
    assert all(not a.flags.writeable for a in (*tiny_net.coefs, *tiny_net.intercepts))
    # Results are frozen too, so one cached result can be shared safely.
    for result in results:
        for a in (*result.masks, *result.intercept_masks, *result.network.coefs):
            with pytest.raises(ValueError):
                a[(0,) * a.ndim] = 0
        assert result.original is tiny_net


def test_results_of_one_pruner_are_independent(tiny_pruners):
    pruner = tiny_pruners["neuron_l2"]
    low = pruner.prune(0.2)
    kept = [np.array(m) for m in low.masks]
    pruner.prune(1.0)
    pruner.prune(0.6, layer=1)
    for a, b in zip(low.masks, kept, strict=True):
        np.testing.assert_array_equal(a, b)


# --- every strategy on every dataset -------------------------------------------------------


@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_strategy_on_every_dataset(small_net, dataset, strategy):
    data, network = small_net(dataset)
    result = prune(network, strategy, 0.5, data=data, seed=0)
    if STRATEGIES[strategy].granularity == "weight":
        check_weight_result(result, network, strategy, 0.5)
    else:
        check_neuron_result(result, network, 0.5)
    ev = evaluate(result.network, data.X_test, data.y_test)
    assert 0.0 <= ev.accuracy <= 1.0 and np.isfinite(ev.loss)
    assert [c.layer for c in result.layer_counts] == ["fc1", "fc2", "fc3"]
    assert [c.total for c in result.layer_counts] == [W.size for W in network.coefs]
