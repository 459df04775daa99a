"""The Learn page's measured numbers are the engine's: each is recomputed here with the
app's defaults and must match the text to the digits it shows, in both languages."""

from __future__ import annotations

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
    predicted = pruned.network.predict(data.X_test)
    zero = 100 * (predicted[data.y_test == 0] == 0).mean()
    for lang in ("en", "zh"):
        assert f"{zero:.1f}%" in lessons["which_digits"].text[lang]["answer"], lang


def test_the_lottery_texts_say_that_ticked_sparsities_change_the_rounds():
    """A short landing round hits each ticked sparsity, so the rounds before 90% depend on
    which others are ticked: the Lottery page says so, in both languages."""
    alone, with_80 = pruning.lottery_levels([0.9]), pruning.lottery_levels([0.8, 0.9])
    assert alone != with_80 and alone[-1] == with_80[-1] == 0.9
    assert "depends on which other sparsities are ticked" in catalogue("en")["lottery.procedure"]
    assert "取决于还勾选了哪些稀疏度" in catalogue("zh")["lottery.procedure"]
