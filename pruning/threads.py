"""One BLAS thread per process, for programs that answer many requests at once."""

import os

from threadpoolctl import threadpool_limits


def limit_blas_threads(threads: int | None = None) -> None:
    """Limit BLAS to ``threads`` (default ``$PRUNING_BLAS_THREADS``, else 1) in this process.

    On these small matrices extra threads cost more than they save (training the default
    model took 4x longer with two threads on a 2-core machine), and a classroom server or
    a parallel sweep already keeps every core busy. A notebook keeps its own setting.
    """
    count = threads or int(os.environ.get("PRUNING_BLAS_THREADS", "1"))
    threadpool_limits(limits=count, user_api="blas")
