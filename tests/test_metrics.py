"""Metrics, compaction, storage and latency, weight sharing, sweeps and sensitivity."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, recall_score

from pruning import (
    Pruner,
    compact,
    evaluate,
    finetune,
    flops,
    latency,
    magnitude_thresholds,
    named_by_part,
    prune,
    sensitivity,
    share_weights,
    storage,
    sweep,
    weight_histograms,
)
from pruning.network import forward

SWEEP_COLUMNS = [
    "strategy",
    "sparsity",
    "seed",
    "accuracy",
    "test_accuracy",
    "loss",
    "weight_sparsity",
    "nonzero",
    "compression",
    "flops_speedup",
    "collapsed",
]


def assert_same_predictions(a, b, X):
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=0, atol=1e-10)


# --- evaluate ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tiny", "binary"])
@pytest.mark.parametrize("sparsity", [0.0, 0.5])
def test_evaluate_matches_sklearn_metrics(
    tiny_net, tiny_data, binary_net, binary_data, which, sparsity
):
    network, data = (tiny_net, tiny_data) if which == "tiny" else (binary_net, binary_data)
    network = prune(network, "global_magnitude", sparsity).network
    X, y = data.X_test, data.y_test
    proba = network.predict_proba(X)
    # Not saturated: sklearn's clipping at machine epsilon cannot change the loss.
    assert proba[np.arange(len(y)), y].min() > 1e-6
    pred = network.predict(X)
    ev = evaluate(network, X, y)
    labels = network.classes
    assert ev.accuracy == accuracy_score(y, pred)
    np.testing.assert_array_equal(ev.confusion, confusion_matrix(y, pred, labels=labels))
    np.testing.assert_allclose(
        ev.per_class, recall_score(y, pred, labels=labels, average=None, zero_division=0)
    )
    assert ev.loss == pytest.approx(log_loss(y, proba, labels=labels), abs=1e-6)
    assert ev.confusion.sum() == len(y)


def test_evaluate_with_a_missing_class(tiny_net, tiny_data):
    keep = tiny_data.y_test != 2
    ev = evaluate(tiny_net, tiny_data.X_test[keep], tiny_data.y_test[keep])
    assert ev.confusion[2].sum() == 0 and ev.per_class[2] == 0.0
    assert ev.confusion.shape == (3, 3)


def test_evaluate_of_digits_net(net, digits):
    ev = evaluate(net, digits.X_test, digits.y_test)
    assert ev.accuracy == pytest.approx(np.mean(net.predict(digits.X_test) == digits.y_test))
    assert ev.per_class.shape == (10,) and ev.per_class.min() > 0.85
    assert 0 < ev.loss < 0.2


# --- flops, histograms, thresholds ---------------------------------------------------------


@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.9, 1.0])
def test_flops(net, sparsity):
    result = prune(net, "global_magnitude", sparsity)
    counted = flops(result.network)
    assert counted.dense == 2 * (64 * 100 + 100 * 10)
    assert counted.nonzero == 2 * result.nonzero
    assert flops(result.masks) == counted
    if sparsity == 1.0:
        assert counted.speedup == math.inf
    else:
        assert counted.speedup == pytest.approx(net.n_weights / result.nonzero)


@pytest.mark.parametrize("strategy", ["global_magnitude", "random", "neuron_l1"])
def test_weight_histograms_count_every_weight(net, strategy):
    result = prune(net, strategy, 0.7)
    hists = weight_histograms(net, result.masks, bins=21)
    assert [h.layer for h in hists] == ["fc1", "fc2"]
    for h, W, m in zip(hists, net.coefs, result.masks, strict=True):
        assert len(h.edges) == 22 and len(h.before) == len(h.after) == 21
        assert h.before.sum() == W.size
        assert h.after.sum() == m.sum()
        assert (h.after <= h.before).all()
        assert h.edges[0] == W.min() and h.edges[-1] == W.max()
    if strategy == "global_magnitude":
        # Magnitude pruning empties the bins around zero first.
        centre = [np.searchsorted(h.edges, 0.0) - 1 for h in hists]
        assert all(h.after[c] < h.before[c] / 2 for h, c in zip(hists, centre, strict=True))


def test_magnitude_thresholds(net):
    assert magnitude_thresholds(net, prune(net, "global_magnitude", 0.0).masks) == (None, None)
    result = prune(net, "global_magnitude", 0.8)
    cut = magnitude_thresholds(net, result.masks)
    survivors = min(np.abs(W[m]).min() for W, m in zip(net.coefs, result.masks, strict=True))
    assert max(cut) <= survivors
    layered = prune(net, "layer_magnitude", 0.8)
    cuts = magnitude_thresholds(net, layered.masks)
    for c, W, m in zip(cuts, net.coefs, layered.masks, strict=True):
        assert c == np.abs(W[~m]).max() <= np.abs(W[m]).min()
    assert cuts[0] != cuts[1]


# --- compaction ----------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["neuron_l1", "neuron_random", "neuron_activation"])
def test_compact_neuron_pruned_network(net, digits, strategy):
    result = prune(net, strategy, 0.5, data=digits)
    small = compact(result.network)
    assert [W.shape for W in small.coefs] == [(64, 50), (50, 10)]
    assert_same_predictions(small, result.network, digits.X_test)
    assert small.initial_coefs == ()
    assert small.n_parameters < result.network.n_parameters


def test_compact_two_hidden_layers(tiny_net, tiny_data):
    result = prune(tiny_net, "neuron_l2", 0.6)
    small = compact(result.network)
    assert small.hidden == (2, 1)
    assert_same_predictions(small, result.network, tiny_data.X_test)


def test_compact_folds_units_with_no_input_into_the_next_bias(net, digits):
    # Pruning 99% of fc1 leaves many units with no incoming weight: they output relu(bias).
    result = Pruner(net, "layer_magnitude").prune(0.99, layer=0)
    dead_in = ~result.network.coefs[0].any(axis=0)
    assert dead_in.sum() > 30
    small = compact(result.network)
    assert small.hidden == (100 - dead_in.sum(),)
    assert_same_predictions(small, result.network, digits.X_test)


def test_compact_cascades_and_may_leave_an_empty_layer(tiny_net, tiny_data):
    # Remove every unit of the second hidden layer: the first then feeds nothing.
    result = Pruner(tiny_net, "neuron_l1").prune(1.0, layer=1)
    small = compact(result.network)
    assert small.hidden == (0, 0)
    assert_same_predictions(small, result.network, tiny_data.X_test)


def test_compact_of_a_dense_network_changes_nothing(tiny_net, tiny_data):
    small = compact(tiny_net)
    dead = [~W.any(axis=1) for W in tiny_net.coefs[1:]]
    assert small.hidden == tuple(int((~d).sum()) for d in dead)
    assert_same_predictions(small, tiny_net, tiny_data.X_test)


# --- storage and latency -------------------------------------------------------------------


def test_storage_formulas(net):
    result = prune(net, "global_magnitude", 0.9)
    size = storage(result.network)
    biases = 4 * 110
    assert size.dense == 4 * net.n_parameters
    nnz = result.nonzero
    assert size.csr == 8 * nnz + 4 * (64 + 1) + 4 * (100 + 1) + biases
    assert size.csr < size.dense
    assert size.gzip < size.dense / 2


def test_storage_of_a_dense_network_is_honest(net):
    size = storage(net)
    assert size.csr > size.dense  # indices cost more than they save
    assert size.compacted == size.dense
    assert size.gzip > 0.7 * size.dense  # random floats barely compress


def test_storage_compacted_only_shrinks_for_neuron_pruning(net, digits):
    weights = prune(net, "global_magnitude", 0.5).network
    assert all(W.any(axis=0).all() for W in weights.coefs[:-1])  # no unit lost its inputs
    assert all(W.any(axis=1).all() for W in weights.coefs[1:])  # or its outputs
    assert storage(weights).compacted == storage(weights).dense
    neurons = prune(net, "neuron_l1", 0.5).network
    size = storage(neurons)
    assert size.compacted == 4 * (64 * 50 + 50 + 50 * 10 + 10) < size.dense


def test_latency_returns_positive_times(net, digits):
    result = prune(net, "neuron_l1", 0.5)
    timing = latency(result.network, digits.X_test, repeats=3)
    for value in (timing.dense, timing.csr, timing.compacted):
        assert isinstance(value, float) and 0 < value < 1


# --- weight sharing ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pruned90(net):
    return prune(net, "global_magnitude", 0.9)


@pytest.mark.parametrize("k", [1, 2, 16, 64])
def test_share_weights(pruned90, digits, k):
    original = pruned90.network
    shared = share_weights(original, k, digits)
    used = []
    for W, S in zip(original.coefs, shared.network.coefs, strict=True):
        np.testing.assert_array_equal(S == 0, W == 0)  # zeros stay zero, survivors survive
        values = np.unique(S[S != 0])
        assert 1 <= len(values) <= k
        used.append(len(values))
        # Every survivor went to its nearest shared value.
        nz = W != 0
        nearest = np.abs(W[nz][:, None] - values[None, :]).min(axis=1)
        np.testing.assert_allclose(np.abs(W[nz] - S[nz]), nearest, atol=1e-12)
    for b, s in zip(original.intercepts, shared.network.intercepts, strict=True):
        np.testing.assert_array_equal(b, s)
    nonzero = pruned90.nonzero
    assert shared.k == k
    assert shared.bits_per_weight == (0 if k == 1 else math.ceil(math.log2(k)))
    assert shared.dense_bits == 32 * nonzero
    assert shared.codebook_bits == 32 * sum(used)
    nnz = [int(np.count_nonzero(W)) for W in original.coefs]
    assert shared.value_bits == sum(
        n * math.ceil(math.log2(u)) if u > 1 else 0 for n, u in zip(nnz, used, strict=True)
    )
    assert shared.value_bits <= nonzero * shared.bits_per_weight
    assert shared.total_bits == shared.value_bits + shared.codebook_bits
    assert shared.compression == pytest.approx(shared.dense_bits / shared.total_bits)
    assert shared.accuracy == evaluate(shared.network, digits.X_val, digits.y_val).accuracy
    if k >= 16:
        base = evaluate(original, digits.X_val, digits.y_val).accuracy
        assert shared.accuracy > base - 0.03


def test_share_weights_is_deterministic_and_optional_data(pruned90):
    a = share_weights(pruned90.network, 8)
    b = share_weights(pruned90.network, 8)
    assert a.accuracy is None
    for x, y in zip(a.network.coefs, b.network.coefs, strict=True):
        np.testing.assert_array_equal(x, y)


def test_share_weights_of_an_empty_network(net):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shared = share_weights(prune(net, "global_magnitude", 1.0).network, 4)
    assert shared.total_bits == 0 and shared.compression == math.inf


@pytest.mark.parametrize("k", [0, 4097, 2.5, True, "4", None])
def test_share_weights_rejects_bad_k(tiny_net, k):
    with pytest.raises(ValueError):
        share_weights(tiny_net, k)


# --- sweeps --------------------------------------------------------------------------------

STRATS = ["global_magnitude", "random", "neuron_l1"]
LEVELS = [0.0, 0.5, 0.9]


@pytest.fixture(scope="module")
def sweep_table(net, digits):
    progress = []
    table = sweep(
        net,
        digits,
        STRATS,
        LEVELS,
        seeds=(0, 1),
        progress=lambda *a: progress.append(a[0]),
    )
    return table, progress


def test_sweep_table(sweep_table, net, digits):
    table, progress = sweep_table
    assert list(table.columns) == [*SWEEP_COLUMNS, "density_fc1", "density_fc2"]
    assert len(table) == len(STRATS) * len(LEVELS) * 2
    combos = set(zip(table["strategy"], table["sparsity"], table["seed"], strict=True))
    assert combos == {(s, p, seed) for s in STRATS for p in LEVELS for seed in (0, 1)}
    assert progress == [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0]
    dense = evaluate(net, digits.X_val, digits.y_val)
    at_zero = table[table["sparsity"] == 0.0]
    assert (at_zero["accuracy"] == dense.accuracy).all()
    assert (at_zero["compression"] == 1.0).all() and (at_zero["flops_speedup"] == 1.0).all()
    for row in table.itertuples():
        result = prune(net, row.strategy, row.sparsity, seed=row.seed)
        ev = evaluate(result.network, digits.X_val, digits.y_val)
        assert row.accuracy == ev.accuracy and row.loss == pytest.approx(ev.loss)
        final = evaluate(result.network, digits.X_test, digits.y_test).accuracy
        assert row.test_accuracy == final
        assert row.nonzero == result.nonzero
        assert row.weight_sparsity == pytest.approx(result.weight_sparsity)
        assert row.density_fc1 == pytest.approx(result.layer_counts[0].density)
        assert not row.collapsed
    magnitude = table[(table["strategy"] == "global_magnitude") & (table["sparsity"] == 0.9)]
    assert magnitude["accuracy"].nunique() == 1  # deterministic: seeds agree
    noisy = table[(table["strategy"] == "random") & (table["sparsity"] == 0.5)]
    assert noisy["nonzero"].nunique() == 1 and noisy["density_fc1"].nunique() == 2


def test_sweep_in_parallel_equals_serial(sweep_table, net, digits):
    table, _ = sweep_table
    parallel = sweep(net, digits, STRATS, LEVELS, seeds=(0, 1), n_jobs=2)
    pd.testing.assert_frame_equal(parallel, table)


def test_sweep_with_finetuning(net, digits):
    table = sweep(net, digits, ["global_magnitude"], [0.9], finetune_epochs=3)
    expected = finetune(prune(net, "global_magnitude", 0.9), digits, 3)
    assert (
        table["accuracy"].iloc[0] == evaluate(expected.network, digits.X_val, digits.y_val).accuracy
    )
    plain = sweep(net, digits, ["global_magnitude"], [0.9])
    assert table["accuracy"].iloc[0] > plain["accuracy"].iloc[0]


def test_sweep_with_a_schedule(tiny_net, tiny_data):
    table = sweep(tiny_net, tiny_data, ["layer_magnitude"], [0.5, 0.8], schedule="iterative")
    assert list(table["sparsity"]) == [0.5, 0.8]
    expected = [sum(round(s * W.size) for W in tiny_net.coefs) for s in (0.5, 0.8)]
    assert list(tiny_net.n_weights - table["nonzero"]) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"strategies": ["nope"]},
        {"strategies": []},
        {"sparsities": []},
        {"sparsities": [0.5, 2.0]},
        {"seeds": ()},
        {"schedule": "weekly"},
    ],
)
def test_sweep_validates(tiny_net, tiny_data, kwargs):
    args = {"strategies": ["random"], "sparsities": [0.5], **kwargs}
    with pytest.raises(ValueError):
        sweep(tiny_net, tiny_data, **args)


# --- sensitivity ---------------------------------------------------------------------------


def test_sensitivity_prunes_one_layer_at_a_time(net, digits):
    levels = [0.0, 0.5, 0.9]
    table = sensitivity(net, digits, "global_magnitude", levels)
    assert list(table.columns) == ["layer", *SWEEP_COLUMNS, "density_fc1", "density_fc2"]
    assert list(table["layer"]) == ["fc1"] * 3 + ["fc2"] * 3
    assert list(table["sparsity"]) == levels * 2
    fc1, fc2 = table[table["layer"] == "fc1"], table[table["layer"] == "fc2"]
    assert (fc1["density_fc2"] == 1.0).all() and (fc2["density_fc1"] == 1.0).all()
    np.testing.assert_allclose(fc1["density_fc1"], [1 - round(s * 6400) / 6400 for s in levels])
    np.testing.assert_allclose(fc2["density_fc2"], [1 - round(s * 1000) / 1000 for s in levels])
    # Each layer costs accuracy as its own sparsity rises.
    for block in (fc1, fc2):
        assert block["accuracy"].iloc[0] >= block["accuracy"].iloc[-1]
    assert fc2["accuracy"].iloc[-1] < fc1["accuracy"].iloc[-1]


def test_sensitivity_of_neuron_strategy(tiny_net, tiny_data):
    table = sensitivity(tiny_net, tiny_data, "neuron_l1", [0.4, 1.0])
    assert list(table["layer"]) == ["hidden1", "hidden1", "hidden2", "hidden2"]
    assert table["collapsed"].tolist() == [False, True, False, True]
    with pytest.raises(ValueError):
        sensitivity(tiny_net, tiny_data, "neuron_l1", [])


def test_sparse_forward_pass_equals_dense(net, digits):
    # latency() times this CSR forward pass; it must compute the same function.
    result = prune(net, "global_magnitude", 0.9).network
    csr = [sparse.csr_matrix(W) for W in result.coefs]
    dense = forward(result.coefs, result.intercepts, result.activation, digits.X_test)
    sparse_out = forward(csr, result.intercepts, result.activation, digits.X_test)
    assert isinstance(sparse_out, np.ndarray) and sparse_out.shape == (len(digits.X_test), 10)
    np.testing.assert_allclose(sparse_out, dense, rtol=0, atol=1e-10)


def test_every_metric_survives_full_sparsity(net, digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = sweep(net, digits, ["global_magnitude", "neuron_l1", "synflow"], [1.0])
        result = prune(net, "global_magnitude", 1.0)
        size = storage(result.network)
        small = compact(result.network)
        timing = latency(result.network, digits.X_test, repeats=2)
        hists = weight_histograms(net, result.masks)
        cuts = magnitude_thresholds(net, result.masks)
        rows = sensitivity(net, digits, "layer_magnitude", [1.0])
    assert table["collapsed"].all()
    assert (table["nonzero"] == 0).all() and (table["weight_sparsity"] == 1.0).all()
    assert np.isinf(table["compression"]).all() and np.isinf(table["flops_speedup"]).all()
    assert (table[["density_fc1", "density_fc2"]] == 0).all().all()
    assert small.hidden == (0,)
    assert_same_predictions(small, result.network, digits.X_test)
    assert size.compacted == 4 * 10 < size.gzip < size.dense
    assert size.csr == 4 * (65 + 101) + 4 * 110
    assert timing.compacted > 0
    assert all(h.after.sum() == 0 for h in hists)
    assert cuts == tuple(float(np.abs(W).max()) for W in net.coefs)
    assert rows["collapsed"].all()


def test_a_file_names_the_part_each_accuracy_came_from(net, digits):
    """Exports (the CLI, the Curves CSV) say validation or test, never a bare accuracy."""
    table = sweep(net, digits, ["global_magnitude"], [0.5])
    named = named_by_part(table)
    assert {"val_accuracy", "val_loss", "test_accuracy"} <= set(named.columns)
    assert "accuracy" not in named.columns and "loss" not in named.columns
    assert named["val_accuracy"].tolist() == table["accuracy"].tolist()
