"""What the Learn page and the lessons say, recomputed by the engine with the app's defaults.

Each ``claims_*`` function recomputes the numbers of a few texts (``ModelConfig()``, the
lessons' presets, the pages' default epochs) and returns, per text, the strings the text
must contain, formatted as the text shows them (its rounding), in English and in Chinese.
``tests/test_learn_numbers.py`` checks them. The expected values live in the texts only.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

import pruning
from pages.ui.formulas import COMPACT
from pages.ui.i18n import catalogue
from pages.ui.lessons import load
from pages.ui.measured import (
    LOTTERY_EPOCHS,
    LOTTERY_SPARSITIES,
)
from pages.ui.prune_controls import AT_INIT_EPOCHS, FINETUNE_EPOCHS
from pruning import ModelConfig, Network
from pruning.cost import FLOAT_BYTES, storage
from pruning.scores import SYNFLOW_ROUNDS, unit_l1_scores, unit_l2_scores
from pruning.sharing import FLOAT_BITS

LANGS = ("en", "zh")
Claim = str | tuple[str, str]  # the same in both languages, or (English, Chinese)


# --- how the texts show numbers ------------------------------------------------------------


def pct(value: float) -> str:
    """A percentage as the lessons write it: one decimal, but a whole 100%."""
    return "100%" if round(value, 3) == 1 else f"{value:.1%}"


def two(value: float) -> str:
    return f"{value:.2f}"


def level(sparsity: float) -> str:
    return f"{sparsity:.0%}"


def paren(text: str) -> tuple[str, str]:
    """In brackets: Chinese text uses full-width ones."""
    return f"({text})", f"（{text}）"


def kb(size: int) -> str:
    return f"{size / 1000:.1f} kB"


# --- the engine, with the app's defaults, each result computed once -----------------------


class Engine:
    """The default model and the lessons' models, and what the pages compute from them."""

    def __init__(self, net: Network, data: pruning.Dataset):
        assert net.config == ModelConfig().as_dict()  # the app's default model
        self.net, self.data = net, data
        self.lessons = {x.id: x for x in load()}
        self._memo: dict = {}

    def memo(self, key, compute: Callable):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def val(self, network: Network) -> float:
        return pruning.evaluate(network, self.data.X_val, self.data.y_val).accuracy

    def test(self, network: Network) -> float:
        return pruning.evaluate(network, self.data.X_test, self.data.y_test).accuracy

    def network(self, name: str) -> Network:
        """``default``, ``deep`` (lesson 6's preset) or either one ``@init`` (θ0)."""
        base, _, init = name.partition("@")
        if base == "deep":
            hidden = pruning.parse_hidden(self.lessons["layer_collapse"].values()["hidden"])
            network = self.memo("deep", lambda: pruning.train(self.data, hidden=hidden))
        else:
            network = self.net
        return network.at_init() if init else network

    def pruned(self, strategy: str, sparsity: float, name: str = "default") -> pruning.PruneResult:
        """As the Prune page prunes: a ``Pruner`` with seed 0, read at ``sparsity``."""
        return self.memo(
            ("pruned", strategy, sparsity, name),
            lambda: pruning.Pruner(self.network(name), strategy, self.data, 0).prune(sparsity),
        )

    def accuracy(self, strategy: str, sparsity: float, name: str = "default") -> float:
        return self.val(self.pruned(strategy, sparsity, name).network)

    def tuned(self, strategy: str, sparsity: float, epochs: int, name: str = "default") -> float:
        """The Prune page's fine-tuning (or, from θ0, its "train the sparse network")."""
        result = self.pruned(strategy, sparsity, name)
        return self.memo(
            ("tuned", strategy, sparsity, epochs, name),
            lambda: self.val(pruning.finetune(result, self.data, epochs).network),
        )

    def lottery(self):
        """The Lottery page's table with its defaults: variant x sparsity -> accuracy."""
        levels = [p / 100 for p in LOTTERY_SPARSITIES]
        return self.memo(
            "lottery",
            lambda: pruning.lottery(
                self.net, self.data, levels, epochs=LOTTERY_EPOCHS, seed=self.net.config["seed"]
            ).pivot(index="variant", columns="sparsity", values="accuracy"),
        )

    def preset(self, lesson: str, key: str):
        return self.lessons[lesson].values()[key]

    def lesson_number(self, lesson: str) -> int:
        return list(self.lessons).index(lesson) + 1


def synflow_rounds(e: Engine, sparsity: float, name: str = "default") -> int:
    """The SynFlow rounds the engine runs to reach ``sparsity``: the last round in which a
    weight it removes was still alive (its score is the round each weight survived to)."""
    pruner = pruning.Pruner(e.network(name), "synflow", e.data)
    masks, _ = pruner.masks(sparsity)
    return int(max(s[~m].max() for s, m in zip(pruner.scores, masks, strict=True) if (~m).any()))


# --- the Learn page ------------------------------------------------------------------------

CLAIMS: dict[str, Callable[[Engine], dict[str, list[Claim]]]] = {}


def claims(fn):
    CLAIMS[fn.__name__.removeprefix("claims_")] = fn
    return fn


@claims
def claims_default_model(e: Engine):
    """The measured section's model, the worked example and the caveat."""
    net, config = e.net, ModelConfig()
    inputs, hidden, outputs = net.layer_sizes
    sparsity = 0.9
    kept = e.pruned("global_magnitude", sparsity).nonzero
    biases = sum(b.size for b in net.intercepts)
    h, w = e.data.feature_shape
    unit = {"relu": "ReLU"}.get(config.activation, config.activation)
    return {
        "learn.measured_intro": [
            "{train:,}",  # the size comes from the data, not the text
            (f"{hidden} {unit} units", f"{hidden} 个 {unit}"),
            (f"learning rate {config.learning_rate}", f"学习率 {config.learning_rate}"),
            (f"seed {config.seed}", f"随机种子 {config.seed}"),
            f"{e.val(net):.4f}",
            (f"{len(net.history)} epochs", f"{len(net.history)} 轮"),
            f"{e.test(net):.4f}",
        ],
        "learn.example": [
            (f"{inputs} inputs", f"{inputs} 个输入"),
            (f"{hidden} hidden units", f"{hidden} 个隐藏神经元"),
            (f"{outputs} outputs", f"{outputs} 个输出"),
            f"{inputs} × {hidden} + {hidden} × {outputs} = {net.n_weights:,}",
            f"{biases}",
            level(sparsity),
            f"{net.n_weights - kept:,}",
            f"{kept:,}",
            (f"density is {level(1 - sparsity)}", f"密度是 {level(1 - sparsity)}"),
            f"{net.n_weights:,} / {kept:,} = {net.n_weights / kept:g}×",
        ],
        "learn.measured_caveat": [
            (f"seed {config.seed}", f"种子 {config.seed}"),
            f"{h} × {w}",
            f"{net.n_weights:,}",
        ],
    }


@claims
def claims_conversions(e: Engine):
    """Sparsity and compression: the example pairs, read off pruned networks."""
    pairs = [
        f"{level(s)} = {e.pruned('global_magnitude', s).compression:g}×"
        for s in (0.5, 0.75, 0.95, 0.98)
    ]
    return {"learn.example_more": [*pairs, f"{1 - 1 / 32:.0%}"]}


@claims
def claims_after_the_table(e: Engine):
    table = e.lottery()
    levels = [p / 100 for p in LOTTERY_SPARSITIES][-2:]  # the two highest, which the text quotes
    everything = f"{e.accuracy('global_magnitude', 1.0):.3f}"
    return {
        "learn.measured_after": [
            level(1.0),
            everything,
            (f"{FINETUNE_EPOCHS} epochs", f"{FINETUNE_EPOCHS} 轮"),
            level(0.9),
            two(e.tuned("global_magnitude", 0.9, FINETUNE_EPOCHS)),
            (f"{LOTTERY_EPOCHS} epochs per round", f"每轮训练 {LOTTERY_EPOCHS} 轮"),
            *(level(s) for s in levels),
            *(two(table.loc[v, s]) for v in ("rewind", "reinit") for s in levels),
        ],
        "learn.faq_all_a": [everything],
        "learn.try_prune_all": [level(1.0)],
    }


@claims
def claims_faq(e: Engine):
    g90, l90 = e.accuracy("global_magnitude", 0.9), e.accuracy("layer_magnitude", 0.9)
    return {
        "learn.faq_when_finetune": [
            level(0.9),
            two(g90),
            two(e.tuned("global_magnitude", 0.9, FINETUNE_EPOCHS)),
            (f"{FINETUNE_EPOCHS} epochs", f"{FINETUNE_EPOCHS} 轮"),
        ],
        "learn.faq_pick_a": [level(0.9), two(l90), two(g90)],
        "learn.faq_size_a": [(f"{FLOAT_BYTES} bytes", f"{FLOAT_BYTES} 字节")],
    }


@claims
def claims_storage(e: Engine):
    """The structured-pruning section: bytes, bits and the CSR example."""
    import scipy.sparse

    rows, cols = e.net.coefs[0].shape
    W = np.zeros((rows, cols), dtype=np.float32)
    W.flat[::10] = 1.0  # 10% of the weights left
    csr = scipy.sparse.csr_matrix(W)  # as the Cost page counts it (pruning.cost.storage)
    index_bytes = csr.indices.itemsize
    total = csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes
    bits = pruning.share_weights(e.net, 16).bits_per_weight  # k = 16, as the text says
    removed = 40
    compacted = pruning.compact(e.pruned("neuron_l1", removed / e.net.hidden[0]).network)
    assert rf"\times {compacted.hidden[0]}" in COMPACT  # the formula shows the smaller matrices
    return {
        "learn.struct_body": [(f"{FLOAT_BYTES} bytes", f"{FLOAT_BYTES} 字节"), f"{FLOAT_BITS}"],
        "learn.struct_csr": [
            (
                f"{FLOAT_BYTES}-byte values and {index_bytes}-byte",
                f"{FLOAT_BYTES} 字节的值和 {index_bytes} 字节",
            ),
            (
                f"costs {FLOAT_BYTES + index_bytes} bytes instead of {FLOAT_BYTES}",
                f"要占 {FLOAT_BYTES + index_bytes} 字节而不是 {FLOAT_BYTES} 字节",
            ),
            paren(f"{rows} × {cols}"),
            f"{W.nbytes:,}",
            f"{csr.nnz} ",
            paren(f"{csr.nnz / W.size:.0%}"),
            f"{csr.nnz} × {FLOAT_BYTES + index_bytes} + {rows + 1} × {index_bytes} = {total:,}",
        ],
        "learn.struct_compact": [
            (f"{removed} of the {e.net.hidden[0]}", f"{e.net.hidden[0]} 个隐藏神经元中的 {removed}")
        ],
        "learn.sharing_body": [
            (f"{FLOAT_BITS}-bit", f"{FLOAT_BITS} 位"),
            (f"{bits} bits, {FLOAT_BITS // bits} times less", f"{bits} 位"),
        ],
    }


@claims
def claims_split(e: Engine):
    sizes = e.data.sizes
    total = sum(sizes.values())
    test = sizes["test"] / total
    return {
        "learn.split_intro": [
            f"{100 * (1 - test):.0f}/{100 * test:.0f}",
            f"{sizes['val'] / (sizes['train'] + sizes['val']):.0%}",
        ]
    }


@claims
def claims_lenet(e: Engine):
    """LeNet-300-100 on MNIST (28 × 28 inputs, 10 classes), counted by the engine."""
    hidden = pruning.parse_hidden("300-100")
    sizes = (28 * 28, *hidden, 10)
    lenet = Network(
        coefs=[np.zeros(s) for s in itertools.pairwise(sizes)],
        intercepts=[np.zeros(n) for n in sizes[1:]],
        activation="relu",
        classes=np.arange(10),
    )
    return {
        "learn.results_intro": [
            "LeNet-300-100",
            (f"({hidden[0]} and {hidden[1]} units)", f"（{hidden[0]} 和 {hidden[1]} 个神经元）"),
            f"{lenet.n_weights:,}",
            (f"{lenet.n_parameters / 1000:.0f}K", f"{lenet.n_parameters / 1e4:.1f} 万"),
        ]
    }


@claims
def claims_common_mistake(e: Engine):
    rows, cols = e.net.coefs[0].shape
    return {
        "learn.mistake_body": [(f"{rows} or more", f"{rows} 及以上")],
        "learn.wrong_error": [
            (f"({rows} rows, {cols} columns)", f"（{rows} 行、{cols} 列）"),
            f"axis 0 with size {rows}",
        ],
    }


@claims
def claims_strategy_notes(e: Engine):
    """SynFlow's rounds, what LeCun's approximation changes, the L1/L2 example."""
    r90, r98 = synflow_rounds(e, 0.9), synflow_rounds(e, 0.98)
    approx, exact = (e.pruned(s, 0.9) for s in ("obd", "obd_exact"))
    kept = [np.concatenate([m.ravel() for m in r.masks]) for r in (approx, exact)]
    W = np.array([[3.0, 1.0], [0.0, 1.0], [0.0, 1.0]])  # two units' incoming weights
    unit = Network(
        coefs=[W, np.zeros((2, 2))],
        intercepts=[np.zeros(2)] * 2,
        activation="relu",
        classes=np.arange(2),
    )
    (l1,), (l2,) = unit_l1_scores(unit, None, None), unit_l2_scores(unit, None, None)
    vectors = [f"({', '.join(f'{x:g}' for x in W[:, j])})" for j in range(2)]
    return {
        "learn.synflow_note": [
            (
                f"{r90} rounds for {level(0.9)} and {r98} for {level(0.98)}",
                f"{level(0.9)} 需要 {r90} 轮，{level(0.98)} 需要 {r98} 轮",
            ),
        ],
        "learn.obd_exact_note": [
            level(0.9),
            f"{(kept[0] & kept[1]).sum()}",
            f"{kept[0].sum()}",
            pct(e.val(approx.network)),
            pct(e.val(exact.network)),
        ],
        "learn.neuron_l2_note": [
            *vectors,
            (f"(both {l1[0]:g})", f"（都是 {l1[0]:g}）"),
            (f"({l2[0]:g} against about {l2[1]:.2f})", f"（{l2[0]:g} 对约 {l2[1]:.2f}）"),
        ],
    }


# --- the lessons ---------------------------------------------------------------------------


def lesson(lesson_id: str, **fields: list[Claim]) -> dict[str, list[Claim]]:
    return {f"lesson.{lesson_id}.{field}": items for field, items in fields.items()}


@claims
def claims_lessons_1_and_2(e: Engine):
    dense = pct(e.val(e.net))
    s1 = e.preset("random_vs_magnitude", "sparsity") / 100
    s2 = e.preset("global_vs_layer", "sparsity") / 100
    g, lw = e.pruned("global_magnitude", s2), e.pruned("layer_magnitude", s2)
    (g1, g2), l2 = g.layer_counts, lw.layer_counts[1]
    return lesson(
        "random_vs_magnitude",
        notice=[level(s1)],
        question=[level(s1)],
        answer=[
            dense,
            level(s1),
            pct(e.accuracy("random", s1)),
            pct(e.accuracy("global_magnitude", s1)),
        ],
    ) | lesson(
        "global_vs_layer",
        notice=[level(s2)],
        question=[level(s2)],
        answer=[
            pct(e.val(g.network)),
            pct(e.val(lw.network)),
            dense,
            (f"exactly {l2.density:.0%} of each", f"恰好保留 {l2.density:.0%}"),
            (
                f"({l2.total:,} weights) keeps only {l2.nonzero}",
                f"（{l2.total:,} 个权重）只剩 {l2.nonzero} 个",
            ),
            f"{e.net.n_weights:,}",
            (f"{g1.nonzero} of the {g1.total:,}", f"{g1.total:,} 个权重只留下 {g1.nonzero} 个"),
            paren(f"{g1.density:.1%}"),
            (f"{g2.nonzero} of the {g2.total:,}", f"{g2.total:,} 个权重留下了 {g2.nonzero} 个"),
            paren(f"{g2.density:.0%}"),
        ],
    )


@claims
def claims_lesson_3(e: Engine):
    numbers = [pct(e.val(e.net)), f"{e.net.n_weights:,}"]
    levels = (e.preset("finetune_recovery", "sparsity") / 100, 0.95, 0.98, 0.99)
    for sparsity in levels:
        numbers += [
            level(sparsity),
            pct(e.accuracy("global_magnitude", sparsity)),
            pct(e.tuned("global_magnitude", sparsity, FINETUNE_EPOCHS)),
        ]
    kept = e.pruned("global_magnitude", 0.98).nonzero
    everything = "everything_pruned"
    return lesson(
        "finetune_recovery",
        question=[(f"{FINETUNE_EPOCHS} epochs", f"{FINETUNE_EPOCHS} 轮"), *map(level, levels)],
        answer=[
            *numbers,
            (f"just {kept} of the", f"只剩 {kept} 个"),
            (
                f"At {e.preset(everything, 'sparsity')}% (lesson {e.lesson_number(everything)})",
                f"到 {e.preset(everything, 'sparsity')}% 时（第 {e.lesson_number(everything)} 课）",
            ),
        ],
    )


@claims
def claims_lesson_4(e: Engine):
    import inspect

    table = e.lottery()
    rate = inspect.signature(pruning.lottery).parameters["prune_rate"].default
    return lesson(
        "lottery_ticket",
        notice=[(f"{rate:.0%} of the remaining", f"剩余权重的 {rate:.0%}")],
        question=[level(0.98)],
        answer=[
            pct(e.val(e.net)),
            *(level(s) for s in (0.9, 0.98)),
            *(pct(table.loc[v, s]) for v in ("rewind", "reinit") for s in (0.9, 0.98)),
        ],
    )


@claims
def claims_lesson_5(e: Engine):
    sparsity = e.preset("what_gets_smaller", "sparsity") / 100
    g = e.pruned("global_magnitude", sparsity)
    sizes, half = storage(g.network), storage(e.pruned("global_magnitude", 0.5).network)
    neurons = e.pruned("neuron_l1", 0.5)
    cut = sum(e.net.hidden) - sum(pruning.compact(neurons.network).hidden)
    no_input = ~g.masks[0].any(axis=0)
    no_weight = no_input & ~g.masks[1].any(axis=1)
    assert sum(e.net.hidden) - sum(pruning.compact(g.network).hidden) == no_input.sum()
    larger = [level(0.5)] if half.csr > half.dense else []  # "at 50% CSR is even larger"
    return lesson(
        "what_gets_smaller",
        notice=[level(sparsity)],
        question=[
            (f"{g.compression:.0f} times smaller", f"小了 {g.compression:.0f} 倍"),
            level(0.5),
        ],
        answer=[
            kb(sizes.dense),
            f"{e.net.n_parameters:,}",
            (f"{FLOAT_BYTES} bytes", f"{FLOAT_BYTES} 字节"),
            f"{g.nonzero}",
            kb(sizes.csr),
            *larger,
            level(sparsity),
            (
                f"{level(0.5)} cuts {cut} of the {sum(e.net.hidden)}",
                f"{level(0.5)} 时从 {sum(e.net.hidden)} 个隐藏单元中剪掉 {cut} 个",
            ),
            kb(storage(neurons.network).compacted),
            pct(e.val(neurons.network)),
            (
                f"{no_input.sum()} hidden units with no incoming weight",
                f"{no_input.sum()} 个隐藏单元没有任何输入权重",
            ),
            (f"({no_weight.sum()} of them with no weight at all)", f"（其中 {no_weight.sum()} 个"),
            kb(sizes.compacted),
        ],
    )


@claims
def claims_lesson_6(e: Engine):
    data, deep = e.data, e.network("deep")
    sparsity = e.preset("layer_collapse", "sparsity") / 100
    g99, s99, f99 = (e.pruned(s, sparsity, "deep") for s in ("global_magnitude", "snip", "synflow"))
    g98, f98 = (e.pruned(s, 0.98, "deep") for s in ("global_magnitude", "synflow"))
    kept = [c.nonzero for c in f99.layer_counts]
    (answer_g99,) = np.unique(g99.network.predict(data.X_val))  # one answer for every image
    answer_s99 = np.unique(s99.network.predict(data.X_val))
    assert not g99.collapsed  # a path survives, though it carries almost nothing
    collapsed = e.pruned("global_magnitude", 0.98, "deep@init")
    assert collapsed.collapsed and [c.nonzero for c in collapsed.layer_counts][1:3] == [0, 0]
    trained = []
    for strategy in ("snip", "synflow"):
        assert not e.pruned(strategy, 0.98, "deep@init").collapsed
        trained.append(pct(e.tuned(strategy, 0.98, AT_INIT_EPOCHS, "deep@init")))
    rounds = synflow_rounds(e, 0.98, "deep")
    a, b, c = deep.hidden
    middle = {W.size for W in deep.coefs[1:3]}
    assert len(middle) == 1  # "two of its weight layers hold ... weights each"
    both = " or ".join(f"“{x}”" for x in answer_s99), "或".join(f"“{x}”" for x in answer_s99)
    return lesson(
        "layer_collapse",
        notice=[
            (f"({a}, {b} and {c} units)", f"（{a}、{b} 和 {c} 个单元）"),
            (f"{middle.pop():,} weights each", f"各有 {deep.coefs[1].size:,} 个权重"),
            level(sparsity),
        ],
        question=[level(0.98)],
        answer=[
            (
                f"only {g99.layer_counts[1].nonzero} weights in fc2 and "
                f"{g99.layer_counts[2].nonzero} in fc3",
                f"在 fc2 只留下 {g99.layer_counts[1].nonzero} 个权重、在 fc3 只留下 "
                f"{g99.layer_counts[2].nonzero} 个",
            ),
            (
                f"“{answer_g99}” ({pct(e.val(g99.network))})",
                f"“{answer_g99}”（{pct(e.val(g99.network))}）",
            ),
            (
                f"between {min(kept)} and {max(kept)} weights",
                f"保留了 {min(kept)} 到 {max(kept)} 个",
            ),
            pct(e.val(f99.network)),
            level(sparsity),
            (f"At {level(0.98)} the difference", f"在 {level(0.98)} 时差别"),
            (
                f"{pct(e.val(f98.network))} for SynFlow against {pct(e.val(g98.network))}",
                f"SynFlow 为 {pct(e.val(f98.network))}，按幅值全局剪枝为 {pct(e.val(g98.network))}",
            ),
            (f"schedule of {SYNFLOW_ROUNDS} rounds", f"{SYNFLOW_ROUNDS} 轮计划"),
            (
                f"{level(0.98)} on this network is reached after {rounds} of them",
                f"{level(0.98)} 在第 {rounds} 轮达到",
            ),
            (
                f"({pct(e.val(s99.network))}: it only ever answers {both[0]})",
                f"（{pct(e.val(s99.network))}：它只会回答{both[1]}）",
            ),
            (f"weights at {level(0.98)}", f"剪到 {level(0.98)}"),
            (f"after {AT_INIT_EPOCHS} epochs", f"再训练 {AT_INIT_EPOCHS} 轮"),
            *trained,
        ],
    )


@claims
def claims_lesson_7(e: Engine):
    sparsity = e.preset("everything_pruned", "sparsity") / 100
    numbers = []
    n = len(e.data.y_val)
    for tuned in (False, True):
        result = e.pruned("global_magnitude", sparsity)
        if tuned:
            result = e.memo("tuned7", lambda r=result: pruning.finetune(r, e.data, FINETUNE_EPOCHS))
        (answer,) = np.unique(result.network.predict(e.data.X_val))  # one answer for all
        hits = int((e.data.y_val == answer).sum())
        numbers += [f"“{answer}”", f"{hits} / {n} = {pct(hits / n)}", pct(hits / n)]
        if not tuned:
            numbers += [
                (f"the digit {answer}", f"属于数字 {answer}"),
                (
                    f"{hits} of the {n} validation images are {answer}s",
                    f"{n} 张验证图像中有 {hits} 张是 {answer}",
                ),
            ]
    classes = len(e.net.classes)
    return lesson(
        "everything_pruned",
        notice=[level(sparsity)],
        answer=[
            *numbers,
            (f"(1 in {classes})", "十分之一" if classes == 10 else f"{classes} 分之一"),
            (f"After {FINETUNE_EPOCHS} epochs", f"微调 {FINETUNE_EPOCHS} 轮之后"),
        ],
    )


@claims
def claims_lesson_8(e: Engine):
    sparsity = e.preset("which_digits", "sparsity") / 100
    g = e.pruned("global_magnitude", sparsity)
    before = pruning.evaluate(e.net, e.data.X_val, e.data.y_val)
    after = pruning.evaluate(g.network, e.data.X_val, e.data.y_val)
    loss = before.per_class - after.per_class
    worst, second = np.argsort(-loss, kind="stable")[:2]
    best = int(np.argmin(loss))  # the one that gains most
    whole = [d for d in range(10) if before.per_class[d] == after.per_class[d] == 1][:1] or ["-"]
    errors = after.confusion.copy()
    np.fill_diagonal(errors, 0)
    first, other = (np.unravel_index(i, errors.shape) for i in np.argsort(-errors.ravel())[:2])
    per_digit = len(e.data.y_val) / len(e.net.classes)

    def change(d):
        return pct(before.per_class[d]), pct(after.per_class[d])

    return lesson(
        "which_digits",
        question=[level(sparsity)],
        answer=[
            (f"The digit {whole[0]} keeps 100%", f"数字 {whole[0]} 保持在 100%"),
            (
                f"{best} even improves from {change(best)[0]} to {change(best)[1]}",
                f"{best} 甚至从 {change(best)[0]} 升到了 {change(best)[1]}",
            ),
            (
                f"The digit {worst} suffers most: it falls from {change(worst)[0]} to "
                f"{change(worst)[1]}",
                f"受害最重的是 {worst}：从 {change(worst)[0]} 跌到 {change(worst)[1]}",
            ),
            (
                f"{second} falls from {change(second)[0]} to {change(second)[1]}",
                f"{second} 也从 {change(second)[0]} 跌到 {change(second)[1]}",
            ),
            (
                f"a {first[0]} read as a {first[1]} ({errors[first]} times)",
                f"把 {first[0]} 认成 {first[1]}（{errors[first]} 次）",
            ),
            (
                f"an {other[0]} read as a {other[1]} ({errors[other]} times)",
                f"把 {other[0]} 认成 {other[1]}（{errors[other]} 次）",
            ),
            (f"about {per_digit:.0f} images", f"大约 {per_digit:.0f} 张"),
            (f"about {100 / per_digit:.0f} points", f"约 {100 / per_digit:.0f} 个百分点"),
        ],
    )


@claims
def claims_lesson_9(e: Engine):
    sparsity = e.preset("before_training", "sparsity") / 100
    assert e.preset("before_training", "init")
    snip0 = e.pruned("snip", sparsity, "default@init")
    no_connection = ~snip0.masks[0].any(axis=1)
    blank = e.data.X_train.max(axis=0) == 0
    assert not (blank & ~no_connection).any()  # every blank pixel is among them
    epochs = (f"{AT_INIT_EPOCHS} epochs", f"{AT_INIT_EPOCHS} 轮")
    return lesson(
        "before_training",
        notice=[level(sparsity), epochs],
        question=[epochs],
        answer=[
            pct(e.val(snip0.network)),
            pct(e.tuned("snip", sparsity, AT_INIT_EPOCHS, "default@init")),
            pct(e.val(e.net)),
            (f"only ever trained {level(1 - sparsity)}", f"只训练了 {level(1 - sparsity)}"),
            pct(e.tuned("global_magnitude", sparsity, AT_INIT_EPOCHS, "default@init")),
            (f"{no_connection.sum()} pixels with no connection", f"{no_connection.sum()} 个像素"),
            (f"all {blank.sum()} that are blank", f"那 {blank.sum()} 个像素"),
            pct(e.accuracy("snip", sparsity)),
        ],
    )


def texts(lang: str) -> dict[str, str]:
    """Every text of the Learn page and the lessons, by name (code samples left out)."""
    out = {k: v for k, v in catalogue(lang).items() if k.startswith("learn.")}
    for key in ("learn.wrong_code", "learn.right_code"):
        del out[key]
    for x in load():
        out |= {f"lesson.{x.id}.{field}": text for field, text in x.text[lang].items()}
    return out


def in_language(claim: Claim, lang: str) -> str:
    return claim if isinstance(claim, str) else claim[LANGS.index(lang)]
