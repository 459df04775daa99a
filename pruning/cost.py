"""Honest size and speed: what pruning really saves, measured, not assumed.

Zeroed weights still occupy a dense matrix and still cost a dense matmul. Bytes shrink
only with a sparse format (CSR) or a compressor (gzip), and time shrinks only with a
sparse kernel that beats dense at that sparsity, or when whole units are cut out.
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .compact import compact
from .network import Network, forward

FLOAT_BYTES = 4  # sizes are for float32 storage, as a deployed model would use


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
