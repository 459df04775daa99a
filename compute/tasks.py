"""What a Dask worker runs: plain engine calls of small, explicit arguments.

Each task rebuilds its dataset from the configuration (only a class's own table travels
with it), takes the trained network where it needs one, and reports progress as events on
a topic that the waiting page follows (``jobs.follow``). Nothing here knows about
Streamlit.
"""

from __future__ import annotations

import functools
import time

import pandas as pd
from distributed import get_worker

import pruning
from classroom.board import measured
from pruning import Dataset, ModelConfig, Network, Pruner, PruneResult

from . import tables

EVERY = 0.2  # seconds between progress events: a live chart, not a flood


@functools.cache
def _one_blas_thread() -> None:
    pruning.limit_blas_threads()  # a worker is one of as many as there are cores


def dataset(config: ModelConfig) -> Dataset:
    """The data split ``config`` trains on, loaded once per worker process; every task
    starts here, so the worker's BLAS limit is set before its first matrix product."""
    _one_blas_thread()
    return tables.load(config.dataset, config.seed)


def with_table(table: tables.Table, name: str, *args, topic: str | None = None):
    """Task ``name`` on one of the class's own tables, which came along with it."""
    tables.register(table)
    return globals()[name](*args, topic=topic)


class Reporter:
    """Progress events for ``topic``, sent at most every ``EVERY`` seconds (and at the end).

    Called as the engine's ``progress(fraction, message)``; ``epoch`` is ``train``'s
    ``on_epoch`` and sends every epoch since the last event, so a loss curve misses none.
    """

    def __init__(self, topic: str | None):
        self.topic, self.last, self.epochs = topic, 0.0, []
        try:
            self.worker = get_worker() if topic else None
        except ValueError:  # not on a worker: nobody follows
            self.worker = None

    def _send(self, message: dict, force: bool = False) -> None:
        now = time.monotonic()
        if self.worker is None or (not force and now - self.last < EVERY):
            return
        self.last = now
        self.worker.log_event(self.topic, message)

    def __call__(self, fraction: float, message: str) -> None:
        self._send({"fraction": float(fraction), "message": message}, force=fraction >= 1)

    def epoch(self, epoch: int, loss: float, accuracy: float) -> None:
        self.epochs.append((epoch, float(loss), float(accuracy)))
        self._send_epochs()

    def flush(self) -> None:
        """Send the epochs not sent yet (the end of training)."""
        self._send_epochs(force=True)

    def _send_epochs(self, force: bool = False) -> None:
        before = self.last
        self._send({"epochs": self.epochs}, force)
        if self.last != before:
            self.epochs = []


def train(config: ModelConfig, topic: str | None = None) -> Network:
    """Train the network ``config`` describes, streaming its epochs to ``topic``."""
    reporter = Reporter(topic)
    network = pruning.train(dataset(config), config, on_epoch=reporter.epoch)
    reporter.flush()
    return network


def sweep(
    network: Network,
    config: ModelConfig,
    strategies: tuple[str, ...],
    levels: tuple[float, ...],
    schedule: str = "one_shot",
    epochs: int = 0,
    seeds: tuple[int, ...] = (0,),
    topic: str | None = None,
) -> pd.DataFrame:
    """``pruning.sweep`` of ``network``: accuracy against sparsity, a tidy table."""
    data = dataset(config)
    return pruning.sweep(
        network, data, list(strategies), levels, schedule, epochs, seeds, progress=Reporter(topic)
    )


def lottery(
    network: Network,
    config: ModelConfig,
    sparsities: tuple[float, ...],
    epochs: int,
    seed: int = 0,
    topic: str | None = None,
) -> pd.DataFrame:
    """``pruning.lottery``: rewind against re-init against keep-trained."""
    data = dataset(config)
    return pruning.lottery(
        network, data, sparsities, epochs=epochs, seed=seed, progress=Reporter(topic)
    )


def sensitivity(
    network: Network,
    config: ModelConfig,
    strategy: str,
    levels: tuple[float, ...],
    topic: str | None = None,
) -> pd.DataFrame:
    """``pruning.sensitivity``: prune one layer at a time."""
    return pruning.sensitivity(network, dataset(config), strategy, levels)


def measure(
    network: Network,
    config: ModelConfig,
    points: tuple[tuple[str, float], ...],
    rounds: int,
    repeats: int,
    attempt: int = 0,
    topic: str | None = None,
) -> pd.DataFrame:
    """``pruning.measure`` of ``network`` pruned at each (strategy, level) point: bytes and
    timings, the Cost page's table. ``attempt`` numbers a fresh measurement ("Measure
    again"): timings vary, so a new attempt is a new task."""
    data = dataset(config)
    results = [Pruner(network, s, data).prune(level) for s, level in points]
    return pruning.measure(results, data.X_test, rounds, repeats, Reporter(topic))


def sharing(
    network: Network,
    config: ModelConfig,
    strategy: str,
    sparsity: float,
    ks: tuple[int, ...],
    topic: str | None = None,
) -> pd.DataFrame:
    """``pruning.sharing_table`` of ``network`` pruned by ``strategy`` at ``sparsity``."""
    data = dataset(config)
    pruned = Pruner(network, strategy, data).prune(sparsity).network
    return pruning.sharing_table(pruned, ks, data, Reporter(topic))


def finetune(
    network: Network,
    config: ModelConfig,
    masks,
    intercept_masks,
    epochs: int,
    at_init: bool = False,
    topic: str | None = None,
) -> float:
    """Validation accuracy after training the weights ``masks`` keep for ``epochs`` (from θ0 when
    ``at_init``: the prune-at-init schedule), as the Prune page's action asks."""
    data = dataset(config)
    start = network.at_init() if at_init else network
    reporter = Reporter(topic)
    tuned = pruning.finetune(
        pruning.apply_masks(start, masks, intercept_masks),
        data,
        epochs,
        on_epoch=lambda epoch, *_: reporter(epoch / epochs, "training"),
    )
    return float(pruning.evaluate(tuned.network, data.X_val, data.y_val).accuracy)


def remeasure(
    network: Network,
    config: ModelConfig,
    strategy: str,
    sparsity: float | None,
    masks,
    seed: int,
    topic: str | None = None,
) -> tuple[PruneResult, float, float]:
    """A challenge submission measured by the server: ``classroom.board.measured``."""
    data = dataset(config)
    return measured(network, data, strategy, sparsity, masks, seed)
