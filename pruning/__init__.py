"""Pruning Playground's engine: train a small MLP, prune it, and measure what changed.

Plain numpy, scikit-learn and pandas, usable from a notebook::

    from pruning import load_dataset, train, prune
    data = load_dataset("digits")
    net = train(data)
    result = prune(net, "global_magnitude", 0.9)

``limit_blas_threads()`` is for programs that serve many requests at once (the dashboard
and the CLI call it at start); importing the package changes no process-wide setting.
"""

from .analysis import (
    CurveLine,
    accuracy_at,
    compare,
    csr_break_even,
    curve_lines,
    fewest_bits_within,
    from_level,
    layer_ranking,
    lottery_means,
    mean_by_level,
    median_times,
    sparsest_within,
)
from .checks import check_choice, check_fraction, check_number
from .compact import compact
from .config import FIELDS, Field, ModelConfig, parse_hidden
from .cost import latency, measure, storage, timing_repeats
from .data import DATASETS, Dataset, from_csv, load_dataset
from .masks import (
    Pruner,
    PruneResult,
    apply_masks,
    collapse_reason,
    prune,
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
    lottery_trainings,
    one_shot,
    prune_at_init,
)
from .sharing import share_weights, sharing_table
from .strategies import STRATEGIES, Strategy, get_strategy
from .sweeps import named_by_part, sensitivity, sweep
from .threads import limit_blas_threads
from .training import train, train_masked
from .version import __version__

__all__ = [
    "DATASETS",
    "FIELDS",
    "SCHEDULES",
    "STRATEGIES",
    "CurveLine",
    "Dataset",
    "Field",
    "ModelConfig",
    "Network",
    "PruneResult",
    "Pruner",
    "Strategy",
    "__version__",
    "accuracy_at",
    "apply_masks",
    "check_choice",
    "check_fraction",
    "check_number",
    "collapse_reason",
    "compact",
    "compare",
    "csr_break_even",
    "curve_lines",
    "evaluate",
    "fewest_bits_within",
    "finetune",
    "flops",
    "from_csv",
    "from_level",
    "get_strategy",
    "gradual",
    "gradual_sparsity",
    "iterative",
    "latency",
    "layer_ranking",
    "limit_blas_threads",
    "load_dataset",
    "lottery",
    "lottery_levels",
    "lottery_means",
    "lottery_trainings",
    "magnitude_thresholds",
    "mean_by_level",
    "measure",
    "median_times",
    "named_by_part",
    "one_shot",
    "parse_hidden",
    "prune",
    "prune_at_init",
    "sensitivity",
    "share_weights",
    "sharing_table",
    "sparsest_within",
    "storage",
    "sweep",
    "timing_repeats",
    "train",
    "train_masked",
    "weight_histograms",
]
