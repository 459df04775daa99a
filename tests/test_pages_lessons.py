"""Lessons page: the lessons file is checked, every link and button opens its preset."""

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import lessons, state
from pages.ui.i18n import t
from pages.ui.lessons import LessonError, absolute, link, parse, parse_text

ROOT = Path(__file__).parents[1]
ALL = lessons.load()
# Lessons whose answer quotes the validation accuracy the Prune page shows for the preset.
QUOTES_ACCURACY = {
    "random_vs_magnitude",
    "global_vs_layer",
    "finetune_recovery",
    "layer_collapse",
    "everything_pruned",
    "before_training",
}
BY_ID = {lesson.id: lesson for lesson in ALL}
CJK = ("\u4e00", "\u9fff")
WIDGETS = ("selectbox", "slider", "text_input", "number_input", "select_slider")
SIDEBAR = ("dataset", "hidden", "activation", "solver", "lr", "epochs", "seed")


def chinese(text: str) -> bool:
    return any(CJK[0] <= ch <= CJK[1] for ch in text)


def assert_quotes_the_accuracy(at: AppTest, lesson: lessons.Lesson) -> None:
    """The accuracy the Prune page shows (its first number) is in the answer, both languages."""
    shown = at.metric[0].value
    for lang in ("en", "zh"):
        assert shown in lesson.text[lang]["answer"], (lesson.id, lang, shown)


def widget_keys(at: AppTest) -> set[str]:
    return {w.key for kind in WIDGETS for w in getattr(at, kind)}


def check_preset(at: AppTest, lesson: lessons.Lesson) -> None:
    """The page the lesson opens shows its values, and hides what it hides.

    AppTest only sees the sidebar's widgets in a run that starts at ``/`` (which forwards
    to /prune), so sidebar values (``hidden``, ``seed``, ...) are checked where the widget
    is drawn and through ``_hidden_ok``, the hidden layers the model was built with.
    """
    assert not at.exception, at.exception
    hidden = [k for k in str(lesson.preset.get("hide", "")).split(",") if k]
    keys = widget_keys(at)
    for key in hidden:
        assert key not in keys, f"{key} should be hidden"
    for key in ("strategy", "sparsity", "init", "hide"):
        expected = lesson.preset.get(key, state.BY_KEY[key].default)
        assert at.session_state[key] == expected, key
    for key, value in lesson.preset.items():
        if key in SIDEBAR and key in keys:
            (widget,) = [w for kind in WIDGETS for w in getattr(at, kind) if w.key == key]
            assert widget.value == value, key
    if "hidden" in lesson.preset and lesson.page == "prune":
        assert at.session_state["_hidden_ok"] == lesson.preset["hidden"]
    if lesson.page == "prune":
        if "strategy" not in hidden:
            assert at.selectbox(key="strategy").value == at.session_state["strategy"]
        if "sparsity" not in hidden:
            assert at.slider(key="sparsity").value == at.session_state["sparsity"]


# --- the data file and the pure helpers ----------------------------------------------------


def test_the_file_has_the_seven_required_lessons_in_both_languages():
    assert len(ALL) >= 7
    pages = [lesson.page for lesson in ALL]
    assert {"prune", "lottery", "cost"} <= set(pages)
    assert any(lesson.preset.get("sparsity") == 100 for lesson in ALL)
    assert any(lesson.preset.get("hide") for lesson in ALL)
    assert any(lesson.preset.get("strategy") == "random" for lesson in ALL)
    for lesson in ALL:
        assert (ROOT / "pages" / f"{lesson.page}.py").is_file()
        assert chinese(lesson.text["zh"]["answer"]) and not chinese(lesson.text["en"]["answer"])
        assert set(lesson.text) == {"en", "zh"}


def test_every_link_reads_back_as_its_preset():
    for lesson in ALL:
        parts = urlsplit(lesson.link())
        assert parts.path == f"/{lesson.page}"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        assert {k: state.BY_KEY[k].parse(v) for k, v in query.items()} == dict(lesson.preset)


def test_link_and_absolute():
    assert link("prune", {"strategy": "random", "sparsity": 80}) == (
        "/prune?strategy=random&sparsity=80"
    )
    assert link("prune", {"sparsity": 90, "hidden": "50-500-50", "hide": "sparsity,seed"}) == (
        "/prune?hidden=50-500-50&sparsity=90&hide=sparsity,seed"
    )
    assert link("lottery", {}) == "/lottery"
    assert link("lottery", {}, lang="zh") == "/lottery?lang=zh"
    assert link("cost", {"lr": 0.03}, lang="en") == "/cost?lr=0.03"
    assert absolute("/prune?a=1", "http://localhost:8501/lessons") == (
        "http://localhost:8501/prune?a=1"
    )
    assert absolute("/prune", "https://school.example/playground/lessons/") == (
        "https://school.example/playground/prune"
    )
    assert absolute("/prune", None) == "/prune"


def test_opening_a_lesson_resets_what_it_does_not_name():
    values = BY_ID["random_vs_magnitude"].values()
    assert "lang" not in values
    assert values["strategy"] == "random" and values["sparsity"] == 80
    assert values["hidden"] == "100" and values["hide"] == "" and values["seed"] == 0


GOOD = {
    "id": "x",
    "preset": {"page": "prune", "sparsity": 50},
    "en": {"title": "T", "notice": "N", "question": "Q", "answer": "A"},
    "zh": {"title": "题", "notice": "注", "question": "问", "answer": "答"},
}


def entry(**changes) -> dict:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in GOOD.items()}
    for path, value in changes.items():
        *parents, last = path.split("__")
        table = out
        for p in parents:
            table = table[p]
        if value is None:
            table.pop(last)
        else:
            table[last] = value
    return {"lesson": [out]}


def test_a_good_entry_parses():
    (lesson,) = parse(entry())
    assert lesson.page == "prune" and dict(lesson.preset) == {"sparsity": 50}


def test_a_switch_is_written_true_in_toml_and_in_the_link():
    (lesson,) = parse(entry(preset__init=True))
    assert lesson.preset["init"] is True
    assert lesson.link() == "/prune?sparsity=50&init=true"


@pytest.mark.parametrize(
    "doc",
    [
        entry(preset__colour="red"),  # unknown key
        entry(preset__lang="zh"),  # a lesson never picks the language
        entry(preset__sparsity=101),  # bad values, refused by the props' own parsers
        entry(preset__sparsity="ninety"),
        entry(preset__sparsity=90.0),
        entry(preset__strategy="magic"),
        entry(preset__hidden="0"),
        entry(preset__lr=0.5),
        entry(preset__hide="colour"),
        entry(preset__seed=True),
        entry(preset__init="maybe"),
        entry(preset__page="learn"),  # not a page a lesson can open
        entry(preset__page=None),
        entry(zh=None),  # missing language
        entry(en__answer=None),  # missing field
        entry(zh__question="  "),  # empty field
        entry(en__hint="extra"),  # unknown field
        entry(id="Bad id"),
        entry(extra=1),
        {"lesson": [GOOD, GOOD]},  # duplicate id
        {"lesson": []},
        {},
    ],
)
def test_the_validator_rejects_a_bad_entry(doc):
    with pytest.raises(LessonError):
        parse(doc)


def test_the_validator_rejects_bad_toml_and_names_the_lesson():
    with pytest.raises(LessonError, match="TOML"):
        parse_text("[[lesson]\nid = 1")
    text = (ROOT / "pages" / "ui" / "lessons.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    data["lesson"][2]["preset"]["sparsity"] = 120
    with pytest.raises(LessonError, match=data["lesson"][2]["id"]):
        parse(data)


# --- the page, its links and its buttons ----------------------------------------------------


def lessons_page(lang: str = "en") -> AppTest:
    """The Lessons page in ``lang`` (switched after the first run, as the Learn tests do)."""
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.run()
    at.session_state["lang"] = lang
    at.switch_page("pages/lessons.py")
    return at.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_renders_every_lesson(lang):
    at = lessons_page(lang)
    assert not at.exception, at.exception
    assert len(at.expander) == len(ALL) >= 7
    titles = [h.value for h in at.header]
    for lesson in ALL:
        assert any(lesson.text[lang]["title"] in title for title in titles)
        assert any(lesson.text[lang]["question"] in m.value for m in at.markdown)
    shown_links = [
        json.loads(c.proto.json)["url"] for c in at.get("bidi_component") if "-link_" in c.proto.id
    ]
    assert shown_links == [lesson.link(lang) for lesson in ALL]
    assert len([b for b in at.button if b.key.startswith("open_")]) == len(ALL)
    assert chinese(at.title[0].value) == (lang == "zh")
    if lang == "zh":
        assert all(link.endswith("lang=zh") for link in shown_links)


@pytest.mark.parametrize("lesson", ALL, ids=[lesson.id for lesson in ALL])
def test_each_link_opens_its_preset(lesson):
    parts = urlsplit(lesson.link())
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.query_params.update(parse_qsl(parts.query, keep_blank_values=True))
    at.run()  # the first run reads the URL and opens /prune, where / forwards
    if lesson.page != "prune":
        at.switch_page(f"pages/{lesson.page}.py")
        at.run()
    assert at.title[0].value == t(f"{lesson.page}.title", lang="en")
    check_preset(at, lesson)
    if lesson.id in QUOTES_ACCURACY:
        assert_quotes_the_accuracy(at, lesson)
    shown = " ".join(e.value for kind in ("caption", "markdown", "info") for e in getattr(at, kind))
    if lesson.page == "inspect":  # the answer names the page's worst digit and top mistake
        cls, after = re.search(r"largest drop is class (\d+): \d+% → (\d+)%", shown).groups()
        truth, pred, count = re.search(r"(\d+) taken for (\d+) \((\d+) times\)", shown).groups()
        answer = lesson.text["en"]["answer"]
        fell = re.search(rf"digit {cls} suffers most: it falls from [\d.]+% to ([\d.]+)%", answer)
        assert fell and round(float(fell[1])) == int(after), (cls, after)
        assert f"{truth} read as a {pred} ({count} times)" in answer
    if lesson.page == "cost":  # the answer's dense, CSR and compacted sizes are the page's
        sizes = re.findall(r"[\d.]+ kB", lesson.text["en"]["answer"])
        assert sum(size in shown for size in set(sizes)) == 3, (sizes, shown)
    if lesson.preset.get("sparsity") == 100 and lesson.page == "prune":
        assert any("collapse" in e.value for e in at.error)


def test_the_button_switches_page_and_its_values_win():
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.run()
    at.selectbox(key="strategy").set_value("snip").run()  # the session had other values
    at.slider(key="sparsity").set_value(30).run()
    at.switch_page("pages/lessons.py").run()
    at.button(key="open_random_vs_magnitude").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("prune.title", lang="en")
    assert at.selectbox(key="strategy").value == "random"
    assert at.slider(key="sparsity").value == 80
    assert at.query_params == {"strategy": "random", "sparsity": "80"}
    assert_quotes_the_accuracy(at, BY_ID["random_vs_magnitude"])

    at.switch_page("pages/lessons.py").run()
    at.button(key="open_finetune_recovery").click().run()
    check_preset(at, BY_ID["finetune_recovery"])
    at.switch_page("pages/prune.py")  # AppTest would otherwise rerun the page it last asked for
    at.button(key="finetune").click().run()  # the answer quotes what 10 epochs recover
    (done,) = [re.search(r"([\d.]+%) → ([\d.]+%)", s.value) for s in at.success]
    assert f"from {done[1]} back to {done[2]}" in BY_ID["finetune_recovery"].text["en"]["answer"]

    at.switch_page("pages/lessons.py").run()
    at.button(key="open_global_vs_layer").click().run()  # hides the sparsity slider
    check_preset(at, BY_ID["global_vs_layer"])
    assert "sparsity" not in widget_keys(at)
    assert_quotes_the_accuracy(at, BY_ID["global_vs_layer"])

    at.switch_page("pages/lessons.py").run()
    assert any("Sparsity" in i.value for i in at.info)  # says what is hidden
    at.button(key="lessons_show_all").click().run()
    assert at.session_state["hide"] == ""
    at.button(key="open_which_digits").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("inspect.title", lang="en")
    check_preset(at, BY_ID["which_digits"])
    assert at.session_state["lang"] == "en"


def test_a_chinese_session_stays_chinese_after_the_button():
    at = lessons_page("zh")
    # AppTest keeps the sidebar's widgets only on a run that starts at "/", so it forgets
    # the language after each run; a browser keeps it in the widget. Set it as a browser has.
    at.session_state["lang"] = "zh"
    at.button(key="open_everything_pruned").click().run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "zh"
    assert chinese(at.title[0].value)
    check_preset(at, BY_ID["everything_pruned"])
    assert_quotes_the_accuracy(at, BY_ID["everything_pruned"])


def test_the_private_leaderboard_lesson_quotes_the_curves_readout(net, digits):
    """Its numbers are the Curves page's own readout at a 2-point tolerance."""
    from pruning import evaluate

    lesson = BY_ID["private_leaderboard"]
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.query_params.update(parse_qsl(urlsplit(lesson.link()).query, keep_blank_values=True))
    at.run()
    at.switch_page("pages/curves.py").run()
    at.number_input(key="curves_tolerance").set_value(2.0).run()
    assert not at.exception, at.exception
    lines = "\n".join(m.value for m in at.markdown)
    pattern = (
        r"- (.+?): \*\*(\d+%)\*\* sparse .*?validation accuracy ([\d.]+%); "
        r"test accuracy of this choice ([\d.]+%)"
    )
    readout = {name: numbers for name, *numbers in re.findall(pattern, lines)}
    dense_test = evaluate(net, digits.X_test, digits.y_test).accuracy
    chosen_test = float(readout["Magnitude, global"][2].rstrip("%"))
    quoted = [
        *readout["Magnitude, global"],
        *readout["Magnitude, per layer"],
        f"{dense_test:.1%}",
        f"{100 * dense_test - chosen_test:.1f}",  # points below the dense network on test
        str(len(digits.y_val)),
    ]
    for lang in ("en", "zh"):
        answer = lesson.text[lang]["answer"]
        assert all(n in answer for n in quoted), (lang, [n for n in quoted if n not in answer])
