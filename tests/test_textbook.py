"""The results the playground exists to show, on digits with the default model.

They are what a student should see, so they must hold with the engine's defaults:
global magnitude beats per-layer magnitude beats random, fine-tuning recovers most of the
accuracy, and winning tickets (rewound to θ0) beat the same masks re-initialised.
"""

from __future__ import annotations

import pytest

from pruning import evaluate, finetune, lottery, prune

pytestmark = pytest.mark.slow


def accuracy(network, data) -> float:
    return evaluate(network, data.X_test, data.y_test).accuracy


def test_dense_model_is_good(net, digits):
    assert accuracy(net, digits) > 0.96


def test_global_beats_layerwise_beats_random_at_90_percent(net, digits):
    scores = {
        strategy: accuracy(prune(net, strategy, 0.9).network, digits)
        for strategy in ("global_magnitude", "layer_magnitude", "random")
    }
    assert scores["global_magnitude"] > scores["layer_magnitude"] > scores["random"]
    assert scores["global_magnitude"] > 0.8
    assert scores["random"] < 0.3  # close to chance (0.1) without fine-tuning


def test_finetuning_recovers_global_magnitude_at_90_percent(net, digits):
    result = prune(net, "global_magnitude", 0.9)
    tuned = finetune(result, digits, epochs=10)
    assert accuracy(tuned.network, digits) >= 0.93
    assert tuned.nonzero == result.nonzero


def test_winning_tickets_beat_reinitialisation(net, digits):
    table = lottery(net, digits, sparsities=(0.95, 0.98), epochs=20)
    by = table.set_index(["variant", "sparsity"])["accuracy"]
    for sparsity in (0.95, 0.98):
        assert by["rewind", sparsity] > by["reinit", sparsity]
        assert by["rewind", sparsity] > 0.85
    assert table["weight_sparsity"].round(4).tolist() == [0.95] * 3 + [0.98] * 3
