"""Trained models, curves and scored networks, computed once and shared by every student.

Heavy work (training, sweeps, lottery, sensitivity) runs as Dask tasks (``compute``), never
in the script thread, and its results go to the persistent ``ResultStore``, so a restart
or another server finds them. In this process ``st.cache_resource`` holds ``SharedStore``s:
small LRUs of finished results with a lock per key, so thirty students asking for the same
model wait for one task. Training shows a live progress bar, so it cannot sit inside
``st.cache_data`` (a cached function may not draw into the page). Networks are immutable,
so sharing them is safe; scoring for the slider stays in process (milliseconds).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import pandas as pd
import streamlit as st

import pruning
from compute import jobs, tables
from compute.cluster import ENV_SCHEDULER, Cluster, connect
from compute.store import ResultStore
from pruning import Dataset, ModelConfig, Network, Pruner

from . import state
from .i18n import t

MAX_MODELS = 16
T = TypeVar("T")
TTL = 3600  # seconds a derived result stays cached
Caption = str | Callable[[float], str]  # a progress bar's text, fixed or by fraction done
SHARED_TABLES = 128  # task tables (curves, lottery, sensitivity) kept for every student


def current_config(**overrides) -> ModelConfig:
    """The configuration the sidebar controls describe right now (or with ``overrides``,
    URL-state values that are about to be applied)."""

    values = {f.url: overrides.get(f.url, state.value(f.url)) for f in pruning.FIELDS if f.url}
    if "hidden" not in overrides:  # the last valid hidden layers, not what is being typed
        values["hidden"] = st.session_state.get(state.HIDDEN_OK, values["hidden"])
    if "dataset" not in overrides:  # the set in use, not "upload a file" while one is chosen
        values["dataset"] = st.session_state.get(state.DATASET_OK, values["dataset"])
    own = tables.known(values["dataset"]) is not None
    return ModelConfig.from_mapping(values, builtin=not own)


def weight_shapes(config: ModelConfig) -> list[tuple[int, int]]:
    """The weight-matrix shapes a configuration produces, without training it."""
    data = dataset(config.dataset, config.seed)
    outputs = 1 if data.n_classes == 2 else data.n_classes
    sizes = (data.n_features, *config.hidden, outputs)
    return list(itertools.pairwise(sizes))


class SharedStore(Generic[T]):
    """A small LRU shared by every session, with one lock per key.

    ``get(key, build)`` builds a missing entry once even when a whole class asks at the
    same moment; ``build`` runs in the asking session, so it may draw a progress bar
    (which ``st.cache_data`` functions may not).
    """

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def peek(self, key: Hashable) -> T | None:
        with self._guard:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: Hashable, value: T) -> None:
        with self._guard:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                old, _ = self._items.popitem(last=False)
                self._locks.pop(old, None)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The stored value for ``key``, building it (once, under a lock) if missing."""
        found = self.peek(key)
        if found is not None:
            return found
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self.peek(key)
            if found is None:
                found = build()
                self.put(key, found)
        return found


@st.cache_resource(show_spinner=False)
def shared_store(name: str, max_entries: int = 32) -> SharedStore:
    """The process-wide store called ``name`` (one per kind of result)."""
    return SharedStore(max_entries)


def model_store() -> SharedStore[Network]:
    return shared_store("models", MAX_MODELS)


def dataset(name: str, seed: int) -> Dataset:
    """A built-in data set or one of the class's own tables (``compute.tables``), split."""
    return tables.load(name, seed)


def scheduler_address() -> str | None:
    """``PRUNING_DASK_SCHEDULER`` from the environment or ``.streamlit/secrets.toml``."""
    try:
        address = os.environ.get(ENV_SCHEDULER) or st.secrets.get(ENV_SCHEDULER)
    except (FileNotFoundError, KeyError, AttributeError, TypeError):
        address = None
    return str(address) if address else None


@st.cache_resource(show_spinner=False)
def _cluster(address: str | None) -> Cluster:
    return connect(address)


def cluster() -> Cluster:
    """The Dask cluster of this server process: the configured scheduler, else (or when it
    cannot be reached) a local cluster of one worker process per core."""
    return _cluster(scheduler_address())


@st.cache_resource(show_spinner=False)
def results() -> ResultStore:
    """Finished networks and tables, kept in the database across restarts and servers."""
    return ResultStore()


def computed(name: str, config: ModelConfig, *args, on_event=None, network=None):
    """The result of task ``name`` on ``config``: from the result store, else computed on
    the cluster (``on_event`` follows its progress) and stored."""
    key = jobs.task_key(name, config, *args)
    store = results()
    found = store.network(key) if name == "train" else store.frame(key)
    if found is None:
        found = jobs.run(cluster().client, name, config, *args, network=network, on_event=on_event)
        (store.put_network if name == "train" else store.put_frame)(key, found)
    return found


def measure_on_cluster(config: ModelConfig):
    """The class board's ``measure`` for ``config``'s network, as a task on the cluster
    (the worker loads the same data split from the configuration)."""

    def measure(network, _data, strategy, sparsity, masks, seed):
        args = (strategy, sparsity, masks, seed)
        return jobs.run(cluster().client, "remeasure", config, *args, network=network)

    return measure


def finetuned_accuracy(
    config: ModelConfig, result: pruning.PruneResult, at_init: bool, epochs: int, text: str
) -> float:
    """Validation accuracy of ``result`` after ``epochs`` of masked training on the cluster (from
    θ0 when ``at_init``), with a progress bar captioned ``text``."""
    args = (result.masks, result.intercept_masks, epochs, at_init)
    with _progress(text) as progress:
        return jobs.run(
            cluster().client, "finetune", config, *args, network=model(config), on_event=progress
        )


class _Progress:
    """A task's progress bar, and for training a live loss/accuracy chart of every epoch."""

    def __init__(self, text: Caption, max_iter: int = 0, on_history=None):
        self.caption = text if callable(text) else lambda _fraction: text
        self.bar = st.progress(0.0, text=self.caption(0.0))
        self.max_iter, self.on_history = max_iter, on_history
        self.history: list = []

    def __call__(self, message: dict) -> None:
        """One progress event: ``fraction`` and ``message``, or training's ``epochs``."""
        if "fraction" in message:
            fraction = min(1.0, message["fraction"])
            self.bar.progress(fraction, text=self.caption(fraction))
        if not message.get("epochs"):
            return
        for epoch, loss, accuracy in message["epochs"]:
            del self.history[epoch - 1 :]  # a worker died meanwhile: the task restarted
            self.history.append((epoch, loss, accuracy))
        epoch, loss, accuracy = self.history[-1]
        text = t("common.training_epoch", epoch=epoch, loss=loss, acc=accuracy)
        self.bar.progress(min(1.0, epoch / self.max_iter), text=text)
        if self.on_history is not None:
            self.on_history(self.history)

    def done(self) -> None:
        self.bar.empty()


@contextlib.contextmanager
def _progress(text: Caption | None, max_iter: int = 0, on_history=None):
    """A ``_Progress`` bar while the block runs, removed after; no bar (None) without
    ``text``, for cached callers, which may not draw."""
    if text is None:
        yield None
        return
    progress = _Progress(text, max_iter, on_history)
    try:
        yield progress
    finally:
        progress.done()


class TrainingFailed(Exception):
    """The network could not be trained (it diverged); the app shows why, once."""


def model(
    config: ModelConfig, on_history: Callable[[list], None] | None = None, quiet: bool = False
) -> Network:
    """The trained network for ``config``; trains it on the cluster if needed, with visible
    progress (``on_history`` draws the epochs so far), or none when ``quiet``."""
    store = model_store()
    found = store.peek(config)
    if found is not None:
        return found

    def build() -> Network:
        text = None if quiet else t("common.training")
        with _progress(text, config.max_iter, on_history) as progress:
            try:
                return computed("train", config, on_event=progress)
            except ValueError as exc:  # the engine refused or training diverged: none kept
                raise TrainingFailed(str(exc)) from None

    return store.get(config, build)


def stored_table(name: str, config: ModelConfig, *args) -> pd.DataFrame | None:
    """The table of task ``name`` if anyone computed it already (this server or the store),
    else None: a page can show it without starting the task."""
    key = (name, config, *args)
    tables = shared_store("tables", SHARED_TABLES)
    found = tables.peek(key)
    if found is None:
        found = results().frame(jobs.task_key(name, config, *args))
        if found is not None:
            tables.put(key, found)
    return found


def task_table(name: str, config: ModelConfig, *args, text: Caption | None = None) -> pd.DataFrame:
    """A table from task ``name`` on the trained network, kept for every student, with a
    progress bar captioned ``text`` (or ``text(fraction)``) while it is computed (none for
    cached callers)."""
    tables = shared_store("tables", SHARED_TABLES)
    key = (name, config, *args)
    found = tables.peek(key)
    if found is not None:
        return found

    def build() -> pd.DataFrame:
        network = model(config, quiet=text is None)
        with _progress(text) as progress:
            return computed(name, config, *args, network=network, on_event=progress)

    return tables.get(key, build)


@st.cache_resource(max_entries=64, ttl=TTL, show_spinner=False)
def pruner(config: ModelConfig, strategy: str, seed: int = 0, at_init: bool = False) -> Pruner:
    """The network scored by one strategy: every sparsity then costs one comparison.

    With ``at_init`` the strategy scores θ0, the same network's weights before training.
    """
    network = model(config, quiet=True)
    network = network.at_init() if at_init else network
    return Pruner(network, strategy, dataset(config.dataset, config.seed), seed)


def trained_curves(
    config: ModelConfig,
    strategies: tuple[str, ...],
    levels: tuple[float, ...],
    epochs: int,
    message: Callable[[str, int, int], str],
    seeds: tuple[int, ...] = (0,),
    schedule: str = "one_shot",
) -> pd.DataFrame:
    """A sweep that trains at every level (fine-tuning, or training from θ0), one task per
    strategy, with a progress bar captioned ``message(strategy, i, n)`` while one is missing.
    """
    parts = [
        task_table(
            "sweep",
            config,
            (s,),
            levels,
            schedule,
            epochs,
            seeds,
            text=message(s, i + 1, len(strategies)),
        )
        for i, s in enumerate(strategies)
    ]
    return pd.concat(parts, ignore_index=True)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def dense_evaluation(config: ModelConfig) -> pruning.metrics.Evaluation:
    """How the unpruned network does on the validation part, which every page explores on."""
    data = dataset(config.dataset, config.seed)
    return pruning.evaluate(model(config, quiet=True), data.X_val, data.y_val)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def curve(
    config: ModelConfig,
    strategies: tuple[str, ...],
    levels: tuple[float, ...],
    finetune_epochs: int = 0,
    seeds: tuple[int, ...] = (0,),
) -> pd.DataFrame:
    """Accuracy against sparsity for some strategies: a tidy table from ``pruning.sweep``,
    computed on the cluster (one-shot pruning is quick: no progress bar)."""
    return task_table("sweep", config, strategies, levels, "one_shot", finetune_epochs, seeds)
