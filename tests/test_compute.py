"""Heavy work on Dask: real local clusters, real ``dask scheduler``/``dask worker``
processes, a worker killed mid-task, an unreachable scheduler, and joblib's dask backend."""

from __future__ import annotations

import os
import signal
import time

import joblib
import numpy as np
import pytest
from distributed import Client, get_task_stream

import pruning
from compute import cluster, jobs
from deploy.processes import dask_cluster, free_port
from pruning import ModelConfig, load_dataset

SMALL = ModelConfig(dataset="iris", hidden=(8,), max_iter=40)


@pytest.fixture(scope="module")
def local():
    found = cluster.connect(workers=2)
    yield found
    found.close()


def same_weights(a: pruning.Network, b: pruning.Network) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.coefs, b.coefs, strict=True))


def test_a_worker_trains_what_the_engine_trains_and_streams_every_epoch(local):
    events = []
    net = jobs.follow(local.client, jobs.submit(local.client, "train", SMALL), events.append)
    assert local.local and local.unreachable is None and local.workers == 2
    assert same_weights(net, pruning.train(load_dataset("iris"), SMALL))
    streamed = [e[0] for message in events for e in message["epochs"]]
    assert sorted(set(streamed)) == list(range(1, len(net.history) + 1))


def test_identical_requests_share_one_task(local):
    config = ModelConfig(dataset="wine", hidden=(6,), max_iter=30)
    key = jobs.task_key("train", config)
    assert key == jobs.task_key("train", ModelConfig.from_mapping(config.as_dict()))
    assert key != jobs.task_key("train", ModelConfig(dataset="wine", hidden=(6,), seed=1))
    with get_task_stream(local.client) as stream:
        futures = [jobs.submit(local.client, "train", config) for _ in range(5)]
        results = local.client.gather(futures)
    assert {f.key for f in futures} == {key}
    assert [t["key"] for t in stream.data].count(key) == 1
    assert all(r is results[0] or same_weights(r, results[0]) for r in results)


def test_sweeps_run_on_workers_with_progress(local):
    net = jobs.follow(local.client, jobs.submit(local.client, "train", SMALL))
    events = []
    strategies, levels = ("random", "global_magnitude"), (0.0, 0.5, 0.9)
    future = jobs.submit(local.client, "sweep", SMALL, strategies, levels, network=net)
    frame = jobs.follow(local.client, future, events.append)
    expected = pruning.sweep(net, load_dataset("iris"), strategies, levels)
    assert frame.equals(expected)
    assert events[-1]["fraction"] == 1.0


def test_a_task_that_fails_says_why(local):
    net = jobs.follow(local.client, jobs.submit(local.client, "train", SMALL))
    future = jobs.submit(local.client, "sweep", SMALL, ("no_such",), (0.5,), network=net)
    with pytest.raises(ValueError, match="unknown strategy 'no_such'"):
        jobs.follow(local.client, future)


def test_a_killed_worker_costs_time_not_the_result(local):
    slow = ModelConfig(hidden=(200,), max_iter=120, learning_rate=0.01)
    future = jobs.submit(local.client, "train", slow)
    events = []

    def kill_once(message):
        if not events:  # training has started on some worker: kill that one
            (address,) = [w for w, keys in local.client.processing().items() if future.key in keys]
            pid = local.client.run(os.getpid, workers=[address])[address]
            os.kill(pid, signal.SIGKILL)
        events.append(message)

    net = jobs.follow(local.client, future, kill_once)
    epochs = [e[0] for message in events for e in message["epochs"]]
    assert epochs.count(1) == 2  # the task started again on another worker
    assert same_weights(net, pruning.train(load_dataset("digits"), slow))
    deadline = time.monotonic() + 30
    while local.workers < 2 and time.monotonic() < deadline:  # the nanny restarts it
        time.sleep(0.2)
    assert local.workers == 2


def test_an_unreachable_scheduler_means_computing_locally():
    address = f"tcp://127.0.0.1:{free_port()}"
    found = cluster.connect(address, workers=1, timeout=1)
    try:
        assert found.local and found.unreachable == address
        net = jobs.follow(found.client, jobs.submit(found.client, "train", SMALL))
        assert len(net.history) > 0
    finally:
        found.close()


@pytest.fixture(scope="module")
def dask_processes():
    """A scheduler and a worker started with Dask's own command line, on loopback."""
    with dask_cluster(1) as (address, _):
        yield address


def test_a_cluster_started_with_the_dask_command_does_the_work(dask_processes):
    found = cluster.connect(dask_processes)
    try:
        deadline = time.monotonic() + 60
        while found.workers < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not found.local and found.workers == 1
        with get_task_stream(found.client) as stream:
            net = jobs.follow(found.client, jobs.submit(found.client, "train", SMALL))
        ((address, worker),) = found.client.scheduler_info()["workers"].items()
        assert worker["name"] == "worker0"  # as deploy.processes names it
        assert {t["worker"] for t in stream.data} == {address}
        assert same_weights(net, pruning.train(load_dataset("iris"), SMALL))
    finally:
        found.client.close()


def test_a_notebook_spreads_a_sweep_with_joblibs_dask_backend(local):
    data = load_dataset("iris")
    net = pruning.train(data, SMALL)
    strategies, levels = ["random", "layer_magnitude", "snip"], [0.0, 0.5, 0.8]
    with Client(local.client.scheduler.address) as client:  # the default client joblib uses
        with get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
            spread = pruning.sweep(net, data, strategies, levels, n_jobs=2)
        assert len(stream.data) >= len(strategies)  # the runs were tasks on the cluster
    assert spread.equals(pruning.sweep(net, data, strategies, levels))


def test_the_page_says_in_one_line_when_the_scheduler_is_unreachable(monkeypatch):
    from pages.ui import models
    from tests.apptest import app

    address = f"tcp://127.0.0.1:{free_port()}"
    monkeypatch.setenv(cluster.ENV_SCHEDULER, address)
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    at = app(dataset="iris", hidden="6").run()
    try:
        assert not at.exception
        notes = [c.value for c in at.sidebar.caption if address in c.value]
        assert notes == [
            f"The compute cluster at {address} does not answer: "
            "this server computes on its own cores."
        ]
        assert at.metric  # and the lesson goes on: the page was computed locally
    finally:
        models._cluster(address).close()
        models._cluster.clear()


def test_a_network_that_diverges_says_so_and_keeps_nothing():
    from pages.ui import models
    from tests.apptest import app

    link = {"dataset": "wine", "hidden": "300-300-300", "activation": "identity", "lr": "0.3"}
    at = app(**link, epochs="30").run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("This network could not be trained: Solver produced non-finite")
    assert at.sidebar.text_input(key="hidden").value == "300-300-300"  # change it and go on
    config = ModelConfig("wine", (300, 300, 300), "identity", learning_rate=0.3, max_iter=30)
    assert models.results().network(jobs.task_key("train", config)) is None


def test_warming_a_lesson_leaves_its_model_and_curve_in_the_store():
    from pages.ui import lessons, models
    from pages.ui.warm import warm

    lesson = next(x for x in lessons.load() if x.preset.get("hidden") == "50-500-50")
    assert warm(lesson) > 0
    config = ModelConfig(hidden=(50, 500, 50))
    assert models.results().network(jobs.task_key("train", config)) is not None
    stored = (
        models.results()
        .engine.connect()
        .exec_driver_sql("SELECT count(*) FROM results WHERE key LIKE 'sweep-%'")
    )
    assert stored.scalar() >= 1  # the Prune page's curve for the lesson's strategy
