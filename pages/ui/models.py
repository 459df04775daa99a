"""Trained models and scored networks, computed once and shared by every student.

Training runs with a live progress bar, so it cannot sit inside ``st.cache_data`` (a
cached function may not draw into the page). Instead ``st.cache_resource`` holds one
``SharedStore``: an LRU of finished networks with a lock per configuration, so thirty
students asking for the same model train it once. Networks are immutable, so sharing
them is safe; everything derived from them (scores, curves) uses Streamlit's caches.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import pandas as pd
import streamlit as st

import pruning
from pruning import Dataset, ModelConfig, Network, Pruner

from . import state
from .i18n import t

MAX_MODELS = 16
T = TypeVar("T")
TTL = 3600  # seconds a derived result stays cached
SHARED_CURVES = 128  # trained (config, strategy, ...) curve tables kept for every student


def current_config(**overrides) -> ModelConfig:
    """The configuration the sidebar controls describe right now (or with ``overrides``,
    URL-state values that are about to be applied)."""

    values = {f.url: overrides.get(f.url, state.value(f.url)) for f in pruning.FIELDS if f.url}
    if "hidden" not in overrides:  # the last valid hidden layers, not what is being typed
        values["hidden"] = st.session_state.get(state.HIDDEN_OK, values["hidden"])
    return ModelConfig.from_mapping(values)


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


@st.cache_resource(max_entries=32, ttl=TTL, show_spinner=False)
def dataset(name: str, seed: int) -> Dataset:
    return pruning.load_dataset(name, seed=seed)


class _Progress:
    """Per-epoch progress bar and, optionally, a live loss/accuracy chart (throttled)."""

    def __init__(self, max_iter: int, on_history: Callable[[list], None] | None):
        self.bar = st.progress(0.0, text=t("common.training"))
        self.max_iter, self.on_history = max_iter, on_history
        self.history: list = []
        self.last_draw = 0.0

    def __call__(self, epoch: int, loss: float, val_accuracy: float) -> None:
        self.history.append((epoch, loss, val_accuracy))
        now = time.perf_counter()
        if now - self.last_draw < 0.2:
            return
        self.last_draw = now
        text = t("common.training_epoch", epoch=epoch, loss=loss, acc=val_accuracy)
        self.bar.progress(min(1.0, epoch / self.max_iter), text=text)
        if self.on_history is not None:
            self.on_history(self.history)

    def done(self) -> None:
        self.bar.empty()


def _train(config: ModelConfig, on_epoch=None) -> Network:
    return pruning.train(dataset(config.dataset, config.seed), config, on_epoch=on_epoch)


def model(config: ModelConfig, on_history: Callable[[list], None] | None = None) -> Network:
    """The trained network for ``config``; trains it with visible progress if needed."""
    store = model_store()
    found = store.peek(config)
    if found is not None:
        return found

    def build() -> Network:
        progress = _Progress(config.max_iter, on_history)
        try:
            return _train(config, progress)
        finally:
            progress.done()

    return store.get(config, build)


def _train_quietly(config: ModelConfig) -> Network:
    """For cached functions, which may not draw: normally the model is already stored."""
    return model_store().get(config, lambda: _train(config))


@st.cache_resource(max_entries=64, ttl=TTL, show_spinner=False)
def pruner(config: ModelConfig, strategy: str, seed: int = 0, at_init: bool = False) -> Pruner:
    """The network scored by one strategy: every sparsity then costs one comparison.

    With ``at_init`` the strategy scores θ0, the same network's weights before training.
    """
    network = _train_quietly(config)
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
    """A sweep that trains at every level (fine-tuning, or training from θ0), with progress.

    Each strategy is computed once for every student and kept in a shared store; a
    progress bar, captioned ``message(strategy, i, n)``, shows while one is missing. It
    runs outside Streamlit's caches, which may not draw.
    """
    store = shared_store("trained_curves", SHARED_CURVES)
    keys = {s: (config, s, levels, epochs, seeds, schedule) for s in strategies}
    parts = {s: store.peek(k) for s, k in keys.items()}
    missing = [s for s, frame in parts.items() if frame is None]
    if missing:
        net, data = model(config), dataset(config.dataset, config.seed)
        bar = st.progress(0.0)
        for i, s in enumerate(missing):
            text = message(s, i + 1, len(missing))
            bar.progress(i / len(missing), text=text)

            def report(fraction: float, _message: str, i=i, text=text) -> None:
                bar.progress(min(1.0, (i + fraction) / len(missing)), text=text)

            parts[s] = pruning.sweep(
                net, data, [s], levels, schedule, epochs, seeds, progress=report
            )
            store.put(keys[s], parts[s])
        bar.empty()
    return pd.concat([parts[s] for s in strategies], ignore_index=True)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def dense_evaluation(config: ModelConfig) -> pruning.metrics.Evaluation:
    """How the unpruned network does on the test split."""
    data = dataset(config.dataset, config.seed)
    return pruning.evaluate(_train_quietly(config), data.X_test, data.y_test)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def curve(
    config: ModelConfig,
    strategies: tuple[str, ...],
    levels: tuple[float, ...],
    finetune_epochs: int = 0,
    seeds: tuple[int, ...] = (0,),
) -> pd.DataFrame:
    """Accuracy against sparsity for some strategies: a tidy table from ``pruning.sweep``."""
    return pruning.sweep(
        _train_quietly(config),
        dataset(config.dataset, config.seed),
        list(strategies),
        levels,
        finetune_epochs=finetune_epochs,
        seeds=seeds,
    )
