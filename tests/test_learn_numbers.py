"""The Learn page's measured numbers are the engine's: each is recomputed here with the
app's defaults and must match the text to the digits it shows, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

import pruning
from pages.ui.i18n import catalogue
from pages.ui.measured import (
    LOTTERY_EPOCHS,
    LOTTERY_SPARSITIES,
    MEASURED,
    MEASURED_LEVELS,
    MEASURED_SEEDS,
)
from pruning import ModelConfig


@pytest.fixture(scope="module")
def default(digits, net):
    assert net.config == ModelConfig().as_dict()  # the app's default model
    return net, digits


def shown(value: float) -> str:
    return f"{value:.2f}"


def test_the_one_shot_table(default):
    net, data = default
    levels = [p / 100 for p in MEASURED_LEVELS]
    exact = pruning.sweep(net, data, ["layer_magnitude", "global_magnitude"], levels)
    random = pruning.sweep(net, data, ["random"], levels, seeds=range(MEASURED_SEEDS))
    for strategy, row in MEASURED.items():
        part = random if strategy == "random" else exact[exact["strategy"] == strategy]
        means = part.groupby("sparsity")["accuracy"].mean()
        expected = [("~" if strategy == "random" else "") + shown(means[s]) for s in levels]
        assert list(row) == expected, strategy


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_default_model_in_the_intro(default, lang):
    net, data = default
    text = catalogue(lang)["learn.measured_intro"]
    val = pruning.evaluate(net, data.X_val, data.y_val).accuracy
    test = pruning.evaluate(net, data.X_test, data.y_test).accuracy
    assert f"{val:.4f}" in text and f"{test:.4f}" in text
    assert str(len(net.history)) in text  # epochs
    assert "{train:,}" in text  # the size comes from the data, not the text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_numbers_quoted_after_the_table(default, lang):
    net, data = default
    text = catalogue(lang)["learn.measured_after"]
    everything = pruning.prune(net, "global_magnitude", 1.0)
    assert f"{pruning.evaluate(everything.network, data.X_val, data.y_val).accuracy:.3f}" in text
    tuned = pruning.finetune(pruning.prune(net, "global_magnitude", 0.9), data, 10)
    assert f"{shown(pruning.evaluate(tuned.network, data.X_val, data.y_val).accuracy)}" in text
    levels = [p / 100 for p in LOTTERY_SPARSITIES]
    lottery = pruning.lottery(net, data, levels, epochs=LOTTERY_EPOCHS, seed=net.config["seed"])
    table = lottery.pivot(index="variant", columns="sparsity", values="accuracy")
    for variant in ("rewind", "reinit"):
        for sparsity in levels[-2:]:  # the two highest, which the text quotes
            assert shown(table.loc[variant, sparsity]) in text, (variant, sparsity)
    assert str(LOTTERY_EPOCHS) in text


def synflow_rounds(net, data, sparsity: float) -> int:
    """The SynFlow rounds the engine runs to reach ``sparsity``: the last round in which a
    weight it removes was still alive (its score is the round each weight survived to)."""
    pruner = pruning.Pruner(net, "synflow", data)
    masks, _ = pruner.masks(sparsity)
    return int(max(s[~m].max() for s, m in zip(pruner.scores, masks, strict=True) if (~m).any()))


def test_the_synflow_rounds_the_texts_quote(default):
    from pages.ui.lessons import load

    net, data = default
    r90, r98 = synflow_rounds(net, data, 0.9), synflow_rounds(net, data, 0.98)
    assert f"{r90} rounds for 90% and {r98} for 98%" in catalogue("en")["learn.synflow_note"]
    assert f"90% 需要 {r90} 轮，98% 需要 {r98} 轮" in catalogue("zh")["learn.synflow_note"]
    lesson = next(x for x in load() if x.id == "layer_collapse")
    config = ModelConfig(hidden=pruning.parse_hidden(lesson.preset["hidden"]))
    rounds = synflow_rounds(pruning.train(data, config), data, 0.98)
    assert f"reached after {rounds} of them" in lesson.text["en"]["answer"]
    assert f"在第 {rounds} 轮达到" in lesson.text["zh"]["answer"]


def test_the_lessons_counts_and_per_digit_accuracies(default):
    """Lesson 5's hidden units without weights and lesson 8's per-digit accuracies."""
    from pages.ui.lessons import load

    net, data = default
    lessons = {x.id: x for x in load()}
    pruned = pruning.prune(net, "global_magnitude", 0.9)
    no_input = ~pruned.masks[0].any(axis=0)
    no_weight = no_input & ~pruned.masks[1].any(axis=1)
    cut = sum(net.hidden) - sum(pruning.compact(pruned.network).hidden)
    assert cut == no_input.sum()  # compaction cuts exactly the units with no input left
    smaller = lessons["what_gets_smaller"].text
    assert f"{no_input.sum()} hidden units with no incoming weight" in smaller["en"]["answer"]
    assert f"({no_weight.sum()} of them with no weight at all)" in smaller["en"]["answer"]
    assert f"{no_input.sum()} 个隐藏单元没有任何输入权重" in smaller["zh"]["answer"]
    before = pruning.evaluate(net, data.X_val, data.y_val).per_class
    after = pruning.evaluate(pruned.network, data.X_val, data.y_val).per_class
    for lang in ("en", "zh"):
        answer = lessons["which_digits"].text[lang]["answer"]
        for digit in (5, 8):  # the two that suffer most, before and after
            assert f"{100 * before[digit]:.1f}%" in answer, (lang, digit)
            assert f"{100 * after[digit]:.1f}%" in answer, (lang, digit)


def test_the_lottery_texts_say_that_ticked_sparsities_change_the_rounds():
    """A short landing round hits each ticked sparsity, so the rounds before 90% depend on
    which others are ticked: the Lottery page says so, in both languages."""
    alone, with_80 = pruning.lottery_levels([0.9]), pruning.lottery_levels([0.8, 0.9])
    assert alone != with_80 and alone[-1] == with_80[-1] == 0.9
    assert "depends on which other sparsities are ticked" in catalogue("en")["lottery.procedure"]
    assert "取决于还勾选了哪些稀疏度" in catalogue("zh")["lottery.procedure"]


# --- every number in the lessons' answers, recomputed on the model each preset opens ---------


def pct(value: float) -> str:
    return f"{value:.1%}"


def val_accuracy(network, data) -> float:
    return pruning.evaluate(network, data.X_val, data.y_val).accuracy


@pytest.fixture(scope="module")
def lessons():
    from pages.ui.lessons import load

    return {x.id: x for x in load()}


def assert_quoted(lesson, *numbers: str) -> None:
    """Each number appears in the lesson's answer in both languages, as the page shows it."""
    for lang in ("en", "zh"):
        answer = lesson.text[lang]["answer"]
        missing = [n for n in numbers if n not in answer]
        assert not missing, f"{lesson.id} ({lang}): the engine gives {missing}"


def pruned(net, data, strategy: str, sparsity: float):
    return pruning.Pruner(net, strategy, data, 0).prune(sparsity)  # as the Prune page does


def test_lessons_1_and_2_random_global_and_layer_wise(default, lessons):
    net, data = default
    dense = pct(val_accuracy(net, data))
    random, magnitude = (pruned(net, data, s, 0.8) for s in ("random", "global_magnitude"))
    assert_quoted(
        lessons["random_vs_magnitude"],
        dense,
        pct(val_accuracy(random.network, data)),
        pct(val_accuracy(magnitude.network, data)),
    )
    g90, l90 = (pruned(net, data, s, 0.9) for s in ("global_magnitude", "layer_magnitude"))
    fc1, fc2 = g90.layer_counts
    assert_quoted(
        lessons["global_vs_layer"],
        dense,
        pct(val_accuracy(g90.network, data)),
        pct(val_accuracy(l90.network, data)),
        f"{fc1.total:,}",
        f"{fc1.nonzero}",
        f"{fc1.density:.1%}",
        f"{fc2.nonzero}",
        f"{fc2.density:.0%}",
        f"{net.n_weights:,}",
    )


def test_lesson_3_fine_tuning_at_four_sparsities(default, lessons):
    net, data = default
    numbers = [pct(val_accuracy(net, data)), f"{net.n_weights:,}"]
    for sparsity in (0.9, 0.95, 0.98, 0.99):
        result = pruned(net, data, "global_magnitude", sparsity)
        tuned = pruning.finetune(result, data, 10)  # the Prune page's default epochs
        numbers += [pct(val_accuracy(result.network, data)), pct(val_accuracy(tuned.network, data))]
        if sparsity == 0.98:
            numbers.append(f"{result.nonzero}")  # the weights left at 98%
    assert_quoted(lessons["finetune_recovery"], *numbers)


def test_lesson_4_the_lottery(default, lessons):
    net, data = default
    levels = [p / 100 for p in LOTTERY_SPARSITIES]
    table = pruning.lottery(
        net, data, levels, epochs=LOTTERY_EPOCHS, seed=net.config["seed"]
    ).pivot(index="variant", columns="sparsity", values="accuracy")
    assert_quoted(
        lessons["lottery_ticket"],
        pct(val_accuracy(net, data)),
        *(pct(table.loc[v, s]) for v in ("rewind", "reinit") for s in (0.9, 0.98)),
    )


def test_lesson_5_sizes(default, lessons):
    from pruning.cost import storage

    net, data = default
    g90 = pruned(net, data, "global_magnitude", 0.9)
    sizes = storage(g90.network)
    neurons = pruned(net, data, "neuron_l1", 0.5)
    assert_quoted(
        lessons["what_gets_smaller"],
        f"{sizes.dense / 1000:.1f} kB",
        f"{net.n_parameters:,}",
        f"{g90.nonzero}",
        f"{sizes.csr / 1000:.1f} kB",
        f"{sizes.compacted / 1000:.1f} kB",
        f"{storage(neurons.network).compacted / 1000:.1f} kB",
        pct(val_accuracy(neurons.network, data)),
    )


@pytest.fixture(scope="module")
def deep(default, lessons):
    """The layer-collapse lesson's network (50-500-50), trained as its preset opens it."""
    _, data = default
    hidden = pruning.parse_hidden(lessons["layer_collapse"].preset["hidden"])
    return pruning.train(data, ModelConfig(hidden=hidden))


def test_lesson_6_layer_collapse(default, deep, lessons):
    _, data = default
    g99, s99, f99 = (pruned(deep, data, s, 0.99) for s in ("global_magnitude", "snip", "synflow"))
    kept = [c.nonzero for c in f99.layer_counts]
    answer_g99 = np.unique(g99.network.predict(data.X_val))
    answer_s99 = np.unique(s99.network.predict(data.X_val))
    g98, f98 = (pruned(deep, data, s, 0.98) for s in ("global_magnitude", "synflow"))
    numbers = [
        f"only {g99.layer_counts[1].nonzero} weights in fc2 and {g99.layer_counts[2].nonzero}",
        f"“{answer_g99[0]}” ({pct(val_accuracy(g99.network, data))})",
        f"between {min(kept)} and {max(kept)} weights",
        f"({pct(val_accuracy(f99.network, data))};",
        f"{pct(val_accuracy(f98.network, data))} for SynFlow against "
        f"{pct(val_accuracy(g98.network, data))}",
        f"({pct(val_accuracy(s99.network, data))}: it only ever answers "
        + " or ".join(f"“{c}”" for c in answer_s99),
    ]
    answer = lessons["layer_collapse"].text["en"]["answer"]
    assert len(answer_g99) == 1 and not g99.collapsed  # one answer, though a path survives
    assert all(n in answer for n in numbers), [n for n in numbers if n not in answer]
    zh = lessons["layer_collapse"].text["zh"]["answer"]
    for value in (g99.network, f99.network, f98.network, g98.network, s99.network):
        assert pct(val_accuracy(value, data)) in zh
    theta0 = deep.at_init()
    collapsed = pruned(theta0, data, "global_magnitude", 0.98)
    assert collapsed.collapsed and [c.nonzero for c in collapsed.layer_counts][1:3] == [0, 0]
    for strategy in ("snip", "synflow"):
        at_init = pruned(theta0, data, strategy, 0.98)
        assert not at_init.collapsed
        trained = val_accuracy(pruning.finetune(at_init, data, 30).network, data)
        assert_quoted(lessons["layer_collapse"], pct(trained))


def test_lesson_7_everything_pruned(default, lessons):
    net, data = default
    nothing = pruned(net, data, "global_magnitude", 1.0)
    tuned = pruning.finetune(nothing, data, 10)
    numbers = []
    for network in (nothing.network, tuned.network):
        (answer,) = np.unique(network.predict(data.X_val))  # one answer for every image
        hits = int((data.y_val == answer).sum())
        numbers += [f"“{answer}”", f"{hits} / {len(data.y_val)} = {pct(hits / len(data.y_val))}"]
    assert_quoted(lessons["everything_pruned"], *numbers)


def test_lesson_8_which_digits(default, lessons):
    net, data = default
    g90 = pruned(net, data, "global_magnitude", 0.9)
    before = pruning.evaluate(net, data.X_val, data.y_val)
    after = pruning.evaluate(g90.network, data.X_val, data.y_val)
    errors = after.confusion.copy()
    np.fill_diagonal(errors, 0)
    order = np.argsort(-errors.ravel(), kind="stable")[:2]
    first, second = (np.unravel_index(i, errors.shape) for i in order)
    worst = int(np.argmax(before.per_class - after.per_class))
    assert worst == 5
    for digit in (7, 9):
        assert after.per_class[digit] == 1.0
    assert_quoted(
        lessons["which_digits"],
        f"{before.per_class[9]:.1%}",
        *(f"{p:.1%}" for d in (5, 8) for p in (before.per_class[d], after.per_class[d])),
        f"{errors[first]}",
    )
    answer = lessons["which_digits"].text["en"]["answer"]
    assert f"a {first[0]} read as a {first[1]} ({errors[first]} times)" in answer
    assert f"an {second[0]} read as a {second[1]} ({errors[second]} times)" in answer


def test_lesson_9_before_training(default, lessons):
    net, data = default
    theta0 = net.at_init()
    snip0 = pruned(theta0, data, "snip", 0.9)
    magnitude0 = pruned(theta0, data, "global_magnitude", 0.9)
    no_connection = ~snip0.masks[0].any(axis=1)
    blank = data.X_train.max(axis=0) == 0
    assert (no_connection & blank).sum() == blank.sum() == 4  # "the four that are blank"
    assert_quoted(
        lessons["before_training"],
        pct(val_accuracy(snip0.network, data)),
        pct(val_accuracy(pruning.finetune(snip0, data, 30).network, data)),
        pct(val_accuracy(pruning.finetune(magnitude0, data, 30).network, data)),
        pct(val_accuracy(net, data)),
        f"{no_connection.sum()}",
        pct(val_accuracy(pruned(net, data, "snip", 0.9).network, data)),
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_faq_numbers(default, lang):
    """The questions' answers quote the Prune page's numbers on the default model."""
    net, data = default
    text = catalogue(lang)
    g90, l90 = (pruned(net, data, s, 0.9) for s in ("global_magnitude", "layer_magnitude"))
    tuned = pruning.finetune(g90, data, 10)
    g, lw = shown(val_accuracy(g90.network, data)), shown(val_accuracy(l90.network, data))
    assert g in text["learn.faq_when_finetune"]
    assert shown(val_accuracy(tuned.network, data)) in text["learn.faq_when_finetune"]
    assert g in text["learn.faq_pick_a"] and lw in text["learn.faq_pick_a"]
    nothing = val_accuracy(pruned(net, data, "global_magnitude", 1.0).network, data)
    assert f"{nothing:.3f}" in text["learn.faq_all_a"]


def test_the_csr_example_is_what_the_cost_model_counts():
    """struct_csr's worked example: a 64 × 100 layer with 640 weights left."""
    import scipy.sparse

    W = np.zeros((64, 100), dtype=np.float32)
    W.flat[::10] = 1.0  # 640 nonzeros
    csr = scipy.sparse.csr_array(W)
    csr.indices, csr.indptr = csr.indices.astype(np.int32), csr.indptr.astype(np.int32)
    total = csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes
    for lang in ("en", "zh"):
        text = catalogue(lang)["learn.struct_csr"]
        assert f"{W.nbytes:,}" in text and f"{total:,}" in text, lang


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_lecuns_approximation_changes(default, lang):
    net, data = default
    approx, exact = (pruned(net, data, s, 0.9) for s in ("obd", "obd_exact"))
    kept = [np.concatenate([m.ravel() for m in r.masks]) for r in (approx, exact)]
    text = catalogue(lang)["learn.obd_exact_note"]
    assert f"{(kept[0] & kept[1]).sum()}" in text and f"{kept[0].sum()}" in text
    assert pct(val_accuracy(approx.network, data)) in text
    assert pct(val_accuracy(exact.network, data)) in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_worked_example_counts_the_default_network(default, lang):
    net, data = default
    text = catalogue(lang)
    example = text["learn.example"]
    kept = pruned(net, data, "global_magnitude", 0.9).nonzero
    biases = sum(b.size for b in net.intercepts)
    for number in (net.n_weights, biases, net.n_weights - kept, kept, *net.hidden):
        assert f"{number:,}" in example, number
    assert f"{net.n_weights:,}" in text["learn.measured_caveat"]
