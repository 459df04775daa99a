"""The immutable MLP the engine works on, and its numpy forward pass.

Weights are kept in scikit-learn's order (``coefs[l]`` has shape ``(fan_in, fan_out)``), so a
network converts to and from a fitted ``MLPClassifier`` without reshaping. Every array is
read-only: a network cached by Streamlit is shared by every student, so pruning always
builds a new network instead of editing one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy.special import expit, softmax
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import LabelBinarizer

ACTIVATIONS = ("relu", "tanh", "logistic", "identity")


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    """Apply a hidden-layer activation, as scikit-learn's MLP does."""
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "logistic":
        return expit(z)
    if activation == "identity":
        return z
    raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")


def forward(coefs, intercepts, activation: str, X: np.ndarray) -> np.ndarray:
    """Output pre-activations of an MLP; ``coefs`` may be dense arrays or scipy.sparse matrices."""
    a = np.asarray(X, dtype=np.float64)
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        a = np.asarray(a @ W) + b
        if i < last:
            a = activate(a, activation)
    return a


class Epoch(NamedTuple):
    """One line of a training history."""

    epoch: int
    loss: float
    val_accuracy: float


def _frozen(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Read-only float64 copies; arrays that are already frozen are shared, not copied."""
    out = []
    for a in arrays:
        if not (isinstance(a, np.ndarray) and a.dtype == np.float64 and not a.flags.writeable):
            a = np.array(a, dtype=np.float64, copy=True)
            a.flags.writeable = False
        out.append(a)
    return tuple(out)


@dataclasses.dataclass(frozen=True, eq=False)
class Network:
    """A trained (possibly pruned) multi-layer perceptron classifier.

    ``initial_coefs`` and ``initial_intercepts`` are the weights before the first update
    (θ0), kept for lottery tickets and pruning at initialization. ``config`` records how
    the network was made (dataset, hyperparameters) for exports.
    """

    coefs: tuple[np.ndarray, ...]
    intercepts: tuple[np.ndarray, ...]
    activation: str
    classes: np.ndarray
    initial_coefs: tuple[np.ndarray, ...] = ()
    initial_intercepts: tuple[np.ndarray, ...] = ()
    history: tuple[Epoch, ...] = ()
    config: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of {ACTIVATIONS}")
        if len(self.coefs) != len(self.intercepts) or not self.coefs:
            raise ValueError("a network needs as many intercept vectors as weight matrices")
        for name in ("coefs", "intercepts", "initial_coefs", "initial_intercepts"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        classes = np.array(self.classes, copy=True)
        classes.flags.writeable = False
        object.__setattr__(self, "classes", classes)
        if not (isinstance(self.history, tuple) and all(type(e) is Epoch for e in self.history)):
            object.__setattr__(self, "history", tuple(Epoch(*e) for e in self.history))

    # --- shape -------------------------------------------------------------------------
    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units per layer, inputs first: ``(64, 100, 10)`` for the default digits net."""
        return (self.coefs[0].shape[0], *(c.shape[1] for c in self.coefs))

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.layer_sizes[1:-1]

    @property
    def layer_names(self) -> tuple[str, ...]:
        """``fc1``, ``fc2``, ...: one name per weight matrix, as in LeNet-300-100 papers."""
        return tuple(f"fc{i + 1}" for i in range(len(self.coefs)))

    @property
    def n_weights(self) -> int:
        """Prunable parameters: weights only, not biases."""
        return sum(c.size for c in self.coefs)

    @property
    def n_parameters(self) -> int:
        return self.n_weights + sum(b.size for b in self.intercepts)

    @property
    def out_activation(self) -> str:
        """Softmax for several classes; one logistic unit for two, as scikit-learn does."""
        return "logistic" if self.coefs[-1].shape[1] == 1 else "softmax"

    # --- forward pass ------------------------------------------------------------------
    def hidden_activations(self, X: np.ndarray) -> list[np.ndarray]:
        """The output of every hidden layer for inputs ``X``."""
        outs, a = [], np.asarray(X, dtype=np.float64)
        for W, b in zip(self.coefs[:-1], self.intercepts[:-1], strict=True):
            a = activate(a @ W + b, self.activation)
            outs.append(a)
        return outs

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Output-layer pre-activations."""
        return forward(self.coefs, self.intercepts, self.activation, X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, equal to ``MLPClassifier.predict_proba`` on the same weights."""
        z = self.logits(X)
        if self.out_activation == "logistic":
            p = expit(z[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(z, axis=1)

    def log_proba(self, X: np.ndarray) -> np.ndarray:
        """Log class probabilities, computed stably (no log(0) at full sparsity)."""
        z = self.logits(X)
        if self.out_activation == "logistic":
            z0 = z[:, 0]
            return np.column_stack([-np.logaddexp(0.0, z0), -np.logaddexp(0.0, -z0)])
        z = z - z.max(axis=1, keepdims=True)  # plain numpy: scipy's version costs 3x more here
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted class labels (ties go to the first class, as in scikit-learn)."""
        return self.classes[np.argmax(self.predict_proba(X), axis=1)]

    # --- derived networks ----------------------------------------------------------------
    def with_weights(self, coefs=None, intercepts=None) -> Network:
        """A new network sharing everything but the given weights."""
        return dataclasses.replace(
            self,
            coefs=self.coefs if coefs is None else coefs,
            intercepts=self.intercepts if intercepts is None else intercepts,
        )

    def at_init(self) -> Network:
        """The same architecture holding θ0, the weights before training."""
        if not self.initial_coefs:
            raise ValueError("this network does not record its initial weights")
        return dataclasses.replace(
            self, coefs=self.initial_coefs, intercepts=self.initial_intercepts, history=()
        )

    # --- scikit-learn interop ------------------------------------------------------------
    def to_sklearn(self) -> MLPClassifier:
        """A fitted ``MLPClassifier`` holding these (possibly pruned) weights.

        It predicts like this network and can continue training with ``partial_fit``.
        """
        cfg = self.config
        clf = MLPClassifier(
            hidden_layer_sizes=self.hidden,
            activation=self.activation,
            solver=cfg.get("solver", "sgd"),
            learning_rate_init=cfg.get("learning_rate", 0.1),
            alpha=cfg.get("alpha", 1e-4),
            batch_size=cfg.get("batch_size", 200),
            random_state=cfg.get("seed", 0),
        )
        binarizer = LabelBinarizer().fit(self.classes)
        fitted = {
            "classes_": binarizer.classes_,
            "_label_binarizer": binarizer,
            "coefs_": [c.copy() for c in self.coefs],
            "intercepts_": [b.copy() for b in self.intercepts],
            "n_features_in_": self.layer_sizes[0],
            "n_layers_": len(self.layer_sizes),
            "n_outputs_": self.layer_sizes[-1],
            "out_activation_": self.out_activation,
            "n_iter_": len(self.history),
            "t_": 0,
            "loss_curve_": [h.loss for h in self.history],
            "best_loss_": np.inf,
            "_no_improvement_count": 0,
            "validation_scores_": None,
            "best_validation_score_": None,
        }
        for name, value in fitted.items():
            setattr(clf, name, value)
        return clf

    @classmethod
    def from_sklearn(cls, clf: MLPClassifier, **kwargs) -> Network:
        """Wrap a fitted ``MLPClassifier``'s weights (copied) as a network."""
        return cls(
            coefs=clf.coefs_,
            intercepts=clf.intercepts_,
            activation=clf.activation,
            classes=clf.classes_,
            **kwargs,
        )
