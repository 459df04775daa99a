"""Submitting engine work to Dask under deterministic keys, and following its progress.

Two students who ask for the same model or curve get the same key, so the scheduler runs
one task for both. A task's progress events go to a topic named by its key; ``follow``
hands them to the waiting page until the result is there.
"""

from __future__ import annotations

from collections.abc import Callable

from dask.base import tokenize
from distributed import Client, Future

import pruning
from pruning import ModelConfig

from . import tables, tasks

POLL = 0.2  # seconds between looks at a running task's progress


def task_key(name: str, config: ModelConfig, *args) -> str:
    """The key of task ``name`` on ``config``: equal requests, equal keys, one computation.

    The engine's version is part of it, so a new release never reuses an old result, and
    so is the content of a class's own table, so a changed file never does either.
    """
    table = tables.known(config.dataset)
    content = None if table is None else table.digest
    return f"{name}-{tokenize(name, config.as_dict(), args, content, pruning.__version__)}"


def submit(client: Client, name: str, config: ModelConfig, *args, network=None) -> Future:
    """Run ``tasks.<name>(network, config, *args)`` (or without a network) on the cluster.

    A configuration on one of the class's own tables sends the table along (see
    ``compute.tables``), and its content's digest is part of the key.
    """
    table = tables.known(config.dataset)
    key = task_key(name, config, *args)
    head = (config,) if network is None else (network, config)
    if table is None:
        return client.submit(getattr(tasks, name), *head, *args, topic=key, key=key, pure=True)
    return client.submit(tasks.with_table, table, name, *head, *args, topic=key, key=key)


def follow(client: Client, future: Future, on_event: Callable[[dict], None] | None = None):
    """Wait for ``future``'s result, passing each new progress event to ``on_event``.

    A task that failed raises its own exception here (a bad CSV says what is wrong); a
    worker that died meanwhile costs time, not the result: the scheduler reruns the task.
    """
    seen = 0
    while True:
        try:
            result, done = future.result(timeout=POLL), True
        except TimeoutError:
            result, done = None, False
        if on_event is not None:  # after the result too: the task's last events
            events = client.get_events(future.key)
            for _, message in events[seen:]:
                on_event(message)
            seen = len(events)
        if done:
            return result


def run(client: Client, name: str, config: ModelConfig, *args, network=None, on_event=None):
    """``submit`` then ``follow``: the result of task ``name``, its progress to ``on_event``."""
    return follow(client, submit(client, name, config, *args, network=network), on_event)
