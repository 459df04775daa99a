"""Pruning Playground's engine: train a small MLP, prune it, and measure what changed.

Plain numpy, scikit-learn and pandas, usable from a notebook::

    from pruning import load_dataset, train, prune
    data = load_dataset("digits")
    net = train(data)
    result = prune(net, "global_magnitude", 0.9)

Importing the package limits BLAS to one thread (``PRUNING_BLAS_THREADS`` overrides it):
on these small matrices extra threads cost more than they save (training the default
model took 4x longer with two threads on a 2-core machine), and a classroom server
answers many students at once anyway.
"""

import os

from threadpoolctl import threadpool_limits

threadpool_limits(limits=int(os.environ.get("PRUNING_BLAS_THREADS", "1")), user_api="blas")

# The engine's public API; imported after the thread limit so it applies everywhere.

from .compact import compact
from .cost import latency, storage
from .data import DATASETS, Dataset, from_csv, load_dataset
from .masks import (
    Pruner,
    PruneResult,
    apply_masks,
    collapse_reason,
    prune,
    validate_sparsity,
)
from .metrics import evaluate, flops, magnitude_thresholds, weight_histograms
from .network import Network
from .schedules import (
    SCHEDULES,
    finetune,
    gradual,
    gradual_sparsity,
    iterative,
    lottery,
    lottery_levels,
    one_shot,
    prune_at_init,
)
from .sharing import share_weights
from .strategies import STRATEGIES, Strategy, get_strategy
from .sweeps import sensitivity, sweep
from .training import parse_hidden, train, train_masked
from .version import __version__

__all__ = [
    "DATASETS",
    "SCHEDULES",
    "STRATEGIES",
    "Dataset",
    "Network",
    "PruneResult",
    "Pruner",
    "Strategy",
    "__version__",
    "apply_masks",
    "collapse_reason",
    "compact",
    "evaluate",
    "finetune",
    "flops",
    "from_csv",
    "get_strategy",
    "gradual",
    "gradual_sparsity",
    "iterative",
    "latency",
    "load_dataset",
    "lottery",
    "lottery_levels",
    "magnitude_thresholds",
    "one_shot",
    "parse_hidden",
    "prune",
    "prune_at_init",
    "sensitivity",
    "share_weights",
    "storage",
    "sweep",
    "train",
    "train_masked",
    "validate_sparsity",
    "weight_histograms",
]
