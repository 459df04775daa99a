"""The one registry of pruning strategies: score × scope × granularity.

``STRATEGIES`` drives the engine, the CLI's ``--strategy`` choices, the URL keys and the
dashboard's select box. A strategy is a score function from ``pruning.scores`` plus the
scope it competes in (each layer on its own, or all layers together) and what it removes
(single weights, or whole hidden units). Adding a strategy is adding one entry here (and,
for languages other than English, its label and description in the dashboard's locales).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from . import scores


class Granularity(StrEnum):
    """What a strategy removes."""

    WEIGHT = "weight"  # single connections (unstructured)
    NEURON = "neuron"  # whole hidden units with all their connections (structured)


class Scope(StrEnum):
    """Where a strategy's scores compete."""

    GLOBAL = "global"  # one ranking over all layers
    LAYER = "layer"  # the same fraction in every layer


class Needs(StrEnum):
    """What scoring needs besides the weights."""

    NOTHING = "nothing"
    DATA = "data"  # training examples


@dataclass(frozen=True)
class Strategy:
    """One way to choose what to prune.

    Attributes:
        key: stable identifier used by the CLI, URLs and exports.
        label: short name for menus.
        description: one paragraph for a student.
        granularity: what it removes (``Granularity``).
        scope: where its scores compete (``Scope``).
        needs: what scoring needs besides the weights (``Needs``).
        score: function ``(network, data, rng) -> list of arrays``, higher meaning keep.
        paper: where the idea comes from.
        deterministic: False when the seed changes the result.
        threshold: for threshold mode, ``(network, data) -> per-layer values``; a unit
            whose value is at least the threshold is removed.
        at_init: whether it can score the untrained weights θ0 (prune at initialization).
        magnitude_cut: whether it keeps weights by |w| against a cut that a chart can draw
            (one per layer, or one for the whole network).
    """

    key: str
    label: str
    description: str
    granularity: Granularity
    scope: Scope
    needs: Needs
    score: Callable
    paper: str
    deterministic: bool = True
    threshold: Callable | None = None
    at_init: bool = False
    magnitude_cut: bool = False

    @property
    def neurons(self) -> bool:
        """Whether it removes whole hidden units (its sparsity counts units, not weights)."""
        return self.granularity is Granularity.NEURON


_ENTRIES = (
    Strategy(
        key="random",
        label="Random",
        description=(
            "Remove weights chosen at random, the same fraction everywhere in the network. "
            "It ignores what the network learned, so it is the baseline any real method must "
            "beat: accuracy falls quickly as sparsity grows."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.GLOBAL,
        needs=Needs.NOTHING,
        score=scores.random_scores,
        paper="Baseline in Blalock et al. 2020 (ShrinkBench)",
        deterministic=False,
        at_init=True,
    ),
    Strategy(
        key="layer_magnitude",
        label="Magnitude, per layer",
        description=(
            "In every layer, remove the weights with the smallest absolute value, the same "
            "fraction in each layer. Small weights change the output least. Forcing one "
            "fraction on every layer hurts small layers, such as the output layer, the most."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.LAYER,
        needs=Needs.NOTHING,
        score=scores.magnitude_scores,
        paper="Han, Pool, Tran, Dally 2015: Learning both Weights and Connections",
        magnitude_cut=True,
    ),
    Strategy(
        key="global_magnitude",
        label="Magnitude, global",
        description=(
            "Rank every weight in the network by absolute value and remove the smallest, "
            "wherever they are. Layers with many small weights lose more; small, important "
            "layers keep more. At the same sparsity it usually beats the per-layer version."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.GLOBAL,
        needs=Needs.NOTHING,
        score=scores.magnitude_scores,
        paper="Blalock et al. 2020 (ShrinkBench): global beats layer-wise at a fixed size",
        at_init=True,
        magnitude_cut=True,
    ),
    Strategy(
        key="snip",
        label="SNIP (connection sensitivity)",
        description=(
            "Single-shot Network Pruning based on connection sensitivity: score each weight "
            "by |w × dL/dw| on one minibatch of 100 training examples, how much the loss "
            "would change if that connection were removed, and keep the global top. It was "
            "designed to prune once, at initialization, before any training."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.GLOBAL,
        needs=Needs.DATA,
        score=scores.snip_scores,
        paper="Lee, Ajanthan, Torr, ICLR 2019: SNIP",
        at_init=True,
    ),
    Strategy(
        key="obd",
        label="Optimal Brain Damage",
        description=(
            "Estimate how much the loss rises when a weight is removed, using second "
            "derivatives: saliency = ½ × h × w², with h LeCun's approximation of the Hessian's "
            "diagonal (one backward pass that also drops the cross terms between the units of a "
            "layer; exact for the output layer). It assumes the network sits at a minimum, the "
            "loss is locally quadratic, and weights do not interact (the Hessian is diagonal)."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.GLOBAL,
        needs=Needs.DATA,
        score=scores.obd_scores,
        paper="LeCun, Denker, Solla, NIPS 1989: Optimal Brain Damage",
    ),
    Strategy(
        key="obd_exact",
        label="Optimal Brain Damage, exact diagonal",
        description=(
            "Optimal Brain Damage's saliency ½ × h × w², with h the exact diagonal of the "
            "Hessian instead of LeCun's one-pass approximation: compare the two to see what "
            "the approximation changes."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.GLOBAL,
        needs=Needs.DATA,
        score=scores.obd_exact_scores,
        paper="LeCun, Denker, Solla, NIPS 1989: Optimal Brain Damage (exact h_kk)",
    ),
    Strategy(
        key="synflow",
        label="SynFlow (data-free)",
        description=(
            "Score each weight by how much 'synaptic flow' passes through it: replace weights "
            "by their absolute values, feed an all-ones input, and measure each weight's share "
            "of the output. It prunes a little at a time, rescoring after every round, so "
            "that no layer is wiped out (layer collapse): one schedule of 100 rounds runs "
            "down to a single weight, and each sparsity is read off that order, so 90% is "
            "reached after about a quarter of the rounds. It needs no data at all."
        ),
        granularity=Granularity.WEIGHT,
        scope=Scope.GLOBAL,
        needs=Needs.NOTHING,
        score=scores.synflow_scores,
        paper="Tanaka, Kunin, Yamins, Ganguli, NeurIPS 2020: SynFlow",
        at_init=True,
    ),
    Strategy(
        key="neuron_random",
        label="Neurons, random",
        description=(
            "Remove whole hidden units at random, with their incoming weights, bias and "
            "outgoing weights. The matrices really become smaller: the baseline for "
            "structured pruning."
        ),
        granularity=Granularity.NEURON,
        scope=Scope.LAYER,
        needs=Needs.NOTHING,
        score=scores.unit_random_scores,
        paper="Baseline",
        deterministic=False,
    ),
    Strategy(
        key="neuron_l1",
        label="Neurons, L1 norm",
        description=(
            "Remove the hidden units whose incoming weights have the smallest sum of absolute "
            "values. A unit with tiny weights barely reacts to its inputs."
        ),
        granularity=Granularity.NEURON,
        scope=Scope.LAYER,
        needs=Needs.NOTHING,
        score=scores.unit_l1_scores,
        paper="Li et al., ICLR 2017: Pruning Filters for Efficient ConvNets",
    ),
    Strategy(
        key="neuron_l2",
        label="Neurons, L2 norm",
        description=(
            "Remove the hidden units whose incoming weight vector is shortest (L2 norm). Like "
            "the L1 version, but a single large weight counts for more."
        ),
        granularity=Granularity.NEURON,
        scope=Scope.LAYER,
        needs=Needs.NOTHING,
        score=scores.unit_l2_scores,
        paper="He et al., IJCAI 2018: Soft Filter Pruning (L2; Li et al. 2017 use L1)",
    ),
    Strategy(
        key="neuron_activation",
        label="Neurons, activation",
        description=(
            "Run the training data through the network and remove the hidden units that are "
            "quietest on average. In threshold mode it removes every unit whose output is zero "
            "on at least that fraction of examples (APoZ, the average percentage of zeros)."
        ),
        granularity=Granularity.NEURON,
        scope=Scope.LAYER,
        needs=Needs.DATA,
        score=scores.unit_activation_scores,
        paper="Hu, Peng, Tai, Tang 2016: Network Trimming (APoZ)",
        threshold=scores.apoz,
    ),
)

STRATEGIES: dict[str, Strategy] = {s.key: s for s in _ENTRIES}


def at_init_keys() -> tuple[str, ...]:
    """The strategies that can prune at initialization, in registry order."""
    return tuple(k for k, s in STRATEGIES.items() if s.at_init)


def get_strategy(key: str) -> Strategy:
    """The registry entry for ``key``, or a ``ValueError`` listing the valid keys."""
    try:
        return STRATEGIES[key]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown strategy {key!r}; choose one of {', '.join(STRATEGIES)}"
        ) from None
