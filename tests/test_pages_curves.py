"""Train, Curves, Lottery and Sensitivity pages: they run, draw what they claim, never crash.

Slow engine calls are kept small: most tests use iris with 8 hidden units. After
``switch_page`` AppTest drops the sidebar's widget values on later reruns, so tests that
rerun a page put the settings back into the session first (``_rerun``).
"""

from __future__ import annotations

import base64
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import curve_figures as cf
from tests.apptest import open_page

PAGES = ("train", "curves", "lottery", "sensitivity")
SMALL = {"dataset": "iris", "hidden": "8"}


def _t(key: str, **values) -> str:
    return key + (" " + " ".join(f"{k}={v}" for k, v in values.items()) if values else "")


def _rerun(at: AppTest, **params: str) -> AppTest:
    if "dataset" in params:
        at.session_state["dataset"] = params["dataset"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def traces(at: AppTest, key: str) -> list[dict]:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)["data"]


def numbers(values) -> list[float]:
    """A trace's x or y: a plain list, or Plotly's base64 typed array."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def text(at: AppTest) -> str:
    parts = [*at.caption, *at.markdown, *at.info, *at.warning, *at.title, *at.metric]
    return "\n".join(str(getattr(p, "value", "")) + str(getattr(p, "label", "")) for p in parts)


def test_locales_define_the_same_keys_in_both_languages():
    for area in ("train", "curves", "lottery", "sensitivity"):
        path = Path(__file__).parents[1] / "pages" / "ui" / "locales" / f"{area}.toml"
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(tables["en"]) == set(tables["zh"]), area


# --- pure helpers ------------------------------------------------------------------------


def test_figures_are_pure_and_drop_infinite_compression():
    frame = pd.DataFrame(
        {
            "strategy": ["random"] * 3,
            "sparsity": [0.0, 0.5, 1.0],
            "seed": [0] * 3,
            "accuracy": [0.9, 0.8, 0.1],
            "compression": [1.0, 2.0, math.inf],
        }
    )
    fig = cf.strategy_curves(frame, _t, {"random": "R"}, 0.9, 1.0, "T", x="compression")
    xs = [x for trace in fig.data for x in trace.x if x is not None]  # None: a legend entry
    assert all(math.isfinite(x) for x in xs) and fig.layout.xaxis.type == "log"
    fig = cf.training_curves([(1, 2.0, 0.5), (2, 1.0, 0.8)], _t)
    assert [list(trace.y) for trace in fig.data] == [[2.0, 1.0], [0.5, 0.8]]


# --- pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params", [{}, {"sparsity": "100"}, {"lang": "zh"}], ids=str)
def test_page_runs(page, params):
    at = open_page(page, **dict(params))
    titles = [t.value for t in at.title]
    assert titles, "page has no title"
    if params.get("lang") == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text(at)), "no Chinese text"
    if page != "lottery":
        assert at.get("plotly_chart"), "no chart"
        assert at.caption, "no caption"


@pytest.mark.parametrize(
    "params",
    [
        {"dataset": "breast_cancer", "hidden": "1"},  # binary: one output unit; one neuron
        {"dataset": "moons", "hidden": "5-5-5", "lang": "zh"},
    ],
    ids=["binary-one-neuron", "three-layers-zh"],
)
@pytest.mark.parametrize("page", PAGES)
def test_page_survives_bad_states(page, params):
    open_page(page, **params)


def test_train_shows_metrics_architecture_and_curves():
    at = open_page("train", **SMALL)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Validation accuracy"].endswith("%")
    assert metrics["Parameters"] == str(4 * 8 + 8 + 8 * 3 + 3)
    epochs = int(metrics["Epochs run"])
    data = traces(at, "train_curves")
    assert len(numbers(data[0]["x"])) == epochs and len(numbers(data[1]["y"])) == epochs
    assert "4 → 8 → 3" in text(at)
    assert "never influence the weights" in text(at)


def test_curves_draw_one_line_per_strategy_with_readout_and_csv():
    at = open_page("curves", **SMALL)
    names = [d.get("name") for d in traces(at, "curves_chart") if d.get("mode") == "lines+markers"]
    assert names == ["Random", "Magnitude, per layer", "Magnitude, global"]
    body = text(at)
    assert "Sparsest model at most 1 pt below dense accuracy" in body
    assert body.count("sparse (") == 3
    assert at.download_button(key="curves_csv")

    at.pills(key="curves_strategies").set_value(["global_magnitude", "snip"])
    at.segmented_control(key="curves_x").set_value("compression")
    _rerun(at, **SMALL)
    data = traces(at, "curves_chart")
    lines = [d for d in data if d.get("mode") == "lines+markers"]
    assert [d["name"] for d in lines] == ["Magnitude, global", "SNIP (connection sensitivity)"]
    assert all(math.isfinite(x) and x >= 1 for d in lines for x in numbers(d["x"]))


def test_curves_fine_tuned_with_seeds_draws_bands():
    at = open_page("curves", **SMALL)
    at.pills(key="curves_strategies").set_value(["random"])
    at.number_input(key="curves_finetune").set_value(1)
    at.number_input(key="curves_seeds").set_value(2)
    _rerun(at, **SMALL)
    data = traces(at, "curves_chart")
    assert any(d.get("fill") == "toself" for d in data), "no mean ± std band"
    line = next(d for d in data if d.get("mode") == "lines+markers")
    assert numbers(line["x"]) == pytest.approx([10.0 * i for i in range(11)])
    assert "fine-tuned 1 epochs" in json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))
    # the same strategy without fine-tuning, dashed, in the same colour: one-shot versus
    # fine-tuned on one chart
    (dashed,) = [d for d in data if d.get("line", {}).get("dash") == "dash"]
    assert dashed["name"] == "Random, one-shot (dashed)"
    assert dashed["line"]["color"] == line["line"]["color"]
    assert numbers(dashed["x"]) == pytest.approx([5.0 * i for i in range(21)])
    assert max(numbers(dashed["y"])[-4:]) < max(numbers(line["y"])[-4:])  # tuning recovers


def test_lottery_runs_only_on_the_button_and_keeps_its_result():
    at = open_page("lottery", **SMALL)
    assert not at.get("plotly_chart"), "the experiment must not start on page load"
    at.pills(key="lottery_sparsities").set_value([50, 80])
    at.number_input(key="lottery_epochs").set_value(5)
    _rerun(at, **SMALL)
    at.button(key="lottery_run").click()
    _rerun(at, **SMALL)
    names = [d["name"] for d in traces(at, "lottery_chart")]
    assert names == [
        "winning ticket (rewound to θ0)",
        "same mask, random re-init",
        "same mask, trained weights fine-tuned",
    ]
    assert "At 80%" in text(at)
    _rerun(at, **SMALL)  # an ordinary rerun keeps the chart without running again
    assert len(traces(at, "lottery_chart")) == 3


def test_sensitivity_draws_one_line_per_layer():
    at = open_page("sensitivity", dataset="iris", hidden="5-5-5")
    names = [d.get("name") for d in traces(at, "sensitivity_chart") if d.get("mode")]
    assert [n.split(" ")[0] for n in names] == ["fc1", "fc2", "fc3", "fc4"]
    assert "most sensitive" in text(at) or "about the same" in text(at)
    at.selectbox(key="sens_strategy").set_value("neuron_l1")
    _rerun(at, dataset="iris")
    names = [d.get("name") for d in traces(at, "sensitivity_chart") if d.get("mode")]
    assert [n.split(" ")[0] for n in names] == ["hidden1", "hidden2", "hidden3"]


def test_train_page_trains_an_unseen_model_with_a_live_chart():
    """Run the page on its own, so the router has not trained the model first."""
    at = AppTest.from_file("../pages/train.py", default_timeout=180)
    for key, value in {"dataset": "iris", "_hidden_ok": "3", "epochs": 40, "seed": 7}.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Parameters"] == str(4 * 3 + 3 + 3 * 3 + 3)
    assert len(numbers(traces(at, "train_curves")[0]["x"])) <= 40
