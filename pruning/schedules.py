"""When to prune: once, in rounds, gradually during training, as lottery tickets, or at init.

Every schedule is built from the same two steps: ``Pruner`` (score and mask) and
``train_masked`` (train only what survives). ``SCHEDULES`` names them for the CLI and UI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from .checks import check_fraction
from .data import Dataset
from .masks import Pruner, PruneResult, apply_masks
from .metrics import evaluate
from .network import Network
from .strategies import at_init_keys
from .training import glorot_init, train_masked

Progress = Callable[[float, str], None]


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(1.0, fraction), message)


def finetune(
    pruned: PruneResult,
    data: Dataset,
    epochs: int = 10,
    learning_rate: float | None = None,
    seed: int = 0,
    on_epoch=None,
) -> PruneResult:
    """Train the surviving weights of a pruned network; pruned weights stay exactly zero."""
    network = train_masked(
        pruned.network,
        pruned.masks,
        pruned.intercept_masks,
        data,
        epochs,
        learning_rate=learning_rate,
        seed=seed,
        on_epoch=on_epoch,
    )
    return pruned.with_network(network)


def one_shot(
    network: Network,
    data: Dataset,
    strategy: str,
    sparsity: float,
    epochs: int = 0,
    seed: int = 0,
    progress: Progress | None = None,
) -> PruneResult:
    """Prune once to ``sparsity``, then fine-tune for ``epochs`` (none by default)."""
    result = Pruner(network, strategy, data, seed).prune(sparsity)
    if epochs:
        result = finetune(result, data, epochs, seed=seed)
    _report(progress, 1.0, "done")
    return result


def _prune_in_steps(network, data, strategy, sparsity, levels, epochs, seed, progress, label):
    """Prune to each level in turn, building on the last mask, and fine-tune after each.

    The composition both iterative and gradual pruning are made of; returns the last
    result, reported against the original network and the requested sparsity.
    """
    current, masks, units, result = network, None, None, None
    for i, level in enumerate(levels, start=1):
        result = Pruner(current, strategy, data, seed, masks, units).prune(level)
        result = finetune(result, data, epochs, seed=seed + i)
        current, masks, units = result.network, result.masks, result.intercept_masks
        _report(progress, i / len(levels), label.format(i=i, n=len(levels), level=level))
    return dataclasses.replace(result, original=network, sparsity=sparsity)


def iterative(
    network: Network,
    data: Dataset,
    strategy: str,
    sparsity: float,
    rounds: int = 5,
    epochs: int = 2,
    seed: int = 0,
    progress: Progress | None = None,
) -> PruneResult:
    """Prune in ``rounds`` steps, each removing the same fraction of what remains, and
    fine-tune for ``epochs`` after each (Han et al. 2015's prune-retrain loop)."""
    sparsity = check_fraction(sparsity)
    rounds = max(1, int(rounds))
    levels = [1.0 - (1.0 - sparsity) ** (r / rounds) for r in range(1, rounds)] + [sparsity]
    return _prune_in_steps(
        network,
        data,
        strategy,
        sparsity,
        levels,
        epochs,
        seed,
        progress,
        "round {i} of {n}: sparsity {level:.0%}",
    )


def gradual_sparsity(step: int, steps: int, final: float, initial: float = 0.0) -> float:
    """Zhu & Gupta's (2017) cubic schedule: fast early, slow as the target nears.

    ``s_t = s_f + (s_i - s_f) * (1 - t / n)^3`` for t = 1..n, reaching ``final`` at t = n.
    """
    return final + (initial - final) * (1.0 - step / steps) ** 3


def gradual(
    network: Network,
    data: Dataset,
    strategy: str,
    sparsity: float,
    epochs: int = 10,
    seed: int = 0,
    progress: Progress | None = None,
) -> PruneResult:
    """Raise sparsity along the cubic schedule while training continues, one step per epoch."""
    sparsity = check_fraction(sparsity)
    epochs = max(1, int(epochs))
    levels = [gradual_sparsity(t, epochs, sparsity) for t in range(1, epochs + 1)]
    return _prune_in_steps(
        network,
        data,
        strategy,
        sparsity,
        levels,
        1,
        seed,
        progress,
        "epoch {i} of {n}: sparsity {level:.0%}",
    )


def prune_at_init(
    network: Network,
    data: Dataset,
    strategy: str,
    sparsity: float,
    epochs: int = 30,
    seed: int = 0,
    progress: Progress | None = None,
) -> PruneResult:
    """Score the untrained weights θ0, prune, then train the sparse network from θ0."""
    if strategy not in at_init_keys():
        raise ValueError(f"pruning at init supports {', '.join(at_init_keys())}, not {strategy!r}")
    result = Pruner(network.at_init(), strategy, data, seed).prune(sparsity)
    _report(progress, 0.1, "scored θ0; training the sparse network")
    return finetune(result, data, epochs, seed=seed)


LOTTERY_VARIANTS = ("rewind", "reinit", "trained")


def lottery_levels(sparsities: Iterable[float], prune_rate: float = 0.2) -> list[float]:
    """The sparsity after each round of iterative magnitude pruning: every round removes
    ``prune_rate`` of the survivors, and a round stops exactly at each requested target."""
    levels, level = [], 0.0
    for target in sorted({check_fraction(s) for s in sparsities}):
        while level < target:
            level = 1.0 - (1.0 - level) * (1.0 - prune_rate)
            if level > target - 1e-9:  # land exactly on the target, not one ulp short
                level = target
            levels.append(level)
    return levels


def lottery_trainings(sparsities: Iterable[float], prune_rate: float = 0.2) -> tuple[int, int]:
    """``(rounds, trainings)`` that ``lottery`` runs for these targets, to say up front how
    long it will take: one training per pruning round, plus the re-initialised and
    fine-tuned variants at each target (and a dense retraining for a 0% target)."""
    targets = sorted(set(sparsities))
    rounds = len(lottery_levels(targets, prune_rate))
    return rounds, rounds + 2 * len(targets) + (1 if targets and targets[0] == 0 else 0)


def lottery(
    network: Network,
    data: Dataset,
    sparsities: Iterable[float] = (0.5, 0.8, 0.9, 0.95, 0.98),
    prune_rate: float = 0.2,
    epochs: int = 20,
    seed: int = 0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Frankle & Carbin's (2019) experiment: iterative magnitude pruning with rewinding.

    Each round removes ``prune_rate`` of the surviving weights (global magnitude), resets
    the survivors to θ0 and retrains for ``epochs``. At each requested sparsity the same
    mask is trained three ways: ``rewind`` (θ0, the winning ticket), ``reinit`` (a fresh
    random initialisation) and ``trained`` (the trained weights, fine-tuned). Returns one
    row per (variant, sparsity).
    """
    targets = sorted({check_fraction(s) for s in sparsities})
    prune_rate = check_fraction(prune_rate, "prune_rate")
    if not 0 < prune_rate < 1:
        raise ValueError(f"prune_rate must be strictly between 0 and 1, got {prune_rate}")
    theta0 = network.at_init()
    fresh = glorot_init(network.layer_sizes, network.activation, np.random.RandomState(seed + 1))
    reinit = theta0.with_weights(*fresh)
    trained, masks, units = network, None, None
    schedule, rows = lottery_levels(targets, prune_rate), []
    for i, target in enumerate(targets):
        for level in [lv for lv in schedule if lv <= target]:
            schedule.remove(level)
            before = trained
            result = Pruner(trained, "global_magnitude", data, seed, masks, units).prune(level)
            masks, units = result.masks, result.intercept_masks
            ticket = apply_masks(theta0, masks, units).network
            trained = train_masked(ticket, masks, units, data, epochs, seed=seed)
            _report(progress, (i + level) / len(targets), f"round at {level:.1%}")
        if masks is None:  # target 0: the dense mask
            masks = tuple(np.ones(W.shape, dtype=bool) for W in network.coefs)
            units = tuple(np.ones(b.shape, dtype=bool) for b in network.intercepts)
            before = network
            trained = train_masked(theta0, masks, units, data, epochs, seed=seed)
        variants = {
            "rewind": trained,
            "reinit": apply_masks(reinit, masks, units).network,
            "trained": apply_masks(before, masks, units).network,
        }
        for variant, net in variants.items():
            if variant != "rewind":
                net = train_masked(net, masks, units, data, epochs, seed=seed)
            ev = evaluate(net, data.X_val, data.y_val)
            rows.append(
                {
                    "variant": variant,
                    "sparsity": target,
                    "seed": seed,
                    "accuracy": ev.accuracy,
                    "loss": ev.loss,
                    "weight_sparsity": 1 - sum(int(m.sum()) for m in masks) / network.n_weights,
                }
            )
        _report(progress, (i + 1) / len(targets), f"sparsity {target:.0%} done")
    return pd.DataFrame(rows)


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A named schedule for the CLI and UI."""

    key: str
    label: str
    description: str
    run: Callable


SCHEDULES: dict[str, Schedule] = {
    s.key: s
    for s in (
        Schedule("one_shot", "One-shot", "Prune once, then optionally fine-tune.", one_shot),
        Schedule(
            "iterative",
            "Iterative",
            "Prune a little, fine-tune, repeat: each round removes the same share of what is left.",
            iterative,
        ),
        Schedule(
            "gradual",
            "Gradual (cubic)",
            "Raise sparsity every epoch along Zhu & Gupta's cubic curve while training goes on.",
            gradual,
        ),
        Schedule(
            "prune_at_init",
            "Prune at init",
            "Score the untrained weights, prune, then train the sparse network from scratch.",
            prune_at_init,
        ),
    )
}
