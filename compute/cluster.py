"""One Dask client per server process: a configured scheduler, or a local cluster.

``PRUNING_DASK_SCHEDULER=tcp://host:8786`` (or the dashboard's secrets) points at a
scheduler started with Dask's own ``dask scheduler`` and ``dask worker`` commands. Without
it, or when it cannot be reached, ``connect`` starts a ``LocalCluster`` of process workers,
one single-threaded worker per core, so a lesson never stops for a missing cluster.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from distributed import Client, LocalCluster

ENV_SCHEDULER = "PRUNING_DASK_SCHEDULER"
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

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def close(self) -> None:
        cluster = self.client.cluster
        self.client.close()
        if cluster is not None:
            cluster.close()


def local_cluster(workers: int | None = None) -> Client:
    """A ``LocalCluster`` of process workers (one per core, one thread each) on loopback."""
    logging.getLogger("distributed").setLevel(logging.WARNING)  # not a line per worker start
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # a free port: several servers may run
        silence_logs=logging.WARNING,
    )
    return Client(cluster, set_as_default=False)


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
            return Cluster(local_cluster(workers), local=True, unreachable=address)
    return Cluster(local_cluster(workers), local=True)
