"""From scores to masks: one ordering per strategy, read at any sparsity.

``Pruner`` scores a network once and turns the scores into a rank per weight (or per
hidden unit). A sparsity is then a single comparison, ``rank >= k``, so a slider step costs
microseconds and masks at higher sparsity are always subsets of masks at lower sparsity.
``prune`` is the one-call functional form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from .checks import check_fraction
from .data import Dataset
from .network import Network
from .strategies import Needs, Scope, Strategy, get_strategy


class LayerCount(NamedTuple):
    """Surviving weights of one layer."""

    layer: str
    total: int
    nonzero: int
    density: float


def layer_counts(arrays, names) -> tuple[LayerCount, ...]:
    """Nonzero and total entries per layer, for masks or for weight matrices alike."""
    out = []
    for name, a in zip(names, arrays, strict=True):
        nz = int(np.count_nonzero(a))
        out.append(LayerCount(name, int(a.size), nz, nz / a.size if a.size else 0.0))
    return tuple(out)


class Collapse(str):
    """Why a masked network can no longer pass a signal: English text, plus ``kind``
    (``"empty_layer"`` or ``"no_path"``) and ``layer`` so a UI can say it in its language."""

    kind: str
    layer: str | None

    def __new__(cls, kind: str, layer: str | None = None):
        text = (
            f"layer {layer} has no surviving weight"
            if kind == "empty_layer"
            else "no path is left from any input to any output"
        )
        obj = super().__new__(cls, text)
        obj.kind, obj.layer = kind, layer
        return obj


def collapse_reason(masks, names) -> Collapse | None:
    """Why the masked network can no longer pass a signal from input to output, if it can't."""
    for name, m in zip(names, masks, strict=True):
        if not m.any():
            return Collapse("empty_layer", name)
    reach = np.ones(masks[0].shape[0], dtype=bool)
    for m in masks:
        reach = reach @ m
    if not reach.any():
        return Collapse("no_path")
    return None


@dataclass(frozen=True, eq=False)
class PruneResult:
    """A pruned network with its masks and the counts a student asks about first.

    ``sparsity`` is what was asked for: a fraction of weights, or of hidden units for
    neuron strategies. ``weight_sparsity`` is what the masks achieve in weights.
    """

    original: Network
    network: Network
    strategy: str
    sparsity: float
    masks: tuple[np.ndarray, ...]
    intercept_masks: tuple[np.ndarray, ...]
    threshold: float | None = None
    meta: dict = field(default_factory=dict)

    @cached_property
    def layer_counts(self) -> tuple[LayerCount, ...]:
        return layer_counts(self.masks, self.network.layer_names)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.layer_counts)

    @property
    def nonzero(self) -> int:
        return sum(c.nonzero for c in self.layer_counts)

    @property
    def weight_sparsity(self) -> float:
        return 1.0 - self.nonzero / self.total

    @property
    def compression(self) -> float:
        """Total weights / surviving weights (ShrinkBench's x-axis); infinite when none survive."""
        return self.total / self.nonzero if self.nonzero else math.inf

    @property
    def removed_units(self) -> tuple[np.ndarray, ...]:
        """For each hidden layer, which units were removed (none for weight strategies)."""
        return tuple(~m for m in self.intercept_masks[:-1])

    @cached_property
    def collapse(self) -> Collapse | None:
        """The reason the network collapsed, or None."""
        return collapse_reason(self.masks, self.network.layer_names)

    @property
    def collapsed(self) -> bool:
        return self.collapse is not None

    def with_network(self, network: Network) -> PruneResult:
        """The same masks on other weights, such as after fine-tuning."""
        return PruneResult(
            self.original,
            network,
            self.strategy,
            self.sparsity,
            self.masks,
            self.intercept_masks,
            self.threshold,
            self.meta,
        )


def _ranks(scores: list[np.ndarray], prior: list[np.ndarray], scope: Scope):
    """Rank of every entry within its group (0 = removed first) and each entry's group size.

    Entries already removed by ``prior`` rank first; ties keep index order, so the result
    is deterministic.
    """
    scores = [np.where(p, s, -np.inf) for s, p in zip(scores, prior, strict=True)]
    groups = (
        [list(range(len(scores)))] if scope is Scope.GLOBAL else [[i] for i in range(len(scores))]
    )
    ranks, sizes = [None] * len(scores), [0] * len(scores)
    for group in groups:
        flat = np.concatenate([scores[i].ravel() for i in group])
        rank = np.empty(flat.size, dtype=np.int64)
        rank[np.argsort(flat, kind="stable")] = np.arange(flat.size)
        offset = 0
        for i in group:
            ranks[i] = rank[offset : offset + scores[i].size].reshape(scores[i].shape)
            sizes[i] = flat.size
            offset += scores[i].size
    return ranks, sizes


class Pruner:
    """A network scored once by one strategy, ready to be pruned at any sparsity.

    Args:
        network: the network to prune (trained, or at initialization).
        strategy: a key of ``STRATEGIES``.
        data: training data, required by strategies whose ``needs`` is ``Needs.DATA``.
        seed: seeds random scores and SNIP's minibatch.
        masks, intercept_masks: an earlier pruning to build on (iterative schedules);
            what they removed is removed first.
    """

    def __init__(
        self,
        network: Network,
        strategy: str,
        data: Dataset | None = None,
        seed: int = 0,
        masks=None,
        intercept_masks=None,
    ):
        self.network = network
        self.strategy: Strategy = get_strategy(strategy)
        if self.strategy.needs is Needs.DATA and data is None:
            raise ValueError(f"strategy {strategy!r} needs training data to score the network")
        self.data = data
        self.seed = int(seed)
        self.prior = tuple(
            np.ones(W.shape, dtype=bool) if masks is None else np.array(masks[i], dtype=bool)
            for i, W in enumerate(network.coefs)
        )
        self.prior_units = tuple(
            np.ones(b.shape, dtype=bool)
            if intercept_masks is None
            else np.array(intercept_masks[i], dtype=bool)
            for i, b in enumerate(network.intercepts)
        )
        self.scores = self.strategy.score(network, data, np.random.default_rng(self.seed))
        self.ranks, self.sizes = _ranks(self.scores, self._prior_groups, self.strategy.scope)

    @property
    def _prior_groups(self) -> list[np.ndarray]:
        if not self.strategy.neurons:
            return list(self.prior)
        return list(self.prior_units[:-1])

    @property
    def layer_names(self) -> tuple[str, ...]:
        """What ``layer=`` indexes: weight matrices, or hidden layers for neuron strategies."""
        if not self.strategy.neurons:
            return self.network.layer_names
        return tuple(f"hidden{i + 1}" for i in range(len(self.network.hidden)))

    @cached_property
    def _layer_ranks(self):
        return _ranks(self.scores, self._prior_groups, Scope.LAYER)

    @cached_property
    def _threshold_values(self) -> list[np.ndarray]:
        if self.strategy.threshold is None:
            raise ValueError(f"strategy {self.strategy.key!r} has no threshold mode")
        return self.strategy.threshold(self.network, self.data)

    def _unit_masks(self, keep_units):
        masks = [p.copy() for p in self.prior]
        units = [p.copy() for p in self.prior_units]
        for h, keep in enumerate(keep_units):
            masks[h][:, ~keep] = False
            masks[h + 1][~keep, :] = False
            units[h] &= keep
        return masks, units

    def masks(self, sparsity: float, layer: int | None = None):
        """Weight masks and intercept masks at ``sparsity``; True means the entry survives.

        With ``layer``, only that layer (an index into ``layer_names``) is pruned, to
        ``sparsity`` of its own entries: the per-layer sensitivity analysis.
        """
        sparsity = check_fraction(sparsity)
        if layer is not None and not (
            isinstance(layer, int | np.integer) and 0 <= layer < len(self.layer_names)
        ):
            raise ValueError(
                f"layer must be an index from 0 to {len(self.layer_names) - 1}, got {layer!r}"
            )
        ranks, sizes = self._layer_ranks if layer is not None else (self.ranks, self.sizes)
        keep = [
            r >= (round(sparsity * n) if layer in (None, i) else 0)
            for i, (r, n) in enumerate(zip(ranks, sizes, strict=True))
        ]
        if self.strategy.neurons:
            return self._unit_masks(keep)
        return [k & p for k, p in zip(keep, self.prior, strict=True)], list(self.prior_units)

    def prune(
        self,
        sparsity: float | None = None,
        threshold: float | None = None,
        layer: int | None = None,
    ) -> PruneResult:
        """Prune at a sparsity (optionally in one ``layer`` only), or, in threshold mode,
        remove every unit whose threshold value reaches ``threshold``."""
        if (sparsity is None) == (threshold is None):
            raise ValueError("give either a sparsity or a threshold")
        if threshold is not None:
            threshold = self._check_threshold(threshold)
            keep = [v < threshold for v in self._threshold_values]
            masks, units = self._unit_masks(keep)
            removed = sum(int((~k).sum()) for k in keep)
            sparsity = removed / max(1, sum(self.network.hidden))
        else:
            sparsity = check_fraction(sparsity)
            masks, units = self.masks(sparsity, layer)
        return self._result(masks, units, sparsity, threshold)

    def _check_threshold(self, threshold: float) -> float:
        """Threshold mode compares how often a unit outputs exactly 0, which only ReLU units
        do; and at 0 every unit qualifies. Both would silently remove nothing or everything."""
        threshold = check_fraction(threshold, "threshold")
        if self.network.activation != "relu":
            raise ValueError(
                f"threshold mode needs ReLU units: a {self.network.activation} unit is never "
                "exactly 0, so every threshold above 0 would remove nothing"
            )
        if threshold == 0:
            raise ValueError("a threshold of 0 removes every unit; choose one above 0")
        return threshold

    def _result(self, masks, units, sparsity, threshold) -> PruneResult:
        return apply_masks(
            self.network, masks, units, self.strategy.key, sparsity, threshold, {"seed": self.seed}
        )


def apply_masks(
    network: Network,
    masks,
    intercept_masks=None,
    strategy: str = "custom",
    sparsity: float | None = None,
    threshold: float | None = None,
    meta: dict | None = None,
) -> PruneResult:
    """Prune ``network`` with given masks, such as masks read back from a model file.

    ``sparsity`` defaults to the weight sparsity the masks achieve.
    """
    masks = [np.array(m, dtype=bool) for m in masks]
    if [m.shape for m in masks] != [W.shape for W in network.coefs]:
        raise ValueError("the masks do not have the network's weight shapes")
    units = [
        np.ones(b.shape, dtype=bool)
        if intercept_masks is None
        else np.array(intercept_masks[i], dtype=bool)
        for i, b in enumerate(network.intercepts)
    ]
    if all(m.all() for m in masks) and all(u.all() for u in units):
        pruned = network
    else:
        pruned = network.with_weights(
            [_frozen_product(W, m) for W, m in zip(network.coefs, masks, strict=True)],
            [_frozen_product(b, u) for b, u in zip(network.intercepts, units, strict=True)],
        )
    for m in (*masks, *units):
        m.flags.writeable = False
    if sparsity is None:
        sparsity = 1.0 - sum(int(m.sum()) for m in masks) / network.n_weights
    return PruneResult(
        original=network,
        network=pruned,
        strategy=strategy,
        sparsity=sparsity,
        masks=tuple(masks),
        intercept_masks=tuple(units),
        threshold=threshold,
        meta=meta or {},
    )


def _frozen_product(a: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = a * keep
    out.flags.writeable = False
    return out


def prune(
    network: Network,
    strategy: str,
    sparsity: float | None = None,
    data: Dataset | None = None,
    seed: int = 0,
    threshold: float | None = None,
) -> PruneResult:
    """Prune ``network`` once with ``strategy`` at ``sparsity`` (a fraction in [0, 1]).

    Weight strategies zero exactly ``round(sparsity * N)`` weights, over the whole network
    or in each layer as their scope says; neuron strategies remove that fraction of each
    hidden layer's units. ``threshold`` replaces ``sparsity`` for strategies that have a
    threshold mode (``neuron_activation``: remove units whose APoZ is at least it).
    """
    return Pruner(network, strategy, data, seed).prune(sparsity, threshold)
