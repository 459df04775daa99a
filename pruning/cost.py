"""Honest size and speed: what pruning really saves, measured, not assumed.

Zeroed weights still occupy a dense matrix and still cost a dense matmul. Bytes shrink
only with a sparse format (CSR) or a compressor (gzip), and time shrinks only with a
sparse kernel that beats dense at that sparsity, or when whole units are cut out.
``measure`` tabulates all of it for several pruned networks at once.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .analysis import median_times
from .compact import compact
from .masks import PruneResult
from .metrics import flops
from .network import Network, forward
from .schedules import Progress, _report

FLOAT_BYTES = 4  # sizes are for float32 storage, as a deployed model would use
FORMATS = ("dense", "csr", "gzip", "compacted")  # the formats ``storage`` sizes
TIMED = ("dense", "csr", "compacted")  # the formats ``latency`` times
ROUNDS = 5  # ``measure`` times in rounds that visit every network in turn
MIN_RUNS, MAX_RUNS = 15, 60  # timed forward passes per network, over all rounds
BUDGET = 0.25  # seconds of dense forward passes per network; sets the runs


@dataclass(frozen=True)
class Storage:
    """Bytes needed to store all weights and biases in four formats."""

    dense: int
    csr: int
    gzip: int
    compacted: int


def _csr(W: np.ndarray) -> sparse.csr_matrix:
    return sparse.csr_matrix(W.astype(np.float32))


def storage(network: Network) -> Storage:
    """Dense float32, scipy CSR (data + int32 indices + row pointers), gzip, and compacted."""
    biases = FLOAT_BYTES * sum(b.size for b in network.intercepts)
    csr = sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in map(_csr, network.coefs))
    raw = b"".join(a.astype(np.float32).tobytes() for a in (*network.coefs, *network.intercepts))
    return Storage(
        dense=FLOAT_BYTES * network.n_parameters,
        csr=csr + biases,
        gzip=len(gzip.compress(raw, compresslevel=9, mtime=0)),
        compacted=FLOAT_BYTES * compact(network).n_parameters,
    )


@dataclass(frozen=True)
class Latency:
    """Median seconds for one forward pass over a batch, in three formats."""

    dense: float
    csr: float
    compacted: float


def median_time(fn, repeats: int) -> float:
    """Median wall time of ``fn`` in seconds, after one warm-up call."""
    fn()  # warm up caches and lazy imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def latency(network: Network, X: np.ndarray, repeats: int = 30) -> Latency:
    """Measure inference on ``X``: dense matmuls, CSR matmuls, and the compacted network."""
    small = compact(network)
    csr = [sparse.csr_matrix(W) for W in network.coefs]
    act = network.activation
    return Latency(
        dense=median_time(lambda: forward(network.coefs, network.intercepts, act, X), repeats),
        csr=median_time(lambda: forward(csr, network.intercepts, act, X), repeats),
        compacted=median_time(lambda: forward(small.coefs, small.intercepts, act, X), repeats),
    )


def timing_repeats(network: Network, X: np.ndarray, rounds: int = ROUNDS) -> int:
    """Timed runs per round that fit ``BUDGET`` seconds of dense passes over ``X``: many
    for a small network (a steadier median), a few for a huge one (a page that answers)."""
    one = latency(network, X, 1)
    runs = min(MAX_RUNS, max(MIN_RUNS, BUDGET / max(one.dense, 1e-6)))
    return max(3, round(runs / rounds))


def measure(
    results: Sequence[PruneResult],
    X: np.ndarray,
    rounds: int = ROUNDS,
    repeats: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Size and speed of pruned networks: one row per result, in the given order.

    Columns: ``strategy, level, weight_sparsity``, ``<format>_bytes`` for each of
    ``FORMATS``, ``flops_speedup``, ``removed_units, hidden_units`` (hidden units cut out
    by compaction, of all), ``<format>_s`` (median seconds of a forward pass over ``X``)
    for each of ``TIMED``, and ``csr_speedup, compacted_speedup`` over dense.

    Timings are taken in ``rounds`` rounds of ``repeats`` runs that visit every network
    in turn, so a burst of load on a shared machine hits all networks alike instead of
    one; each time is the median over the rounds. ``progress(fraction, message)`` is
    called before each timing: the k-th call (from 0) times ``results[k % len(results)]``.
    ``repeats`` defaults to ``timing_repeats`` of the first result's unpruned network.
    """
    if repeats is None:
        repeats = timing_repeats(results[0].original, X, rounds)
    rows = []
    for result in results:
        size = storage(result.network)
        hidden = sum(result.network.hidden)
        rows.append(
            {
                "strategy": result.strategy,
                "level": result.sparsity,
                "weight_sparsity": result.weight_sparsity,
                **{f"{f}_bytes": getattr(size, f) for f in FORMATS},
                "flops_speedup": flops(result.masks).speedup,
                "removed_units": hidden - sum(compact(result.network).hidden),
                "hidden_units": hidden,
            }
        )
    timings = [[] for _ in results]
    steps = rounds * len(results)
    for r in range(rounds):
        for i, result in enumerate(results):
            message = f"timing {result.strategy} at {result.sparsity:.0%}, round {r + 1}"
            _report(progress, (r * len(results) + i) / steps, message)
            timings[i].append(latency(result.network, X, repeats))
    _report(progress, 1.0, "done")
    return pd.DataFrame(
        [{**row, **median_times(ts)} for row, ts in zip(rows, timings, strict=True)]
    )
