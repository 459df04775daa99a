"""Every number on the Learn page and in the lessons is the engine's, or quoted with its source.

``test_the_text_quotes_the_engine`` checks every claim of ``tests/learn_claims.py`` (the
numbers recomputed with the app's defaults) and names the recomputed value when a text
disagrees, so a change of defaults shows at once what to write.
``test_every_number_is_recomputed_or_quoted`` reads every number out of every text, in both
languages, and fails on one that no claim recomputes, unless its sentence names its source
(a paper's result) or it is one of the few illustrations listed in ``FIXED``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

import pruning
from pages.ui.i18n import catalogue
from pages.ui.measured import MEASURED, MEASURED_LEVELS, MEASURED_SEEDS
from tests.learn_claims import CLAIMS, LANGS, Claim, Engine, in_language, texts, two


@pytest.fixture(scope="module")
def engine(net, digits) -> Engine:
    return Engine(net, digits)


@pytest.fixture(scope="module")
def recomputed(engine) -> Callable[[str], dict[str, list[Claim]]]:
    """A group's claims, computed once: one group's error fails that group only."""
    return lambda group: engine.memo(("claims", group), lambda: CLAIMS[group](engine))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("group", list(CLAIMS))
def test_the_text_quotes_the_engine(recomputed, group, lang):
    every = texts(lang)
    missing = [
        f"{name}: the engine gives {in_language(c, lang)!r}"
        for name, items in recomputed(group).items()
        for c in items
        if in_language(c, lang) not in every[name]
    ]
    assert not missing, "\n".join(missing)


def test_the_one_shot_table(engine):
    net, data = engine.net, engine.data
    levels = [p / 100 for p in MEASURED_LEVELS]
    exact = pruning.sweep(net, data, ["layer_magnitude", "global_magnitude"], levels)
    random = pruning.sweep(net, data, ["random"], levels, seeds=range(MEASURED_SEEDS))
    for strategy, row in MEASURED.items():
        part = random if strategy == "random" else exact[exact["strategy"] == strategy]
        means = part.groupby("sparsity")["accuracy"].mean()
        expected = [("~" if strategy == "random" else "") + two(means[s]) for s in levels]
        assert list(row) == expected, strategy


def test_the_lottery_texts_say_that_ticked_sparsities_change_the_rounds():
    """A short landing round hits each ticked sparsity, so the rounds before 90% depend on
    which others are ticked: the Lottery page says so, in both languages."""
    alone, with_80 = pruning.lottery_levels([0.9]), pruning.lottery_levels([0.8, 0.9])
    assert alone != with_80 and alone[-1] == with_80[-1] == 0.9
    assert "depends on which other sparsities are ticked" in catalogue("en")["lottery.procedure"]
    assert "取决于还勾选了哪些稀疏度" in catalogue("zh")["lottery.procedure"]


# --- every number accounted for ------------------------------------------------------------

# A number: digits with thousands commas or a decimal part, not part of a name (fc1, θ0, L2).
NUMBER = re.compile(r"(?<![A-Za-z0-9_θ.,^{\\])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
MATH = re.compile(r"\$[^$]*\$")
SENTENCE = re.compile(r"(?<=[.!?;])(?<!al\.)\s+|(?<=[。！？；])|\n")
# A sentence that names where its numbers come from: a paper's authors, an issue tracker.
SOURCE = re.compile(
    r"\b(Han|Frankle|Carbin|Lee|LeCun|ShrinkBench|Blalock|Tanaka|Hu|Li|He|Zhu|Gupta)\b"
    r"|pytorch/|tensorflow/"
)
# Texts that are a source or a published result (the Learn page's table and the citations).
QUOTED = re.compile(r"learn\.(src|pub)_\w+|learn\.\w+_cite")
# Numbers that are definitions or made-up illustrations, not measurements: name -> phrases.
FIXED = {
    "learn.strategies_intro": [("is 1 for", "取 1"), ("and 0 for", "取 0")],
    "learn.strategies_scope": [("is 1 when", "取 1"), ("and 0 otherwise", "取 0")],
    "learn.snip_note": [("add up to 1", "之和为 1")],
    "learn.synflow_note": ["全为 1 的向量"],  # Chinese only: English says "all ones"
    "learn.neuron_activation_note": [("say, 95%", "（比如）95%")],
    "lesson.private_leaderboard.question": [("2 points", "2 个百分点")],
}
# The Curves page's own readout is read by tests/test_pages_lessons.py, through the page.
ELSEWHERE = {"lesson.private_leaderboard.answer"}


def unaccounted(name: str, text: str, claims: list[str], fixed: list[str]) -> list[str]:
    """The numbers in ``text`` that no claim, source or illustration accounts for."""
    plain = MATH.sub(lambda m: " " * len(m.group()), text)  # formulas are symbols
    covered = np.zeros(len(text) + 1, dtype=bool)
    for phrase in (*claims, *fixed):
        for m in re.finditer(re.escape(phrase), text):
            covered[m.start() : m.end()] = True
    start = 0
    sentences = []
    for m in SENTENCE.finditer(text + "\n"):
        sentences.append((start, m.start(), text[start : m.start()]))
        start = m.end()
    out = []
    for m in NUMBER.finditer(plain):
        if covered[m.start() : m.end()].all() or QUOTED.fullmatch(name):
            continue
        sentence = next(s for a, b, s in sentences if a <= m.start() < max(b, a + 1))
        if SOURCE.search(sentence):
            continue
        out.append(f"{name}: {m.group()!r} in “…{text[max(0, m.start() - 40) : m.end() + 20]}…”")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_number_is_recomputed_or_quoted(recomputed, lang):
    by_text: dict[str, list[str]] = {}
    for group in CLAIMS:
        for name, items in recomputed(group).items():
            by_text.setdefault(name, []).extend(in_language(c, lang) for c in items)
    problems = []
    for name, text in texts(lang).items():
        if name in ELSEWHERE:
            continue
        fixed = [in_language(f, lang) for f in FIXED.get(name, ())]
        problems += unaccounted(name, text, by_text.get(name, []), fixed)
    assert not problems, "numbers no test recomputes:\n" + "\n".join(problems)


def test_the_number_reader_finds_numbers_and_skips_names():
    found = [m.group() for m in NUMBER.finditer("fc1 keeps 7,400 of 0.9722 (θ0, L2) at 90% 第36轮")]
    assert found == ["7,400", "0.9722", "90", "36"]
    fake = unaccounted("learn.x", "It scores 12.5%. Han et al. kept 1 in 12.", ["12.5%"], [])
    assert fake == []
    assert unaccounted("learn.x", "It scores 12.5%.", [], [])  # nothing recomputes it
