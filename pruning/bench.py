"""Benchmarks for the engine's performance targets, printed as measured figures.

Run with ``make bench`` (or ``python -m pruning bench``). These are measurements, not
tests: the numbers depend on the machine, so the README records them with the machine.
"""

from __future__ import annotations

import os
import platform

import numpy as np
from sklearn.base import clone

from .config import ModelConfig
from .cost import median_time
from .data import load_dataset
from .masks import Pruner, layer_counts
from .metrics import evaluate, weight_histograms
from .network import forward
from .schedules import finetune
from .strategies import STRATEGIES
from .training import sklearn_classifier, train

LEVELS_21 = [i / 20 for i in range(21)]
LEVELS_11 = [i / 10 for i in range(11)]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run_benchmarks(repeats: int = 3) -> list[tuple[str, float, str, str]]:
    """Measure every target; returns rows of (name, measured, unit, target).

    Each figure is the median of ``repeats`` timed runs after a warm-up run.
    """
    data = load_dataset("digits")
    t_train = median_time(lambda: train(data), repeats)
    net = train(data)
    reference = sklearn_classifier(ModelConfig(), len(data.y_train))
    t_sklearn = median_time(lambda: clone(reference).fit(data.X_train, data.y_train), repeats)
    rows = [
        (f"train the default digits model ({len(net.history)} epochs)", t_train, "s", "<= 1 s"),
        ("  scikit-learn's own MLPClassifier.fit, same model, same machine", t_sklearn, "s", ""),
        (
            "  train() against that fit (per-epoch reports included)",
            t_train / t_sklearn,
            "x",
            "<= 1.2",
        ),
    ]

    pruner = Pruner(net, "global_magnitude", data)

    def slider_step(s: float) -> None:
        result = pruner.prune(s)
        evaluate(result.network, data.X_test, data.y_test)
        layer_counts(result.masks, net.layer_names)
        weight_histograms(net, result.masks)

    steps = [median_time(lambda s=s: slider_step(s), repeats + 2) for s in LEVELS_21]
    rows.append(
        (
            "one slider step (mask, evaluate, counts, histograms)",
            1000 * float(np.median(steps)),
            "ms",
            "<= 5 ms",
        )
    )

    weight_keys = [k for k, s in STRATEGIES.items() if not s.neurons]
    scoring = sum(median_time(lambda k=k: Pruner(net, k, data), repeats) for k in weight_keys)
    pruners = {k: Pruner(net, k, data) for k in weight_keys}

    def levels_only() -> None:
        for p in pruners.values():
            for s in LEVELS_21:
                evaluate(p.prune(s).network, data.X_test, data.y_test)

    t_levels = median_time(levels_only, repeats)
    n_passes = len(weight_keys) * len(LEVELS_21)
    t_forward = median_time(
        lambda: [
            forward(net.coefs, net.intercepts, net.activation, data.X_test) for _ in range(n_passes)
        ],
        repeats,
    )
    rows.append(
        (
            f"one-shot sweep, {len(weight_keys)} weight strategies x 21 levels, without scoring",
            t_levels,
            "s",
            f"<= 2 x {t_forward:.4f} s (dense passes)",
        )
    )
    rows.append(
        (
            "  ratio of the sweep's levels to the same number of dense passes",
            t_levels / t_forward,
            "x",
            "<= 2",
        )
    )
    rows.append(("  scoring once per strategy, all strategies", scoring, "s", "(added once)"))

    def finetuned_curve() -> None:
        for s in LEVELS_11:
            finetune(pruner.prune(s), data, 10)

    rows.append(
        (
            "11-level fine-tuned curve, 10 epochs each",
            median_time(finetuned_curve, repeats),
            "s",
            "<= 3 s",
        )
    )
    return rows


def main() -> None:
    print(f"Pruning Playground engine benchmarks on {machine()}")
    for name, value, unit, target in run_benchmarks():
        print(f"{name:<72} {value:>9.3f} {unit:<3} target {target}")
