"""Weight sharing: k-means on each layer's surviving weights (Han et al.'s Deep Compression).

It is a compression step shown beside pruning, not a pruning strategy: every surviving
weight is replaced by the nearest of k shared values, so it can be stored as a
log2(k)-bit index into a small codebook instead of a 32-bit float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from .data import Dataset
from .metrics import evaluate
from .network import Network
from .schedules import Progress, _report

FLOAT_BITS = 32


@dataclass(frozen=True, eq=False)
class SharingResult:
    """A weight-shared network and what it costs to store its surviving weights."""

    network: Network
    k: int
    bits_per_weight: int
    value_bits: int
    codebook_bits: int
    dense_bits: int
    accuracy: float | None

    @property
    def total_bits(self) -> int:
        return self.value_bits + self.codebook_bits

    @property
    def compression(self) -> float:
        """float32 surviving values / (indices + codebooks)."""
        return self.dense_bits / self.total_bits if self.total_bits else math.inf


def _share_layer(W: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    values = W[W != 0]
    k = min(k, np.unique(values).size)
    if k == 0:
        return W, 0
    # Linear initialisation over [min, max], which Han et al. found best, and deterministic.
    init = np.linspace(values.min(), values.max(), k).reshape(-1, 1)
    km = KMeans(n_clusters=k, init=init, n_init=1).fit(values.reshape(-1, 1))
    shared = W.copy()
    shared[W != 0] = km.cluster_centers_[km.labels_, 0]
    return shared, k


def share_weights(network: Network, k: int, data: Dataset | None = None) -> SharingResult:
    """Cluster each layer's nonzero weights into at most ``k`` values; pruned zeros stay zero.

    Bits count the surviving values only (their positions cost the same as before
    sharing): ``ceil(log2 k)`` bits each plus a 32-bit codebook entry per cluster.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= 4096:
        raise ValueError(f"k must be a whole number from 1 to 4096, got {k!r}")
    coefs, value_bits, codebook_bits = [], 0, 0
    for W in network.coefs:
        shared, used = _share_layer(W, int(k))
        coefs.append(shared)
        value_bits += int(np.count_nonzero(W)) * math.ceil(math.log2(used)) if used > 1 else 0
        codebook_bits += FLOAT_BITS * used
    shared_net = network.with_weights(coefs)
    nonzero = sum(int(np.count_nonzero(W)) for W in network.coefs)
    return SharingResult(
        network=shared_net,
        k=int(k),
        bits_per_weight=max(1, math.ceil(math.log2(k))) if k > 1 else 0,
        value_bits=value_bits,
        codebook_bits=codebook_bits,
        dense_bits=FLOAT_BITS * nonzero,
        accuracy=None if data is None else evaluate(shared_net, data.X_val, data.y_val).accuracy,
    )


def sharing_table(
    network: Network, ks: Iterable[int], data: Dataset, progress: Progress | None = None
) -> pd.DataFrame:
    """``share_weights`` for each ``k``, one row each: ``k, bits_per_weight, accuracy,
    total_bits, dense_bits, compression``. ``progress(fraction, message)`` is called
    before each ``k``: the i-th call (from 0) clusters the i-th ``k``."""
    ks = list(ks)
    rows = []
    for i, k in enumerate(ks):
        _report(progress, i / len(ks), f"sharing {k} values")
        shared = share_weights(network, k, data)
        rows.append(
            {
                "k": k,
                "bits_per_weight": shared.bits_per_weight,
                "accuracy": shared.accuracy,
                "total_bits": shared.total_bits,
                "dense_bits": shared.dense_bits,
                "compression": shared.compression,
            }
        )
    _report(progress, 1.0, "done")
    return pd.DataFrame(rows)
