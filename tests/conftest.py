"""Shared fixtures: datasets and trained networks, each built once per test session.

Training the default digits model takes about two seconds, so every test that needs it
shares the session-scoped ``net``; property tests use the much smaller ``tiny_net``.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from deploy.processes import (
    dask_cluster,
    free_port,
    fresh_database,
    haproxy,
    haproxy_bin,
    postgres_bin,
    postgres_server,
    replicas,
)
from pruning import STRATEGIES, Pruner, limit_blas_threads, load_dataset, train

limit_blas_threads()  # as the dashboard and the CLI do: one BLAS thread per process


@pytest.fixture(scope="session")
def digits():
    return load_dataset("digits")


@pytest.fixture(scope="session")
def net_run(digits):
    """The default model on digits, trained once, with every ``on_epoch`` call it made."""
    calls = []
    network = train(digits, on_epoch=lambda *args: calls.append(args))
    return network, tuple(calls)


@pytest.fixture(scope="session")
def net(net_run):
    return net_run[0]


@pytest.fixture(scope="session")
def tiny_data():
    return load_dataset("iris")


@pytest.fixture(scope="session")
def tiny_net(tiny_data):
    """Iris, two hidden layers (5, 3), ReLU: small enough for exhaustive property tests."""
    return train(tiny_data, hidden=(5, 3), max_iter=30)


@pytest.fixture(scope="session")
def binary_data():
    return load_dataset("breast_cancer")


@pytest.fixture(scope="session")
def binary_net(binary_data):
    """A binary classifier: one logistic output unit, as scikit-learn builds it."""
    return train(binary_data, hidden=(8, 4), max_iter=30)


@pytest.fixture(scope="session")
def tiny_pruners(tiny_net, tiny_data):
    """One ``Pruner`` per strategy on ``tiny_net``, scored once and read at many sparsities."""
    return {key: Pruner(tiny_net, key, tiny_data, seed=0) for key in STRATEGIES}


@pytest.fixture(scope="session")
def digits_pruners(net, digits):
    """One ``Pruner`` per strategy on the default digits model."""
    return {key: Pruner(net, key, digits, seed=0) for key in STRATEGIES}


@pytest.fixture(scope="session")
def small_net():
    """``small_net(name)``: a quick (12, 6) network on a built-in dataset, trained once."""

    @functools.cache
    def make(name: str):
        data = load_dataset(name)
        return data, train(data, hidden=(12, 6), max_iter=20)

    return make


@pytest.fixture(scope="session")
def snapshot():
    """``snapshot(network)``: copies of all its arrays, to prove later it was not modified."""

    def take(network) -> list[np.ndarray]:
        arrays = (
            *network.coefs,
            *network.intercepts,
            *network.initial_coefs,
            *network.initial_intercepts,
            network.classes,
        )
        return [np.array(a, copy=True) for a in arrays]

    return take


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for this test session (``deploy/processes.py``); its URL."""
    if postgres_bin() is None:
        if os.environ.get("CI"):
            raise pytest.UsageError("CI must test PostgreSQL, but it is not installed")
        pytest.skip("PostgreSQL not installed: apt-get install postgresql to test it")
    with postgres_server() as server:
        yield server.url


@pytest.fixture(scope="module")
def deployment(postgres):
    """Everything ``make class`` starts, on loopback; yields (proxy URL, replicas, board).

    HAProxy is Debian's package (``.ci/run`` installs it); without it the tests that need a
    deployment skip, and fail under CI."""
    if haproxy_bin() is None:
        if os.environ.get("CI"):
            raise pytest.UsageError("CI must test the class deployment, but HAProxy is missing")
        pytest.skip("HAProxy not installed: apt-get install haproxy to test the deployment")
    board = fresh_database(postgres)
    with (
        dask_cluster(1) as (scheduler, _),
        replicas(
            2,
            {"PRUNING_BOARD_URL": board, "PRUNING_DASK_SCHEDULER": scheduler},
            "a shared test secret",
        ) as started,
        haproxy("127.0.0.1", free_port(), started) as url,
    ):
        yield url, started, board


@pytest.fixture(scope="session", autouse=True)
def _temporary_board(tmp_path_factory):
    """Point every test, and the browser tests' server, at a throwaway challenge board."""
    board = tmp_path_factory.mktemp("board") / "board.db"
    os.environ.setdefault("PRUNING_BOARD_URL", f"sqlite:///{board}")
