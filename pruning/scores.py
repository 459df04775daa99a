"""Importance scores: how much each weight, or each hidden unit, matters.

Every function returns one array per layer, higher meaning "keep". Weight scores are
shaped like ``network.coefs``; unit scores have one entry per hidden unit of each hidden
layer. Scores say nothing about how many to remove: scope and sparsity do that
(``pruning.masks``), which is what lets one score serve a global and a layer-wise strategy.
"""

from __future__ import annotations

import numpy as np

from .backprop import exact_hessian_diagonal, hessian_diagonal, weight_gradients
from .data import Dataset
from .network import Network

SNIP_BATCH = 100
SYNFLOW_ROUNDS = 100


def _batch(data: Dataset, rng: np.random.Generator, size: int):
    size = min(int(size), len(data.y_train))
    idx = rng.choice(len(data.y_train), size=size, replace=False)
    return data.X_train[idx], data.y_train[idx]


# --- weight scores -------------------------------------------------------------------------
def random_scores(network: Network, data, rng: np.random.Generator) -> list[np.ndarray]:
    """Uniform noise: the control every other strategy must beat."""
    return [rng.random(W.shape) for W in network.coefs]


def magnitude_scores(network: Network, data, rng) -> list[np.ndarray]:
    """|w|: small weights change the output least (Han et al. 2015)."""
    return [np.abs(W) for W in network.coefs]


def snip_scores(
    network: Network, data: Dataset, rng: np.random.Generator, batch_size: int = SNIP_BATCH
) -> list[np.ndarray]:
    """Connection sensitivity |w * dL/dw| on one minibatch, normalised to sum to 1.

    Lee et al. (2019) score at initialisation; this scores whatever network it is given.
    """
    X, y = _batch(data, rng, batch_size)
    sens = [
        np.abs(W * g) for W, g in zip(network.coefs, weight_gradients(network, X, y), strict=True)
    ]
    total = sum(float(s.sum()) for s in sens)
    return [s / total for s in sens] if total > 0 else sens


def obd_scores(
    network: Network, data: Dataset, rng: np.random.Generator, batch_size: int = 1000
) -> list[np.ndarray]:
    """Optimal Brain Damage saliency 1/2 * h_kk * w_k^2 (LeCun, Denker, Solla 1989).

    h_kk is LeCun et al.'s approximation of the training loss's Hessian diagonal (see
    ``backprop.hessian_diagonal``); OBD also assumes a trained minimum (the gradient term is
    dropped) and a quadratic loss.
    """
    return _saliency(network, data, rng, batch_size, hessian_diagonal)


def obd_exact_scores(
    network: Network, data: Dataset, rng: np.random.Generator, batch_size: int = 1000
) -> list[np.ndarray]:
    """OBD's saliency with the exact diagonal of the Hessian (``exact_hessian_diagonal``),
    to show what LeCun's approximation changes."""
    return _saliency(network, data, rng, batch_size, exact_hessian_diagonal)


def _saliency(network, data, rng, batch_size, diagonal) -> list[np.ndarray]:
    X, y = _batch(data, rng, batch_size)
    return [0.5 * h * W**2 for W, h in zip(network.coefs, diagonal(network, X, y), strict=True)]


def synflow_order(network: Network, masks: list[np.ndarray], rounds: int) -> list[np.ndarray]:
    """SynFlow scores, iteratively, turned into an order of removal.

    Tanaka et al. (2020) replace weights by |w|, feed an all-ones input, and score each
    weight by w * dR/dw with R = 1^T (prod |W_l|) 1. We prune on an exponential schedule
    down to a single surviving weight in ``rounds`` rounds and return, for each weight, the
    round it survived to (later = more important): every sparsity then reads the same order,
    so masks are nested, as for the other deterministic scores.
    """
    abs_w = [np.abs(W) for W in network.coefs]
    alive = [m.copy() for m in masks]
    n_alive = sum(int(m.sum()) for m in alive)
    survived = [np.where(m, float(rounds + 1), 0.0) for m in alive]
    for r in range(1, rounds + 1):
        target = max(1, round(n_alive ** (1.0 - r / rounds)))
        current = sum(int(m.sum()) for m in alive)
        if current <= target:
            continue
        scores = _synflow_round(abs_w, alive)
        flat = np.concatenate(
            [np.where(m, s, np.inf).ravel() for s, m in zip(scores, alive, strict=True)]
        )
        drop = np.argsort(flat, kind="stable")[: current - target]
        offset = 0
        for i, m in enumerate(alive):
            local = drop[(drop >= offset) & (drop < offset + m.size)] - offset
            m.ravel()[local] = False
            survived[i].ravel()[local] = r + flat[offset + local] / (1.0 + flat[offset + local])
            offset += m.size
    return survived


def _synflow_round(abs_w: list[np.ndarray], alive: list[np.ndarray]) -> list[np.ndarray]:
    """w * dR/dw for the masked |W|, computed with one forward and one backward sweep."""
    W = [w * m for w, m in zip(abs_w, alive, strict=True)]
    forward = [np.ones(W[0].shape[0])]
    for w in W[:-1]:
        forward.append(forward[-1] @ w)
    backward = [np.ones(W[-1].shape[1])]
    for w in reversed(W[1:]):
        backward.insert(0, w @ backward[0])
    return [np.outer(f, b) * w for f, b, w in zip(forward, backward, W, strict=True)]


def synflow_scores(network: Network, data, rng, rounds: int = SYNFLOW_ROUNDS) -> list[np.ndarray]:
    """Data-free SynFlow importance: the round each weight survives to (see ``synflow_order``)."""
    return synflow_order(network, [np.ones(W.shape, dtype=bool) for W in network.coefs], rounds)


# --- unit scores ---------------------------------------------------------------------------
def unit_random_scores(network: Network, data, rng: np.random.Generator) -> list[np.ndarray]:
    """Uniform noise per hidden unit."""
    return [rng.random(n) for n in network.hidden]


def unit_l1_scores(network: Network, data, rng) -> list[np.ndarray]:
    """L1 norm of each hidden unit's incoming weights (Li et al. 2017 rank filters this way)."""
    return [np.abs(W).sum(axis=0) for W in network.coefs[:-1]]


def unit_l2_scores(network: Network, data, rng) -> list[np.ndarray]:
    """L2 norm of each hidden unit's incoming weights."""
    return [np.sqrt((W**2).sum(axis=0)) for W in network.coefs[:-1]]


def unit_activation_scores(network: Network, data: Dataset, rng) -> list[np.ndarray]:
    """Mean |activation| of each hidden unit over the training data: quiet units go first."""
    return [np.abs(a).mean(axis=0) for a in network.hidden_activations(data.X_train)]


def apoz(network: Network, data: Dataset) -> list[np.ndarray]:
    """Average Percentage of Zeros (Hu et al. 2016): how often each unit outputs exactly 0.

    Meaningful for ReLU, where a unit that is almost always 0 carries little signal.
    """
    return [(a == 0).mean(axis=0) for a in network.hidden_activations(data.X_train)]
