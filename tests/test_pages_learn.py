"""Learn page: renders in both languages, follows the registry, and gets the facts right."""

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import pruning
from pages.ui.i18n import catalogue
from pages.ui.measured import MEASURED
from pruning import STRATEGIES, prune

LOCALES = Path(__file__).parents[1] / "pages" / "ui" / "locales"
SNIP_NAME = "Single-shot Network Pruning based on connection sensitivity"
WRONG_NAME = "Structured Neural Image Pruning"
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def learn_page(lang: str = "en", **params) -> AppTest:
    """Run the app once, then open the Learn page in ``lang``.

    The language is switched after the first run, not through the URL: AppTest re-formats
    the sidebar's select boxes outside the script, where ``t`` always answers in English,
    and a page first drawn in Chinese then fails to find its own option labels.
    """
    at = AppTest.from_file("../app.py", default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.session_state["lang"] = lang
    at.switch_page("pages/learn.py")
    return at.run()


def texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows: prose, notes, headings, labels, table cells."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "latex", "code"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("title", "header", "subheader"):
        out += [e.value for e in getattr(at, kind)]
    out += [e.label for e in at.expander]
    for table in at.table:
        frame = table.value
        out += [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
    return out


@pytest.fixture(scope="module")
def english() -> AppTest:
    return learn_page()


@pytest.fixture(scope="module")
def chinese() -> AppTest:
    return learn_page(lang="zh")


def test_english_page_renders_every_section(english):
    at = english
    assert not at.exception
    assert at.title[0].value == "Learn"
    anchors = [h.proto.anchor for h in at.header]
    assert anchors == ["what", "strategies", "schedules", "struct", "results", "faq"]
    assert len(at.latex) >= 15  # every strategy, schedule and example formula
    assert len(at.expander) == 5
    assert len(at.table) == 3
    assert len(at.code) == 2


def test_snip_full_name_and_wrong_name_only_in_a_correction(english):
    shown = texts(english)
    assert any(SNIP_NAME in text for text in shown)
    _assert_wrong_name_is_corrected(shown, "wrong")


def test_every_registry_strategy_appears(english):
    subheaders = [h.value for h in english.subheader]
    for key, strategy in STRATEGIES.items():
        assert strategy.label in subheaders, key
    anchors = {h.proto.anchor for h in english.subheader}
    assert {f"strategy-{key}" for key in STRATEGIES} <= anchors


def test_published_and_measured_numbers(english):
    published, split, measured = (t.value for t in english.table)
    digits = pruning.load_dataset("digits")
    assert list(split.columns) == ["Data set", "Training", "Validation", "Test"]
    assert list(split.iloc[0]) == ["Digits (8×8 images)", *digits.sizes.values()]
    assert list(published.columns) == ["Source", "Result"]
    assert any("267K" in cell and "22K" in cell and "12×" in cell for cell in published["Result"])
    assert any("21.1%" in cell and "3.6%" in cell for cell in published["Result"])
    assert any("95%" in cell and "1.6%" in cell and "2.4%" in cell for cell in published["Result"])
    assert list(measured.columns) == ["Strategy", *(f"{p}% sparsity" for p in (50, 80, 90, 95))]
    row = measured.set_index("Strategy").loc["Magnitude, global"]
    assert list(row) == list(MEASURED["global_magnitude"])
    shown = " ".join(texts(english))
    assert f"on the {digits.sizes['train']:,} training examples" in shown
    assert "transfer learning" in shown


def test_chinese_page(chinese):
    at = chinese
    assert not at.exception
    assert at.title[0].value == "学习"
    shown = texts(at)
    assert any(re.search(r"[\u4e00-\u9fff]{10}", text) for text in at.markdown.values)
    assert any(SNIP_NAME in text for text in shown)
    _assert_wrong_name_is_corrected(shown, "错")
    subheaders = [h.value for h in at.subheader]
    zh = catalogue("zh")
    for key in STRATEGIES:
        assert zh[f"strategies.{key}_label"] in subheaders, key
    measured = at.table[2].value
    assert "稀疏度 90%" in measured.columns and "策略" in measured.columns


def test_page_ignores_the_sidebar_model():
    at = learn_page(dataset="iris", hidden="5", sparsity="100")
    assert not at.exception
    assert at.title[0].value == "Learn"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_common_mistake_snippets_do_what_the_page_says(lang):
    strings = catalogue(lang)
    W = np.random.default_rng(1).normal(size=(64, 100))  # the digits network's first layer
    wrong: dict = {}
    exec(strings["learn.wrong_code"], wrong)
    with pytest.raises(IndexError, match="size 64"):
        wrong["prune_randomly"](W, 0.5)
    # The page says it fails once a column number is *equal to or larger than* the number of
    # rows: with 64 rows, columns 0-63 still work, and column 64 is the first that breaks.
    wrong["prune_randomly"](W[:, :64], 1.0)
    with pytest.raises(IndexError, match="index 64 is out of bounds"):
        wrong["prune_randomly"](W[:, :65], 1.0)
    assert {"en": "equal to or larger than the number of rows", "zh": "大于或等于行数"}[lang] in (
        strings["learn.mistake_body"]
    )
    right: dict = {}
    exec(strings["learn.right_code"], right)
    pruned, mask = right["prune_randomly"](W, 0.9, np.random.default_rng(0))
    assert mask.shape == W.shape and 0.85 < 1 - mask.mean() < 0.95
    assert np.array_equal(pruned == 0, ~mask)
    pruned, mask = right["prune_randomly_exact"](W, 0.9, np.random.default_rng(0))
    assert mask.shape == W.shape and int((~mask).sum()) == round(0.9 * W.size)


def test_layer_magnitude_formula_is_what_the_app_does(tiny_net):
    """The card shows a per-layer s-quantile threshold, which is what the engine applies;
    Han et al.'s q times sigma_l rule is described as their variant, not as this app's."""
    from pages.learn import FORMULAS

    shown = " ".join(FORMULAS["layer_magnitude"])
    assert r"\operatorname{quantile}_{s}" in shown and r"\sigma" not in shown
    sparsity = 0.6
    result = prune(tiny_net, "layer_magnitude", sparsity)
    for W, keep in zip(tiny_net.coefs, result.masks, strict=True):
        assert int((~keep).sum()) == round(sparsity * W.size)  # same fraction in every layer
        assert np.abs(W[~keep]).max() <= np.abs(W[keep]).min()  # one threshold per layer
    for lang, app, quantile in (("en", "In this app", "quantile"), ("zh", "在本应用里", "分位数")):
        note = catalogue(lang)["learn.layer_magnitude_note"]
        assert app in note and quantile in note
        assert note.index(r"\sigma_l") > note.index("Han")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_citations_credit_the_right_papers(lang):
    s = catalogue(lang)
    # Random pruning: a ShrinkBench baseline; Han et al. 2015 did not use one.
    assert "ShrinkBench" in s["learn.random_cite"] and "Han" not in s["learn.random_cite"]
    assert "Han" not in STRATEGIES["random"].paper and "ShrinkBench" in STRATEGIES["random"].paper
    # L1 filter ranking is Li et al.'s, L2 is He et al.'s (Soft Filter Pruning).
    clauses = re.split(r"[;；]", s["learn.neuron_l2_cite"])
    assert all("Li" in c for c in clauses if "L1" in c) and any("L1" in c for c in clauses)
    assert all("He" in c and "Li" not in c for c in clauses if "L2" in c)
    # Han et al. gave the prune-retrain loop; the equal-share schedule is this app's.
    app_choice = {"en": "this app's choice", "zh": "本应用的选择"}[lang]
    assert "Han" in s["learn.iterative_cite"] and app_choice in s["learn.iterative_cite"]
    # ShrinkBench compared global with per-layer magnitude; it did not call it unbeatable.
    assert not re.search("hard to beat|很难被超越", s["learn.faq_pick_a"])
    assert "ShrinkBench" in s["learn.faq_pick_a"] and "FLOP" in s["learn.faq_pick_a"]
    # Han et al.'s per-layer kept fractions are not evidence for one global threshold.
    assert not re.search("same pattern|同样的规律", s["learn.global_magnitude_note"])


def test_locale_files_have_the_same_keys_in_both_languages():
    for path in sorted(LOCALES.glob("*.toml")):
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
        if path.name == "strategies.toml":
            assert set(tables) == {"zh"}
            for key in STRATEGIES:
                assert f"{key}_label" in tables["zh"], key
                assert f"{key}_description" in tables["zh"], key
            continue
        assert set(tables) == {"en", "zh"}, path.name
        assert set(tables["en"]) == set(tables["zh"]), path.name


def _assert_wrong_name_is_corrected(shown: list[str], wrong_word: str) -> None:
    """The seed's name for SNIP may only appear in a sentence that calls it wrong."""
    hits = 0
    for text in shown:
        for sentence in SENTENCE_END.split(text):
            if WRONG_NAME in sentence:
                hits += 1
                assert wrong_word in sentence, sentence
    assert hits >= 1
