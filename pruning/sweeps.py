"""Accuracy-versus-sparsity sweeps and per-layer sensitivity, as tidy DataFrames.

One row per (strategy, sparsity, seed): the table the Curves page plots and the CLI
prints. Scores are computed once per (strategy, seed) and every level reads the same
ordering, so a 21-level one-shot sweep costs little more than 21 forward passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd
from joblib import Parallel, delayed

from .checks import check_fraction
from .data import Dataset
from .masks import Pruner, PruneResult
from .metrics import evaluate, flops
from .network import Network
from .schedules import SCHEDULES, finetune
from .strategies import get_strategy

Progress = Callable[[float, str], None]
PART_NAMES = {"accuracy": "val_accuracy", "loss": "val_loss"}  # in a file, say which part


def named_by_part(frame: pd.DataFrame) -> pd.DataFrame:
    """A result table as a file shows it: every accuracy and loss named by the part of the
    data it was measured on (``accuracy`` is validation; ``test_accuracy`` stays)."""
    return frame.rename(columns=PART_NAMES)


def result_row(result: PruneResult, data: Dataset) -> dict:
    """The metrics of one pruned network, as one flat table row.

    ``accuracy`` and ``loss`` are measured on the validation part, on which every choice is
    made; ``test_accuracy`` is there only to report the final result of a choice.
    """
    ev = evaluate(result.network, data.X_val, data.y_val)
    row = {
        "strategy": result.strategy,
        "sparsity": result.sparsity,
        "seed": result.meta.get("seed", 0),
        "accuracy": ev.accuracy,
        "test_accuracy": evaluate(result.network, data.X_test, data.y_test).accuracy,
        "loss": ev.loss,
        "weight_sparsity": result.weight_sparsity,
        "nonzero": result.nonzero,
        "compression": result.compression,
        "flops_speedup": flops(result.masks).speedup,
        "collapsed": result.collapsed,
    }
    for count in result.layer_counts:
        row[f"density_{count.layer}"] = count.density
    return row


def _check_levels(sparsities: Iterable[float]) -> list[float]:
    levels = [check_fraction(s) for s in sparsities]
    if not levels:
        raise ValueError("give at least one sparsity")
    return levels


def _one_strategy(network, data, strategy, levels, schedule, finetune_epochs, seed):
    if schedule == "one_shot":
        pruner = Pruner(network, strategy, data, seed)
        results = (pruner.prune(s) for s in levels)
        if finetune_epochs:
            results = (finetune(r, data, finetune_epochs, seed=seed) for r in results)
    else:
        run = SCHEDULES[schedule].run
        results = (
            run(network, data, strategy, s, epochs=finetune_epochs, seed=seed) for s in levels
        )
    return [result_row(r, data) | {"seed": seed} for r in results]


def sweep(
    network: Network,
    data: Dataset,
    strategies: Sequence[str],
    sparsities: Iterable[float],
    schedule: str = "one_shot",
    finetune_epochs: int = 0,
    seeds: Iterable[int] = (0,),
    n_jobs: int = 1,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Prune with every strategy at every sparsity for every seed and tabulate the results.

    Columns: ``strategy, sparsity, seed, accuracy, loss, weight_sparsity, nonzero,
    compression, flops_speedup, collapsed`` and ``density_<layer>`` per layer.
    ``n_jobs`` runs (strategy, seed) pairs in parallel through joblib.
    """
    for s in strategies:
        get_strategy(s)
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
    levels = _check_levels(sparsities)
    jobs = [(s, int(seed)) for s in strategies for seed in seeds]
    if not jobs:
        raise ValueError("give at least one strategy and one seed")
    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    rows = []
    tasks = (
        delayed(_one_strategy)(network, data, s, levels, schedule, finetune_epochs, seed)
        for s, seed in jobs
    )
    for i, part in enumerate(parallel(tasks), start=1):
        rows.extend(part)
        if progress is not None:
            progress(i / len(jobs), f"{i} of {len(jobs)} strategy runs done")
    return pd.DataFrame(rows)


def sensitivity(
    network: Network,
    data: Dataset,
    strategy: str,
    sparsities: Iterable[float],
    seed: int = 0,
) -> pd.DataFrame:
    """Prune one layer at a time, the others untouched (as Distiller and NNI do).

    Same columns as ``sweep`` plus ``layer``; for neuron strategies the layers are the
    hidden layers.
    """
    levels = _check_levels(sparsities)
    pruner = Pruner(network, strategy, data, seed)
    rows = []
    for i, name in enumerate(pruner.layer_names):
        for s in levels:
            rows.append({"layer": name} | result_row(pruner.prune(s, layer=i), data))
    return pd.DataFrame(rows)
