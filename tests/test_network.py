"""Network: forward pass parity with scikit-learn, immutability, and ``train`` == ``fit``."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from pruning import Network, evaluate, load_dataset, train
from pruning.training import glorot_init

ACTIVATIONS = ("relu", "tanh", "logistic", "identity")
DEFAULT_PARAMS = {
    "hidden_layer_sizes": (100,),
    "solver": "sgd",
    "learning_rate_init": 0.1,
    "alpha": 1e-4,
    "max_iter": 500,
    "batch_size": 200,
    "random_state": 0,
}


@pytest.fixture(scope="module")
def datasets():
    return {name: load_dataset(name) for name in ("iris", "breast_cancer", "moons")}


def fit_sklearn(data, hidden, activation) -> MLPClassifier:
    clf = MLPClassifier(
        hidden_layer_sizes=hidden, activation=activation, max_iter=40, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(data.X_train, data.y_train)


# --- forward pass ------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", [(7,), (6, 5, 4)], ids=["one-hidden", "three-hidden"])
@pytest.mark.parametrize("dataset", ["iris", "breast_cancer", "moons"])
def test_forward_pass_equals_sklearn(datasets, dataset, hidden, activation):
    data = datasets[dataset]
    clf = fit_sklearn(data, hidden, activation)
    network = Network.from_sklearn(clf)
    X = np.vstack([data.X_train, data.X_test])

    expected = clf.predict_proba(X)
    np.testing.assert_allclose(network.predict_proba(X), expected, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(network.predict(X), clf.predict(X))
    np.testing.assert_allclose(np.exp(network.log_proba(X)), expected, rtol=0, atol=1e-10)
    # Binary problems get one logistic output unit, multiclass a softmax layer.
    n_classes = len(clf.classes_)
    assert network.layer_sizes == (data.n_features, *hidden, 1 if n_classes == 2 else n_classes)
    assert network.out_activation == ("logistic" if n_classes == 2 else "softmax")

    back = network.to_sklearn()
    np.testing.assert_allclose(back.predict_proba(X), network.predict_proba(X), rtol=0, atol=1e-10)
    np.testing.assert_array_equal(back.predict(X), clf.predict(X))


def test_to_sklearn_of_trained_network_predicts_the_same(net, digits):
    clf = net.to_sklearn()
    np.testing.assert_allclose(
        clf.predict_proba(digits.X_test), net.predict_proba(digits.X_test), rtol=0, atol=1e-10
    )
    assert clf.hidden_layer_sizes == (100,)
    assert clf.n_iter_ == len(net.history)


def test_hidden_activations_and_logits_are_the_layers_of_the_forward_pass(tiny_net, tiny_data):
    X = tiny_data.X_test
    (W1, W2, W3), (b1, b2, b3) = tiny_net.coefs, tiny_net.intercepts
    h1 = np.maximum(X @ W1 + b1, 0)
    h2 = np.maximum(h1 @ W2 + b2, 0)
    acts = tiny_net.hidden_activations(X)
    np.testing.assert_allclose(acts[0], h1, atol=1e-12)
    np.testing.assert_allclose(acts[1], h2, atol=1e-12)
    np.testing.assert_allclose(tiny_net.logits(X), h2 @ W3 + b3, atol=1e-12)


def test_at_init_has_no_training_history(net):
    # θ0 is the network before its first update; it should not carry the trained run's epochs
    # (train_masked appends to them, so a lottery ticket's history starts at epoch 163).
    assert len(net.history) > 0
    assert net.at_init().history == ()


def test_shape_properties(net):
    assert net.layer_sizes == (64, 100, 10)
    assert net.hidden == (100,)
    assert net.layer_names == ("fc1", "fc2")
    assert net.n_weights == 64 * 100 + 100 * 10
    assert net.n_parameters == net.n_weights + 110


# --- immutability ------------------------------------------------------------------------------


def test_every_array_is_read_only(net):
    arrays = [
        *net.coefs,
        *net.intercepts,
        *net.initial_coefs,
        *net.initial_intercepts,
        net.classes,
    ]
    assert len(arrays) == 9
    for a in arrays:
        with pytest.raises(ValueError, match="read-only"):
            a[(0,) * a.ndim] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.coefs = ()


def test_network_copies_its_inputs_and_to_sklearn_copies_its_outputs():
    W1, W2 = np.ones((2, 3)), np.ones((3, 1))
    b1, b2 = np.zeros(3), np.zeros(1)
    network = Network([W1, W2], [b1, b2], "relu", [0, 1])
    W1[0, 0] = 99.0
    b2[0] = 99.0
    assert network.coefs[0][0, 0] == 1.0
    assert network.intercepts[1][0] == 0.0
    clf = network.to_sklearn()
    clf.coefs_[0][0, 0] = -5.0
    assert network.coefs[0][0, 0] == 1.0


def test_network_rejects_bad_construction():
    with pytest.raises(ValueError, match="activation"):
        Network([np.ones((2, 1))], [np.zeros(1)], "softmax", [0, 1])
    with pytest.raises(ValueError):
        Network([np.ones((2, 1))], [], "relu", [0, 1])
    with pytest.raises(ValueError):
        Network([], [], "relu", [0, 1])


def test_at_init_holds_theta0(net):
    theta0 = net.at_init()
    for a, b in zip(theta0.coefs, net.initial_coefs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(theta0.coefs[0], net.coefs[0])
    assert theta0.config == net.config
    compacted = Network(net.coefs, net.intercepts, net.activation, net.classes)
    with pytest.raises(ValueError, match="initial weights"):
        compacted.at_init()


# --- train == MLPClassifier.fit ----------------------------------------------------------------


def test_train_reproduces_sklearn_fit_on_digits(net_run, digits):
    network, _ = net_run
    clf = MLPClassifier(**DEFAULT_PARAMS).fit(digits.X_train, digits.y_train)

    assert clf.n_iter_ == len(network.history) > 10
    for ours, theirs in zip(network.coefs, clf.coefs_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(network.intercepts, clf.intercepts_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    np.testing.assert_allclose([e.loss for e in network.history], clf.loss_curve_, atol=1e-12)
    accuracy = evaluate(network, digits.X_test, digits.y_test).accuracy
    assert accuracy == clf.score(digits.X_test, digits.y_test)
    assert accuracy > 0.95
    assert network.history[-1].val_accuracy == clf.score(digits.X_val, digits.y_val)
    assert network.config == {
        "dataset": "digits",
        "hidden": [100],
        "activation": "relu",
        "solver": "sgd",
        "learning_rate": 0.1,
        "alpha": 1e-4,
        "max_iter": 500,
        "batch_size": 200,
        "seed": 0,
    }


def test_on_epoch_is_called_once_per_epoch(net_run):
    network, calls = net_run
    assert len(calls) == len(network.history)
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1))
    assert list(calls) == [(e.epoch, e.loss, e.val_accuracy) for e in network.history]
    assert all(isinstance(v, float) for c in calls for v in c[1:])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning")
@pytest.mark.parametrize(
    ("dataset", "kwargs"),
    [
        ("breast_cancer", {"hidden": (10,), "activation": "tanh", "max_iter": 40}),
        ("iris", {"hidden": (6, 4), "solver": "adam", "learning_rate": 0.01, "max_iter": 40}),
        ("moons", {"hidden": (8,), "activation": "logistic", "batch_size": 64, "max_iter": 30}),
    ],
)
def test_train_reproduces_sklearn_fit_on_small_problems(datasets, dataset, kwargs):
    data = datasets[dataset]
    calls = []
    network = train(data, seed=3, on_epoch=lambda *a: calls.append(a), **kwargs)
    clf = MLPClassifier(
        hidden_layer_sizes=kwargs["hidden"],
        activation=kwargs.get("activation", "relu"),
        solver=kwargs.get("solver", "sgd"),
        learning_rate_init=kwargs.get("learning_rate", 0.1),
        batch_size=kwargs.get("batch_size", 200),
        max_iter=kwargs["max_iter"],
        random_state=3,
    ).fit(data.X_train, data.y_train)
    assert clf.n_iter_ == len(network.history) == len(calls)
    for ours, theirs in zip(network.coefs, clf.coefs_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(network.intercepts, clf.intercepts_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    expected = clf.score(data.X_val, data.y_val)
    assert evaluate(network, data.X_val, data.y_val).accuracy == expected
    assert network.history[-1].val_accuracy == expected


@pytest.mark.parametrize(
    ("dataset", "hidden", "activation"),
    [
        ("iris", (7,), "relu"),
        ("iris", (6, 5), "logistic"),
        ("breast_cancer", (9, 4), "tanh"),
        ("moons", (5,), "logistic"),
    ],
)
def test_initial_coefs_are_the_weights_sklearn_draws(datasets, dataset, hidden, activation):
    data = datasets[dataset]
    network = train(data, hidden=hidden, activation=activation, max_iter=1, seed=7)
    # One epoch at a negligible learning rate leaves sklearn's own initial draw in place.
    clf = MLPClassifier(
        hidden_layer_sizes=hidden,
        activation=activation,
        solver="sgd",
        learning_rate_init=1e-12,
        random_state=7,
    )
    clf.partial_fit(data.X_train, data.y_train, classes=data.labels)
    assert len(network.initial_coefs) == len(hidden) + 1
    for ours, theirs in zip(network.initial_coefs, clf.coefs_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    for ours, theirs in zip(network.initial_intercepts, clf.intercepts_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    # ...and the trained weights have moved away from them.
    assert not np.allclose(network.coefs[0], network.initial_coefs[0])


def test_glorot_bound_depends_on_activation():
    sizes = (50, 30, 2)
    for activation, factor in (("relu", 6.0), ("logistic", 2.0)):
        coefs, intercepts = glorot_init(sizes, activation, np.random.RandomState(0))
        bound = np.sqrt(factor / (50 + 30))
        assert np.abs(coefs[0]).max() <= bound
        assert np.abs(coefs[0]).max() > 0.9 * bound
        assert [c.shape for c in coefs] == [(50, 30), (30, 2)]
        assert [b.shape for b in intercepts] == [(30,), (2,)]


# --- argument validation -----------------------------------------------------------------------


@pytest.mark.parametrize("hidden", ["0", "-5", "abc", 0, (), "10-0", [-3], "", "10--5", [True]])
def test_train_rejects_bad_hidden(tiny_data, hidden):
    with pytest.raises(ValueError):
        train(tiny_data, hidden=hidden, max_iter=1)


@pytest.mark.parametrize("hidden", [2.5, None, [1.5], (10, 2.5)])
def test_train_rejects_non_integer_hidden_with_value_error(tiny_data, hidden):
    # parse_hidden raises TypeError for a bare float or None, and truncates 1.5 to 1 unit.
    with pytest.raises(ValueError):
        train(tiny_data, hidden=hidden, max_iter=1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"activation": "softmax"},
        {"activation": "ReLU"},
        {"solver": "lbfgs"},
        {"solver": "SGD"},
        {"learning_rate": 0},
        {"learning_rate": float("nan")},
        {"learning_rate": "fast"},
        {"alpha": -1},
        {"max_iter": 0},
        {"batch_size": 0},
        {"seed": -1},
    ],
)
def test_train_rejects_bad_settings(tiny_data, kwargs):
    with pytest.raises(ValueError):
        train(tiny_data, **{"max_iter": 1, **kwargs})


@pytest.mark.parametrize(
    ("hidden", "expected"),
    [("300-100", (300, 100)), ("20,10", (20, 10)), (100, (100,)), ([5, 3], (5, 3))],
)
def test_train_accepts_hidden_spellings(tiny_data, hidden, expected):
    network = train(tiny_data, hidden=hidden, max_iter=1)
    assert network.hidden == expected
    assert network.config["hidden"] == list(expected)
