"""Hand-written backward passes against finite differences, and masked training against
scikit-learn's own optimiser steps."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.utils import shuffle

from pruning import Network, load_dataset, train, train_masked
from pruning.backprop import (
    EXACT_CHUNK,
    exact_hessian_diagonal,
    hessian_diagonal,
    loss_and_gradients,
    targets,
    weight_gradients,
)

EPS = 1e-6


def random_network(sizes, activation, n_classes, seed=0) -> Network:
    rng = np.random.default_rng(seed)
    coefs = [rng.normal(scale=0.8, size=(a, b)) for a, b in itertools.pairwise(sizes)]
    intercepts = [rng.normal(scale=0.3, size=b) for b in sizes[1:]]
    return Network(coefs, intercepts, activation, np.arange(n_classes))


def random_problem(n_features, n_classes, n=13, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = rng.integers(0, n_classes, size=n)
    y[:n_classes] = np.arange(n_classes)  # every class present
    return X, y


def mean_cross_entropy(network: Network, X, y) -> float:
    """The data loss computed from the Network's own forward pass, independently of backprop."""
    truth = np.searchsorted(network.classes, y)
    return float(-network.log_proba(X)[np.arange(len(y)), truth].mean())


def perturbed(arrays, layer, index, delta):
    out = [np.array(a, copy=True) for a in arrays]
    out[layer][index] += delta
    return out


CASES = [
    pytest.param((4, 5, 3), "tanh", 3, id="tanh-multiclass"),
    pytest.param((4, 5, 3), "logistic", 2, id="logistic-binary"),
    pytest.param((3, 4, 4, 3), "logistic", 4, id="logistic-two-hidden-multiclass"),
    pytest.param((3, 4, 2, 3), "tanh", 2, id="tanh-two-hidden-binary"),
    pytest.param((3, 4), "identity", 3, id="identity-multiclass"),
]


@pytest.mark.parametrize(("hidden", "activation", "n_classes"), CASES)
def test_weight_gradients_match_finite_differences(hidden, activation, n_classes):
    n_out = 1 if n_classes == 2 else n_classes
    network = random_network((hidden[0] + 1, *hidden, n_out), activation, n_classes)
    X, y = random_problem(hidden[0] + 1, n_classes)
    grads = weight_gradients(network, X, y)
    assert [g.shape for g in grads] == [W.shape for W in network.coefs]
    for layer, W in enumerate(network.coefs):
        numeric = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            up = network.with_weights(perturbed(network.coefs, layer, index, EPS))
            down = network.with_weights(perturbed(network.coefs, layer, index, -EPS))
            numeric[index] = (mean_cross_entropy(up, X, y) - mean_cross_entropy(down, X, y)) / (
                2 * EPS
            )
        np.testing.assert_allclose(grads[layer], numeric, rtol=1e-6, atol=1e-8)
        assert np.abs(numeric).max() > 1e-3  # the check is not vacuous


@pytest.mark.parametrize("alpha", [0.0, 0.7])
@pytest.mark.parametrize(("hidden", "activation", "n_classes"), CASES)
def test_loss_and_gradients_match_finite_differences(hidden, activation, n_classes, alpha):
    n_out = 1 if n_classes == 2 else n_classes
    network = random_network((hidden[0] + 1, *hidden, n_out), activation, n_classes, seed=5)
    X, y = random_problem(hidden[0] + 1, n_classes, seed=6)
    Y = targets(network, y)
    coefs, intercepts = list(network.coefs), list(network.intercepts)

    def loss(c, b):
        return loss_and_gradients(c, b, activation, X, Y, alpha)[0]

    value, coef_grads, intercept_grads = loss_and_gradients(
        coefs, intercepts, activation, X, Y, alpha
    )
    penalty = alpha / (2 * len(X)) * sum(float((W**2).sum()) for W in coefs)
    assert value == pytest.approx(mean_cross_entropy(network, X, y) + penalty, rel=1e-12)
    for layer in range(len(coefs)):
        for arrays, grads, is_coef in (
            (coefs, coef_grads, True),
            (intercepts, intercept_grads, False),
        ):
            numeric = np.zeros_like(arrays[layer])
            for index in np.ndindex(arrays[layer].shape):
                up = perturbed(arrays, layer, index, EPS)
                down = perturbed(arrays, layer, index, -EPS)
                if is_coef:
                    numeric[index] = (loss(up, intercepts) - loss(down, intercepts)) / (2 * EPS)
                else:
                    numeric[index] = (loss(coefs, up) - loss(coefs, down)) / (2 * EPS)
            np.testing.assert_allclose(grads[layer], numeric, rtol=1e-6, atol=1e-8)


def test_targets_are_one_hot_or_a_single_column():
    multi = random_network((2, 3, 3), "tanh", 3)
    np.testing.assert_array_equal(targets(multi, np.array([2, 0])), [[0, 0, 1], [1, 0, 0]])
    binary = random_network((2, 3, 1), "tanh", 2)
    np.testing.assert_array_equal(targets(binary, np.array([1, 0, 1])), [[1], [0], [1]])


# --- OBD's diagonal Hessian --------------------------------------------------------------------


def numeric_hessian_diagonal(network: Network, X, y, h=1e-5) -> list[np.ndarray]:
    """d2L/dw2 by central differences of the (finite-difference-checked) analytic gradient."""
    out = []
    for layer, W in enumerate(network.coefs):
        diag = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            up = weight_gradients(
                network.with_weights(perturbed(network.coefs, layer, index, h)), X, y
            )
            down = weight_gradients(
                network.with_weights(perturbed(network.coefs, layer, index, -h)), X, y
            )
            diag[index] = (up[layer][index] - down[layer][index]) / (2 * h)
        out.append(diag)
    return out


@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu"])
@pytest.mark.parametrize("hidden", [(5,), (5, 4)])
def test_hessian_diagonal_is_exact_at_the_output_of_a_multiclass_net(activation, hidden):
    network = random_network((3, *hidden, 4), activation, 4, seed=11)
    X, y = random_problem(3, 4, n=17, seed=12)
    diag = hessian_diagonal(network, X, y)
    numeric = numeric_hessian_diagonal(network, X, y)
    assert [d.shape for d in diag] == [W.shape for W in network.coefs]
    np.testing.assert_allclose(diag[-1], numeric[-1], rtol=1e-6, atol=1e-9)
    # Softmax cross-entropy is convex in the last layer (zero rows: dead ReLU units).
    assert numeric[-1].min() >= 0
    assert numeric[-1].max() > 1e-2


@pytest.mark.parametrize("activation", ["tanh", "logistic", "identity"])
def test_hessian_diagonal_is_exact_everywhere_with_one_hidden_layer_and_one_output(activation):
    network = random_network((4, 6, 1), activation, 2, seed=21)
    X, y = random_problem(4, 2, n=15, seed=22)
    diag = hessian_diagonal(network, X, y)
    numeric = numeric_hessian_diagonal(network, X, y)
    for ours, theirs in zip(diag, numeric, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)
    if activation != "identity":
        # The f'' * gradient term matters: some hidden-layer curvatures are negative.
        assert numeric[0].min() < 0 < numeric[0].max()


def test_hessian_diagonal_on_trained_network_is_finite(binary_net, binary_data):
    diag = hessian_diagonal(binary_net, binary_data.X_train, binary_data.y_train)
    assert all(np.isfinite(d).all() for d in diag)
    assert (diag[-1] >= 0).all()


@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu", "identity"])
@pytest.mark.parametrize(("hidden", "n_classes"), [((5, 4), 4), ((6,), 2), ((4, 3, 5), 3)])
def test_exact_hessian_diagonal_matches_finite_differences(activation, hidden, n_classes):
    """Every layer, deep or binary, and more examples than one chunk holds."""
    network = random_network(
        (3, *hidden, 1 if n_classes == 2 else n_classes), activation, n_classes
    )
    X, y = random_problem(3, n_classes, n=EXACT_CHUNK + 9, seed=5)
    exact = exact_hessian_diagonal(network, X, y)
    numeric = numeric_hessian_diagonal(network, X, y)
    for ours, theirs in zip(exact, numeric, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-8)
    approx = hessian_diagonal(network, X, y)
    np.testing.assert_allclose(approx[-1], exact[-1], rtol=1e-10)  # LeCun is exact at the output
    if len(hidden) > 1 or n_classes > 2:
        # ...but not below it, where it drops the cross terms between units.
        assert not np.allclose(approx[0], exact[0], rtol=1e-3)


# --- masked training == scikit-learn's training ------------------------------------------------


def sklearn_epochs(theta0: Network, data, epochs: int, seed: int):
    """``epochs`` passes of scikit-learn's own ``partial_fit`` with the same shuffles."""
    clf = theta0.to_sklearn()
    clf.shuffle = False
    rng = np.random.RandomState(seed)
    order = np.arange(len(data.y_train))
    losses = []
    for _ in range(epochs):
        order = shuffle(order, random_state=rng)
        clf.partial_fit(data.X_train[order], data.y_train[order])
        losses.append(clf.loss_)
    return clf, losses


@pytest.fixture(scope="module")
def breast_cancer():
    return load_dataset("breast_cancer")


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    ("dataset", "hidden", "activation"),
    [("digits", (20, 7), "tanh"), ("breast_cancer", (9,), "relu")],
)
def test_train_masked_with_full_masks_matches_sklearn(
    request, digits, breast_cancer, solver, dataset, hidden, activation
):
    data = digits if dataset == "digits" else breast_cancer
    lr = 0.01 if solver == "adam" else 0.05
    trained = train(
        data, hidden=hidden, activation=activation, solver=solver, learning_rate=lr, max_iter=1
    )
    theta0 = trained.at_init()
    assert theta0.config["solver"] == solver
    masks = [np.ones(W.shape, dtype=bool) for W in theta0.coefs]
    units = [np.ones(b.shape, dtype=bool) for b in theta0.intercepts]
    calls = []
    ours = train_masked(theta0, masks, units, data, 3, seed=5, on_epoch=lambda *a: calls.append(a))
    clf, losses = sklearn_epochs(theta0, data, 3, seed=5)

    for a, b in zip(ours.coefs, clf.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    for a, b in zip(ours.intercepts, clf.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    np.testing.assert_allclose([c[1] for c in calls], losses, rtol=1e-10)
    assert [c[0] for c in calls] == [1, 2, 3]
    # The weights moved: three epochs are not a no-op.
    assert np.abs(ours.coefs[0] - theta0.coefs[0]).max() > 1e-3
    accuracy = clf.score(data.X_val, data.y_val)
    assert calls[-1][2] == pytest.approx(accuracy)


def test_train_masked_zero_epochs_only_applies_the_mask(tiny_net, tiny_data):
    masks = [np.ones(W.shape, dtype=bool) for W in tiny_net.coefs]
    masks[0][0, :] = False
    units = [np.ones(b.shape, dtype=bool) for b in tiny_net.intercepts]
    out = train_masked(tiny_net, masks, units, tiny_data, 0)
    assert (out.coefs[0][0] == 0).all()
    np.testing.assert_array_equal(out.coefs[0][1:], tiny_net.coefs[0][1:])
    np.testing.assert_array_equal(out.coefs[1], tiny_net.coefs[1])
    assert out.history == tiny_net.history


@pytest.mark.parametrize("epochs", [-1, "many", float("nan")])
def test_train_masked_rejects_bad_epochs(tiny_net, tiny_data, epochs):
    masks = [np.ones(W.shape, dtype=bool) for W in tiny_net.coefs]
    units = [np.ones(b.shape, dtype=bool) for b in tiny_net.intercepts]
    with pytest.raises(ValueError):
        train_masked(tiny_net, masks, units, tiny_data, epochs)
