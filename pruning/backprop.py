"""Hand-written backward passes for small MLPs: gradients and the Hessian's diagonal.

scikit-learn exposes neither per-weight gradients nor second derivatives, and SNIP,
Optimal Brain Damage and masked training need them. The loss is scikit-learn's:
mean cross-entropy over the batch plus ``alpha / (2 n) * sum(W**2)``; the saliency scores
use the data term alone (``alpha=0``). Tests check everything against finite
differences and against ``MLPClassifier``'s own training steps.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax, softmax

from .network import Network, activate


def targets(network: Network, y: np.ndarray) -> np.ndarray:
    """Labels as the output layer sees them: one column of 0/1 for binary, else one-hot."""
    y = np.asarray(y)
    if network.out_activation == "logistic":
        return (y == network.classes[1]).astype(np.float64)[:, None]
    return (y[:, None] == network.classes[None, :]).astype(np.float64)


def _derivatives(a: np.ndarray, z: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray]:
    """First and second derivative of the activation, from its input z and output a."""
    if activation == "relu":
        return (z > 0).astype(np.float64), np.zeros_like(z)
    if activation == "tanh":
        d1 = 1.0 - a * a
        return d1, -2.0 * a * d1
    if activation == "logistic":
        d1 = a * (1.0 - a)
        return d1, d1 * (1.0 - 2.0 * a)
    return np.ones_like(z), np.zeros_like(z)


def _forward(coefs, intercepts, activation: str, X: np.ndarray):
    """Layer inputs and pre-activations, kept for the backward pass."""
    inputs, pre = [np.asarray(X, dtype=np.float64)], []
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = inputs[-1] @ W + b
        pre.append(z)
        if i < len(coefs) - 1:
            inputs.append(activate(z, activation))
    return inputs, pre


def _output_terms(z: np.ndarray, Y: np.ndarray):
    """Per-example loss, dE/dz and the diagonal of d2E/dz2 at the output."""
    if Y.shape[1] == 1:
        p = expit(z)
        loss = np.logaddexp(0.0, z) - Y * z
        return loss.sum(axis=1), p - Y, p * (1.0 - p)
    p = softmax(z, axis=1)
    loss = -(Y * log_softmax(z, axis=1)).sum(axis=1)
    return loss, p - Y, p * (1.0 - p)


def loss_and_gradients(coefs, intercepts, activation: str, X, Y, alpha: float = 0.0):
    """Loss and its gradients with respect to every weight matrix and bias vector.

    ``Y`` comes from ``targets``. Works on plain lists of arrays so that training can
    update them in place.
    """
    n = len(X)
    inputs, pre = _forward(coefs, intercepts, activation, X)
    losses, g, _ = _output_terms(pre[-1], Y)
    loss = float(losses.mean()) + alpha / (2 * n) * sum(float(np.vdot(W, W)) for W in coefs)
    g = g / n
    coef_grads, intercept_grads = [None] * len(coefs), [None] * len(coefs)
    for layer in range(len(coefs) - 1, -1, -1):
        coef_grads[layer] = inputs[layer].T @ g + (alpha / n) * coefs[layer]
        intercept_grads[layer] = g.sum(axis=0)
        if layer:
            d1, _ = _derivatives(inputs[layer], pre[layer - 1], activation)
            g = (g @ coefs[layer].T) * d1
    return loss, coef_grads, intercept_grads


def weight_gradients(network: Network, X: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """dL/dW for every weight matrix, L being the mean cross-entropy over ``(X, y)``."""
    _, grads, _ = loss_and_gradients(
        network.coefs, network.intercepts, network.activation, X, targets(network, y)
    )
    return grads


def hessian_diagonal(network: Network, X: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """d2L/dw2 for every weight, by LeCun et al.'s (1989) backward pass of second derivatives.

    The approximation is the one Optimal Brain Damage names: off-diagonal terms of the
    Hessian are dropped, both between weights and between the units of a layer, so the
    second derivative with respect to a unit's input is propagated as
    ``f'(z)^2 * sum_k w_k^2 h_k + f''(z) * g``. At the output it is exact for cross-entropy.
    """
    inputs, pre = _forward(network.coefs, network.intercepts, network.activation, X)
    _, g, h = _output_terms(pre[-1], targets(network, y))
    diag = [None] * len(network.coefs)
    for layer in range(len(network.coefs) - 1, -1, -1):
        W = network.coefs[layer]
        diag[layer] = (inputs[layer] ** 2).T @ h / len(X)
        if layer:
            d1, d2 = _derivatives(inputs[layer], pre[layer - 1], network.activation)
            g_a = g @ W.T
            h = d1 * d1 * (h @ (W * W).T) + d2 * g_a
            g = g_a * d1
    return diag


EXACT_CHUNK = 64  # examples whose per-unit Hessians are held at once (memory ~ chunk * units^2)


def _output_hessians(z: np.ndarray) -> np.ndarray:
    """d2E/dz2 at the output for every example: (n, k, k), softmax's diag(p) - p p^T."""
    if z.shape[1] == 1:
        p = expit(z)
        return (p * (1.0 - p))[:, :, None]
    p = softmax(z, axis=1)
    return np.einsum("nk,kl->nkl", p, np.eye(z.shape[1])) - p[:, :, None] * p[:, None, :]


def exact_hessian_diagonal(network: Network, X: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """d2L/dw2 for every weight, exactly: what ``hessian_diagonal`` approximates.

    A weight W[i, j] reaches the loss only through unit j's input z_j, linearly, so its
    second derivative is ``x_i^2 * d2E/dz_j^2``. That last term needs the whole Hessian
    with respect to a layer's inputs, carried backwards per example as
    ``H = D W H' W^T D + diag(f''(z) * g)`` (D = diag f'(z)); LeCun's pass keeps only its
    diagonal. Costs one units x units matrix per example and layer: fine for small MLPs.
    """
    n = len(X)
    diag = [np.zeros_like(W) for W in network.coefs]
    for start in range(0, n, EXACT_CHUNK):
        Xc, Yc = X[start : start + EXACT_CHUNK], targets(network, y[start : start + EXACT_CHUNK])
        inputs, pre = _forward(network.coefs, network.intercepts, network.activation, Xc)
        _, g, _ = _output_terms(pre[-1], Yc)
        H = _output_hessians(pre[-1])
        for layer in range(len(network.coefs) - 1, -1, -1):
            W = network.coefs[layer]
            diag[layer] += (inputs[layer] ** 2).T @ np.einsum("njj->nj", H)
            if layer:
                d1, d2 = _derivatives(inputs[layer], pre[layer - 1], network.activation)
                g_a = g @ W.T
                H = np.einsum("ij,njk,lk->nil", W, H, W, optimize=True)
                H *= d1[:, :, None] * d1[:, None, :]
                H[:, np.arange(H.shape[1]), np.arange(H.shape[1])] += d2 * g_a
                g = g_a * d1
    return [d / n for d in diag]
