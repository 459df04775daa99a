"""The engine's readings of its tables (``pruning.analysis``), the lottery's training
count and the Cost page's measurement table: pure functions, checked on small tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pruning import (
    Pruner,
    accuracy_at,
    compact,
    compare,
    csr_break_even,
    curve_lines,
    fewest_bits_within,
    from_level,
    layer_ranking,
    lottery_means,
    lottery_trainings,
    measure,
    median_times,
    sharing_table,
    sparsest_within,
    storage,
)
from pruning.cost import FORMATS, TIMED, Latency, timing_repeats

# --- accuracy tables ---------------------------------------------------------------------


def test_sparsest_within_picks_sparsest_qualifying_level_per_strategy():
    frame = pd.DataFrame(
        {
            "strategy": ["a"] * 4 + ["b"] * 4 + ["c"] * 2,
            "sparsity": [0.0, 0.5, 0.8, 1.0] * 2 + [0.5, 0.5],
            "seed": [0] * 8 + [0, 1],
            "accuracy": [0.95, 0.945, 0.90, 0.1, 0.95, 0.93, 0.949, 0.1, 0.96, 0.90],
            "compression": [1.0, 2.0, 5.0, math.inf] * 2 + [2.0, 2.0],
        }
    )
    best = sparsest_within(frame, dense=0.95, tolerance=1.0)
    assert list(best["strategy"]) == ["a", "b", "c"]
    assert best.loc[0, "sparsity"] == 0.5 and best.loc[0, "compression"] == 2.0
    # b dips at 50% but recovers at 80%: the sparsest qualifying level counts
    assert best.loc[1, "sparsity"] == 0.8 and best.loc[1, "accuracy"] == pytest.approx(0.949)
    # c's seeds average 0.93: below the floor, so nothing qualifies
    assert np.isnan(best.loc[2, "sparsity"])
    # a wider tolerance admits c, and a zero tolerance needs dense accuracy exactly
    assert sparsest_within(frame, 0.95, 2.0).loc[2, "sparsity"] == 0.5
    assert list(sparsest_within(frame, 0.95, 0.0)["sparsity"][:2]) == [0.0, 0.0]


def test_layer_ranking_puts_the_most_sensitive_layer_first():
    frame = pd.DataFrame(
        {
            "layer": ["fc1"] * 3 + ["fc2"] * 3,
            "sparsity": [0.0, 0.5, 0.9] * 2,
            "accuracy": [0.95, 0.95, 0.94, 0.95, 0.90, 0.50],
        }
    )
    ranking = layer_ranking(frame, dense=0.95, tolerance=1.0)
    assert list(ranking["layer"]) == ["fc2", "fc1"]
    assert list(ranking["sparsity"]) == [0.0, 0.9]


def test_lottery_trainings_follows_the_engine_rounds():
    assert lottery_trainings([0.2]) == (1, 3)
    rounds, trainings = lottery_trainings([0.5, 0.8])
    # 0.8, 0.64, 0.512, 0.5 (stop at 50%), then 0.4, 0.32, 0.256, 0.2048, 0.2 (stop at 80%)
    assert rounds == 9 and trainings == 9 + 4


def test_accuracy_at_takes_the_nearest_level_and_averages_seeds():
    frame = pd.DataFrame(
        {
            "strategy": ["a", "a", "a", "b", "b"],
            "sparsity": [0.0, 0.85, 0.85, 0.0, 0.85],
            "accuracy": [0.9, 0.8, 0.6, 0.9, 0.5],
        }
    )
    at = accuracy_at(frame, 0.9)
    assert list(at["strategy"]) == ["a", "b"]
    assert list(at["sparsity"]) == [0.85, 0.85]
    assert at["accuracy"].tolist() == pytest.approx([0.7, 0.5])


def test_curve_lines_keep_table_order_and_units():
    frame = pd.DataFrame(
        {
            "strategy": ["b", "b", "a", "a", "b", "b"],
            "sparsity": [0.5, 0.0, 0.0, 0.5, 0.5, 0.0],
            "accuracy": [0.6, 0.9, 0.9, 0.7, 0.8, 0.9],
        }
    )
    b, a = curve_lines(frame)
    assert (b.key, a.key) == ("b", "a")
    np.testing.assert_array_equal(b.x, [0.0, 0.5])  # sorted, and still fractions
    np.testing.assert_allclose(b.mean, [0.9, 0.7])
    np.testing.assert_allclose(b.std, [0.0, np.std([0.6, 0.8], ddof=1)])
    np.testing.assert_array_equal(a.std, [0.0, 0.0])  # one seed: no band, not NaN


def test_lottery_means_one_row_per_sparsity_one_column_per_variant():
    frame = pd.DataFrame(
        {
            "sparsity": [0.8, 0.8, 0.5, 0.5, 0.8],
            "variant": ["rewind", "rewind", "rewind", "reinit", "reinit"],
            "accuracy": [0.9, 0.7, 0.95, 0.6, 0.5],
        }
    )
    means = lottery_means(frame)
    assert list(means.index) == [0.5, 0.8] and set(means.columns) == {"rewind", "reinit"}
    assert means.loc[0.8, "rewind"] == pytest.approx(0.8)
    assert means.loc[0.5, "reinit"] == 0.6


# --- cost ----------------------------------------------------------------------------------


def test_median_times_and_speedups():
    runs = [Latency(2.0, 1.0, 4.0), Latency(4.0, 1.0, 1.0), Latency(3.0, 9.0, 1.0)]
    out = median_times(runs)
    assert list(out) == [f"{f}_s" for f in TIMED] + ["csr_speedup", "compacted_speedup"]
    assert out["dense_s"] == 3.0 and out["csr_s"] == 1.0 and out["compacted_s"] == 1.0
    assert out["csr_speedup"] == 3.0 and out["compacted_speedup"] == 3.0


def test_compare_has_a_margin():
    assert compare(1.2) == "faster" and compare(1 / 1.2) == "slower"
    assert compare(1.1) == compare(1 / 1.1) == "same"
    assert compare(2.0, margin=1.5) == "same"


def test_from_level_needs_every_higher_level():
    levels = [0.0, 0.5, 0.8, 0.9]
    assert from_level(levels, [False, True, False, True]) == 0.9
    assert from_level(levels, [False, True, True, True]) == 0.5
    assert from_level(levels, [True, True, True, False]) is None


def test_csr_break_even_per_strategy():
    frame = pd.DataFrame(
        {
            "strategy": ["u"] * 3 + ["n"] * 3,
            "level": [0.0, 0.5, 0.9] * 2,
            "csr_bytes": [30, 12, 5, 30, 30, 30],
            "dense_bytes": [20] * 6,
            "csr_speedup": [0.5, 1.05, 2.0, 0.5, 0.5, 0.5],
        }
    )
    table = csr_break_even(frame)
    assert list(table["strategy"]) == ["u", "n"]
    assert table.loc[0, "smaller_from"] == 0.5 and table.loc[0, "faster_from"] == 0.9
    assert table.loc[1, ["smaller_from", "faster_from"]].isna().all()


def test_measure_is_a_tidy_table_of_sizes_and_medians(net, digits):
    results = [Pruner(net, s, digits).prune(level) for s in ("global_magnitude", "neuron_l1")
               for level in (0.0, 0.9)]  # fmt: skip
    calls = []
    frame = measure(results, digits.X_test[:50], rounds=2, repeats=1,
                    progress=lambda f, m: calls.append((f, m)))  # fmt: skip
    assert len(frame) == len(results)
    assert list(frame[["strategy", "level"]].itertuples(index=False, name=None)) == [
        (r.strategy, r.sparsity) for r in results
    ]
    speedups = ["flops_speedup", "csr_speedup", "compacted_speedup"]
    expected = {f"{f}_bytes" for f in FORMATS} | {f"{f}_s" for f in TIMED} | set(speedups)
    assert expected | {"weight_sparsity", "removed_units", "hidden_units"} <= set(frame)
    assert (frame[[f"{f}_s" for f in TIMED]] > 0).all().all()
    for row, result in zip(frame.itertuples(index=False), results, strict=True):
        size = storage(result.network)
        assert [getattr(row, f"{f}_bytes") for f in FORMATS] == [getattr(size, f) for f in FORMATS]
        assert row.hidden_units == sum(net.hidden)
        assert row.removed_units == sum(net.hidden) - sum(compact(result.network).hidden)
        assert (row.removed_units == 0) == (result.sparsity == 0)
    # one call before each of rounds × networks timings, in order, then "done" at 1
    fractions = [f for f, _ in calls]
    assert fractions == [k / 8 for k in range(8)] + [1.0]
    assert all(isinstance(m, str) and m for _, m in calls)


def test_timing_repeats_stay_in_bounds(net, digits):
    assert 3 <= timing_repeats(net, digits.X_test[:50]) <= 60


# --- weight sharing ------------------------------------------------------------------------


def test_sharing_table_and_the_fewest_bits_within_a_point(net, digits):
    pruned = Pruner(net, "global_magnitude", digits).prune(0.9).network
    calls = []
    table = sharing_table(pruned, (2, 16), digits, lambda f, m: calls.append(f))
    assert list(table.columns) == [
        "k", "bits_per_weight", "accuracy", "total_bits", "dense_bits", "compression",
    ]  # fmt: skip
    assert list(table["k"]) == [2, 16] and list(table["bits_per_weight"]) == [1, 4]
    assert calls == [0.0, 0.5, 1.0]
    top = float(table["accuracy"].max())
    row, close = fewest_bits_within(table, top)
    assert close and row["accuracy"] >= top - 0.01
    row, close = fewest_bits_within(table, 2.0)  # nothing comes close: the most bits
    assert not close and row["k"] == 16
