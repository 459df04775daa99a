"""Quality and counting metrics: accuracy, loss, confusion, FLOPs, pre-binned histograms.

All are cheap enough to run on every slider step (a few hundred microseconds on digits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .network import Network


@dataclass(frozen=True, eq=False)
class Evaluation:
    """How a network does on one split: accuracy, mean cross-entropy, and per-class detail."""

    accuracy: float
    loss: float
    per_class: np.ndarray
    confusion: np.ndarray


def evaluate(network: Network, X: np.ndarray, y: np.ndarray) -> Evaluation:
    """Accuracy, loss, per-class accuracy (recall) and the confusion matrix (rows: truth).

    Works from the logits directly (one forward pass and a log-sum-exp), because it runs
    on every slider step and every level of a sweep.
    """
    z = network.logits(X)
    k = len(network.classes)
    truth = np.searchsorted(network.classes, y)
    rows = np.arange(len(truth))
    if z.shape[1] == 1:  # binary: one logistic output, as in scikit-learn
        z0 = z[:, 0]
        pred = (z0 > 0).astype(np.int64)
        losses = np.logaddexp(0.0, z0) - truth * z0
    else:
        pred = z.argmax(axis=1)
        top = z[rows, pred]
        losses = top + np.log(np.exp(z - top[:, None]).sum(axis=1)) - z[rows, truth]
    confusion = np.bincount(truth * k + pred, minlength=k * k).reshape(k, k)
    support = confusion.sum(axis=1)
    per_class = np.divide(
        np.diag(confusion), support, out=np.zeros(k), where=support > 0, dtype=np.float64
    )
    return Evaluation(
        accuracy=float(np.mean(pred == truth)),
        loss=float(losses.mean()),
        per_class=per_class,
        confusion=confusion,
    )


@dataclass(frozen=True)
class Flops:
    """Theoretical multiply-add FLOPs per example (2 per weight; biases left out)."""

    dense: int
    nonzero: int

    @property
    def speedup(self) -> float:
        """dense / nonzero: the best a perfect sparse kernel could do; infinite at 100%."""
        return self.dense / self.nonzero if self.nonzero else math.inf


def flops(weights) -> Flops:
    """FLOPs of a network's weight matrices (or of their masks)."""
    weights = weights.coefs if isinstance(weights, Network) else weights
    return Flops(
        dense=sum(2 * w.size for w in weights),
        nonzero=sum(2 * int(np.count_nonzero(w)) for w in weights),
    )


@dataclass(frozen=True, eq=False)
class Histogram:
    """Pre-binned weight values of one layer, before and after pruning, on shared edges."""

    layer: str
    edges: np.ndarray
    before: np.ndarray
    after: np.ndarray


def weight_histograms(original: Network, masks, bins: int = 41) -> tuple[Histogram, ...]:
    """Histograms of every layer's weights before pruning and of the survivors after.

    Charts get a few dozen counts per layer instead of thousands of raw points.
    """
    out = []
    for name, W, m in zip(original.layer_names, original.coefs, masks, strict=True):
        edges = np.histogram_bin_edges(W, bins=bins)
        out.append(
            Histogram(
                layer=name,
                edges=edges,
                before=np.histogram(W, bins=edges)[0],
                after=np.histogram(W[m], bins=edges)[0],
            )
        )
    return tuple(out)


def magnitude_thresholds(original: Network, masks) -> tuple[float | None, ...]:
    """Per layer, the largest |w| that was pruned (None where nothing was): the cut-off line."""
    return tuple(
        float(np.abs(W[~m]).max()) if (~m).any() else None
        for W, m in zip(original.coefs, masks, strict=True)
    )
