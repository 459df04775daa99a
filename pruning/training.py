"""Training: dense networks epoch by epoch, and sparse networks under a fixed mask.

Dense training is scikit-learn's own ``MLPClassifier.fit``, with a hook that reports every
epoch, so the result is ``fit``'s while the UI sees each epoch. Masked training runs the
same optimiser in numpy with masked gradients, and multiplies the masks back in after every
step, because momentum and Adam would otherwise regrow pruned weights.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.utils import gen_batches, shuffle

from .backprop import loss_and_gradients, targets
from .checks import check_number
from .config import ModelConfig
from .data import Dataset
from .network import Epoch, Network, forward

TOL = 1e-4
N_ITER_NO_CHANGE = 10

OnEpoch = Callable[[int, float, float], None]


def glorot_init(layer_sizes: Sequence[int], activation: str, rng: np.random.RandomState):
    """Weights drawn exactly as scikit-learn's MLP draws them (Glorot uniform)."""
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in itertools.pairwise(layer_sizes):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    return coefs, intercepts


class _SGD:
    """scikit-learn's SGD step: constant learning rate with Nesterov momentum 0.9."""

    def __init__(self, params, learning_rate: float, momentum: float = 0.9):
        self.lr, self.momentum = learning_rate, momentum
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self, params, grads) -> None:
        for p, v, g in zip(params, self.velocities, grads, strict=True):
            v *= self.momentum
            v -= self.lr * g
            p += self.momentum * v - self.lr * g


class _Adam:
    """scikit-learn's Adam step (beta1 0.9, beta2 0.999, epsilon 1e-8)."""

    def __init__(self, params, learning_rate: float, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.t = learning_rate, b1, b2, eps, 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, params, grads) -> None:
        self.t += 1
        lr = self.lr * np.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t)
        for p, m, v, g in zip(params, self.ms, self.vs, grads, strict=True):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= lr * m / (np.sqrt(v) + self.eps)


def _held_out_accuracy(coefs, intercepts, activation: str, data: Dataset) -> float:
    """Accuracy on the validation part, for the per-epoch curve (never used to train)."""
    logits = forward(coefs, intercepts, activation, data.X_val)
    pred = (logits[:, 0] > 0).astype(int) if logits.shape[1] == 1 else logits.argmax(axis=1)
    return float(np.mean(pred == data.y_val))


def _fit_epochs(network, data, epochs, rng, run_epoch, weights, on_epoch) -> Network:
    """The masked trainer's epoch loop (shuffles drawn as ``MLPClassifier.fit`` draws them);
    returns the trained network with its history extended."""
    order = np.arange(len(data.y_train))
    history = list(network.history)
    for epoch in range(1, epochs + 1):
        order = shuffle(order, random_state=rng)
        loss = float(run_epoch(order))
        accuracy = _held_out_accuracy(*weights(), network.activation, data)
        history.append(Epoch(len(history) + 1, loss, accuracy))
        if on_epoch is not None:
            on_epoch(epoch, loss, accuracy)
    coefs, intercepts = weights()
    return dataclasses.replace(network, coefs=coefs, intercepts=intercepts, history=history)


def sklearn_classifier(
    config: ModelConfig, n_train: int, kind: type[MLPClassifier] = MLPClassifier
) -> MLPClassifier:
    """The unfitted ``MLPClassifier`` that ``config`` describes, for ``n_train`` examples:
    what ``train`` fits, and what a benchmark compares it with."""
    return kind(
        hidden_layer_sizes=config.hidden,
        activation=config.activation,
        solver=config.solver,
        learning_rate_init=config.learning_rate,
        alpha=config.alpha,
        batch_size=min(config.batch_size, n_train),
        max_iter=config.max_iter,
        tol=TOL,
        n_iter_no_change=N_ITER_NO_CHANGE,
        random_state=config.seed,
    )


class _ReportingMLP(MLPClassifier):
    """``MLPClassifier`` whose ``fit`` calls ``report(self)`` after every epoch.

    scikit-learn calls ``_update_no_improvement_count`` once per epoch, right after the
    epoch's weights and loss are known; hooking it lets ``fit`` itself train (its shuffles,
    steps and stopping rule, bit for bit) while the UI still sees every epoch.
    """

    report: Callable[[MLPClassifier], None]

    def _update_no_improvement_count(self, *args, **kwargs):
        super()._update_no_improvement_count(*args, **kwargs)
        self.report(self)


def train(
    data: Dataset, config: ModelConfig | None = None, *, on_epoch: OnEpoch | None = None, **fields
) -> Network:
    """Train an ``MLPClassifier`` and return it as an immutable network.

    ``config`` (a ``ModelConfig``, its defaults when omitted) says what to train; keyword
    ``fields`` override single settings, e.g. ``train(data, hidden=(32,), max_iter=50)``.
    It is ``MLPClassifier(..., random_state=seed).fit`` on the same data (same weights,
    same epochs), and ``on_epoch(epoch, loss, val_accuracy)`` is called after every epoch;
    the accuracy is measured on the validation part, which never influences training or
    stopping. Training stops when the loss has not improved by ``1e-4`` for 10 epochs, as
    in scikit-learn, or after ``max_iter`` epochs.
    """
    if config is not None and config.dataset != data.name:
        raise ValueError(f"the configuration is for {config.dataset}, the data are {data.name}")
    config = dataclasses.replace(config or ModelConfig(dataset=data.name), **fields)
    outputs = 1 if data.n_classes == 2 else data.n_classes
    sizes = (data.n_features, *config.hidden, outputs)
    # θ0 exactly as fit draws it: the first draws of its random state
    coefs, intercepts = glorot_init(sizes, config.activation, np.random.RandomState(config.seed))
    history: list[Epoch] = []

    def report(clf: MLPClassifier) -> None:
        accuracy = _held_out_accuracy(clf.coefs_, clf.intercepts_, config.activation, data)
        history.append(Epoch(clf.n_iter_, float(clf.loss_), accuracy))
        if on_epoch is not None:
            on_epoch(*history[-1])

    clf = sklearn_classifier(config, len(data.y_train), _ReportingMLP)
    clf.report = report
    with warnings.catch_warnings():  # reaching max_iter is a choice here, not a problem
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(data.X_train, data.y_train)
    return Network(
        clf.coefs_,
        clf.intercepts_,
        config.activation,
        data.labels,
        coefs,
        intercepts,
        history=tuple(history),
        config=config.as_dict(),
    )


def train_masked(
    network: Network,
    masks: Sequence[np.ndarray],
    intercept_masks: Sequence[np.ndarray],
    data: Dataset,
    epochs: int,
    learning_rate: float | None = None,
    seed: int = 0,
    on_epoch: OnEpoch | None = None,
) -> Network:
    """Train only the weights a mask keeps, for a fixed number of epochs.

    The same optimiser and loss as scikit-learn's (the tests check the steps match), in
    numpy, because ``partial_fit`` per minibatch spends most of its time validating input.
    Pruned weights (and the biases of removed units) are exactly zero after every
    minibatch. ``learning_rate`` defaults to the one the network was trained with.
    """
    epochs = check_number(epochs, "epochs", 0, 10_000, integer=True)
    cfg = network.config
    lr = check_number(
        cfg.get("learning_rate", 0.1) if learning_rate is None else learning_rate,
        "learning_rate",
        1e-6,
        10.0,
    )
    alpha = cfg.get("alpha", 1e-4)
    keep = [np.asarray(m, dtype=np.float64) for m in (*masks, *intercept_masks)]
    coefs = [W * k for W, k in zip(network.coefs, keep, strict=False)]
    intercepts = [b * k for b, k in zip(network.intercepts, keep[len(coefs) :], strict=True)]
    params = coefs + intercepts
    optimizer = (_Adam if cfg.get("solver", "sgd") == "adam" else _SGD)(params, lr)
    X, Y = data.X_train, targets(network, data.y_train)
    batch_size = min(int(cfg.get("batch_size", 200)), len(X))

    def run_epoch(order):
        total = 0.0
        for batch in gen_batches(len(order), batch_size):
            idx = order[batch]
            loss, coef_grads, intercept_grads = loss_and_gradients(
                coefs, intercepts, network.activation, X[idx], Y[idx], alpha
            )
            # Masked gradients keep momentum and Adam's moments at zero for pruned weights;
            # multiplying the mask back in makes "exactly zero" a guarantee, not a hope.
            optimizer.step(
                params, [g * k for g, k in zip(coef_grads + intercept_grads, keep, strict=True)]
            )
            for p, k in zip(params, keep, strict=True):
                p *= k
            total += loss * len(idx)
        return total / len(order)

    rng = np.random.RandomState(seed)
    return _fit_epochs(network, data, epochs, rng, run_epoch, lambda: (coefs, intercepts), on_epoch)
