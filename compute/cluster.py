"""One Dask client per server process: a configured scheduler, or a local cluster.

``PRUNING_DASK_SCHEDULER=tcp://host:8786`` (or the dashboard's secrets) points at a
scheduler started with Dask's own ``dask scheduler`` and ``dask worker`` commands. Without
it, or when it cannot be reached, ``connect`` starts a local cluster: a ``LocalCluster``'s
scheduler in this process and one single-threaded ``dask worker`` process per core, so a
lesson never stops for a missing cluster.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, LocalCluster

ENV_SCHEDULER = "PRUNING_DASK_SCHEDULER"
ROOT = Path(__file__).resolve().parents[1]  # the workers import the project from here
CONNECT_TIMEOUT = 5  # seconds to reach a configured scheduler before computing locally
log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Cluster:
    """A connected client, where its scheduler is, and whether the configured one failed.

    Attributes:
        client: the ``distributed.Client`` every task goes through.
        local: True when this process started the cluster itself.
        unreachable: the configured scheduler address that could not be reached (the
            cluster is then local), else None.
    """

    client: Client
    local: bool
    unreachable: str | None = None
    processes: tuple[subprocess.Popen, ...] = ()  # the local workers, stopped by ``close``

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def close(self) -> None:
        cluster = self.client.cluster
        _terminate(self.processes)
        for process in self.processes:
            process.wait(timeout=30)
        self.client.close()
        if cluster is not None:
            cluster.close()


def local_cluster(workers: int | None = None) -> tuple[Client, tuple[subprocess.Popen, ...]]:
    """A scheduler in this process and ``workers`` (default: one per core) single-threaded
    workers, each a ``dask worker`` process under a nanny that restarts it if it dies.

    The workers are fresh interpreters started by Dask's own command line, not spawned
    children of this one: ``multiprocessing`` would re-import the main module in every
    child, and under Streamlit that is the app's script. A worker stops by itself when
    its scheduler has been gone for a minute (this server killed, say).
    """
    logging.getLogger("distributed").setLevel(logging.WARNING)  # not a line per worker start
    count = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=0,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=logging.WARNING,
    )
    command = [
        shutil.which("dask", path=Path(sys.executable).parent) or "dask",
        "worker",
        cluster.scheduler_address,
        "--nthreads",
        "1",
        "--host",
        "127.0.0.1",
        "--no-dashboard",
        "--death-timeout",
        "60",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    processes = tuple(
        subprocess.Popen(
            [*command, "--name", f"local-{i}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    )
    atexit.register(_terminate, processes)  # a server that stops takes its workers along
    client = Client(cluster, set_as_default=False)
    client.wait_for_workers(count, timeout=120)
    return client, processes


def _terminate(processes: tuple[subprocess.Popen, ...]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()


def connect(
    address: str | None = None, workers: int | None = None, timeout: float | None = None
) -> Cluster:
    """The scheduler at ``address`` (default ``$PRUNING_DASK_SCHEDULER``), or a local
    cluster when none is configured or it does not answer within ``timeout`` seconds
    (default ``CONNECT_TIMEOUT``)."""
    address = address or os.environ.get(ENV_SCHEDULER) or None
    if address:
        try:
            client = Client(address, timeout=timeout or CONNECT_TIMEOUT, set_as_default=False)
            return Cluster(client, local=False)
        except (OSError, TimeoutError, ValueError) as exc:
            log.warning("Dask scheduler %s unreachable (%s); computing locally", address, exc)
            client, processes = local_cluster(workers)
            return Cluster(client, local=True, unreachable=address, processes=processes)
    client, processes = local_cluster(workers)
    return Cluster(client, local=True, processes=processes)
