"""App tests of the router and the Prune page: pages, slider, URL state, language, isolation."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import state
from tests.apptest import PAGES, app, metric


def overview(at: AppTest) -> dict:
    """The Plotly figure spec of the Prune page's overview chart (a ``live_chart``)."""
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("overview")]
    return json.loads(element.proto.json)["figure"]


def nonzero_counts(at: AppTest) -> list[int]:
    """The heights of the surviving-weights bars (layout shapes, so that they move fast)."""
    shapes = overview(at)["layout"]["shapes"]
    return [int(s["y1"]) for s in shapes if s.get("name") == "nonzero"]


@pytest.mark.parametrize("sparsity", ["0", "100"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page, sparsity):
    at = app(sparsity=sparsity).run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_chinese(page):
    at = app(lang="zh").run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    assert any("\u4e00" <= ch <= "\u9fff" for ch in at.title[0].value), at.title[0].value


def test_default_view_is_interesting():
    at = app().run()
    assert not at.exception
    assert at.slider(key="sparsity").value == 90
    assert at.selectbox(key="strategy").value == "global_magnitude"
    assert metric(at, "Sparsity") == "90.0%"
    assert 0.8 < float(metric(at, "Validation accuracy").rstrip("%")) / 100 < 0.95


def test_slider_changes_accuracy_and_counts():
    at = app().run()
    at.slider(key="sparsity").set_value(0).run()
    dense_accuracy, dense_counts = metric(at, "Validation accuracy"), nonzero_counts(at)
    assert dense_counts == [6400, 1000]
    at.slider(key="sparsity").set_value(90).run()
    assert metric(at, "Validation accuracy") != dense_accuracy
    assert sum(nonzero_counts(at)) == 7400 - round(0.9 * 7400)
    assert "sparsity" not in at.query_params  # the default stays out of the link


def test_the_browser_writes_the_sparsity_into_the_link():
    """The slider is bound to the URL: the browser writes ``sparsity`` on every step
    (checked in the browser tests) and leaves it out at the slider's default, 90%,
    which is the URL schema's default too."""
    slider = app().run().slider(key="sparsity")
    assert slider.proto.query_param_key == "sparsity"
    assert slider.proto.default == [state.BY_KEY["sparsity"].default] == [90]


def pixel_scale(at: AppTest) -> str:
    """The numbers under the pixel map (a shape's label, so that it moves fast)."""
    shapes = overview(at)["layout"]["shapes"]
    (label,) = [s["label"]["text"] for s in shapes if s["type"] == "line" and "label" in s]
    return label


def test_pixel_map_counts_the_first_layer_connections():
    at = app(sparsity="0").run()
    layout = overview(at)["layout"]
    (image,) = layout["images"]
    assert image["source"].startswith("data:image/svg+xml;base64,")
    (points,) = [d for d in overview(at)["data"] if d.get("text") and d["type"] == "scatter"]
    assert points["text"] == [100] * 64  # unpruned: every pixel feeds all 100 hidden units
    assert pixel_scale(at) == "brightest: 100 of 100 kept<br>black: none kept (0 pixels)"
    at.slider(key="sparsity").set_value(90).run()
    (points,) = [d for d in overview(at)["data"] if d.get("text") and d["type"] == "scatter"]
    assert sum(points["text"]) == nonzero_counts(at)[0]
    most, none = max(points["text"]), points["text"].count(0)
    assert pixel_scale(at) == f"brightest: {most} of 100 kept<br>black: none kept ({none} pixels)"
    assert overview(at)["layout"]["images"][0]["source"] != image["source"]


def test_every_axis_of_the_live_chart_has_a_fixed_range():
    # live_chart.js updates in place only when no axis rescales (see its comments)
    for strategy in ("global_magnitude", "neuron_l2"):
        layout = overview(app(strategy=strategy).run())["layout"]
        axes = [k for k in layout if k.startswith(("xaxis", "yaxis"))]
        assert len(axes) == 10
        assert all(len(layout[k]["range"]) == 2 for k in axes), axes


def test_query_params_set_the_widgets():
    at = app(strategy="layer_magnitude", sparsity="80", hidden="20-10", seed="3").run()
    assert not at.exception
    assert at.selectbox(key="strategy").value == "layer_magnitude"
    assert at.slider(key="sparsity").value == 80
    assert at.text_input(key="hidden").value == "20-10"
    assert at.number_input(key="seed").value == 3
    assert nonzero_counts(at) == [64 * 20 - round(0.8 * 64 * 20), 200 - 160, 100 - 80]


@pytest.mark.parametrize(
    "params",
    [
        {"sparsity": "150"},
        {"sparsity": "<script>alert(1)</script>"},
        {"strategy": "rm -rf"},
        {"hidden": "9" * 500},
        {"hidden": "2000-2000-2000-2000-2000"},  # valid for the engine, minutes per page
        {"lang": "klingon"},
        {"seed": "-1"},
        {"init": "maybe"},
        {"sparsity": "50.5"},  # the bound slider alone would read it as 50
    ],
)
def test_bad_query_params_fall_back_with_a_notice(params):
    at = app(**params).run()
    assert not at.exception
    assert at.slider(key="sparsity").value == 90
    assert at.selectbox(key="strategy").value == "global_magnitude"
    assert not set(params) & set(at.query_params)  # the link no longer holds it
    notices = [toast.value for toast in at.toast]
    assert any("was not valid" in text for text in notices), notices
    assert all("<script>" not in text for text in notices)


def test_chinese_labels():
    at = app(lang="zh").run()
    assert not at.exception
    assert at.title[0].value == "剪枝"
    assert at.slider(key="sparsity").label.startswith("稀疏度")
    (accuracy,) = [m for m in at.metric if m.label == "验证准确率"]
    assert accuracy.delta.endswith(" 个百分点")  # the change in points, in Chinese too
    titles = [a["text"] for a in overview(at)["layout"]["annotations"]]
    assert "<b>fc1 的权重</b>" in titles


def test_two_sessions_do_not_share_state():
    first, second = app().run(), app().run()
    first.selectbox(key="strategy").set_value("random").run()
    first.slider(key="sparsity").set_value(95).run()
    second.slider(key="sparsity").set_value(10).run()
    assert second.selectbox(key="strategy").value == "global_magnitude"
    assert metric(first, "Sparsity") == "95.0%"
    assert metric(second, "Sparsity") == "10.0%"
    first.run()
    assert metric(first, "Sparsity") == "95.0%"
    assert sum(nonzero_counts(second)) == 7400 - round(0.1 * 7400)


def test_one_neuron_network_and_full_sparsity():
    at = app(hidden="1", sparsity="100", strategy="neuron_l2").run()
    assert not at.exception
    assert any("Layer collapse" in e.value for e in at.error)


def test_hide_removes_the_named_controls():
    at = app(hide="strategy,hidden,solver", strategy="snip", sparsity="70").run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "strategy"]
    assert not [s for s in at.text_input if s.key == "hidden"]
    assert not [s for s in at.selectbox if s.key == "solver"]
    assert [s for s in at.selectbox if s.key == "activation"]
    assert metric(at, "Sparsity") == "70.0%"
    assert any("SNIP" in m.value for m in at.markdown)
    assert at.query_params["hide"] == "strategy,hidden,solver"


def test_collapse_is_explained_in_chinese():
    at = app(lang="zh", sparsity="100").run()
    assert not at.exception
    assert any("fc1 层没有任何保留下来的权重" in e.value for e in at.error)


def curve_points(at: AppTest, name: str) -> dict[float, float]:
    """Sparsity (percent) to accuracy along the overview's curve called ``name``."""
    (line,) = [d for d in overview(at)["data"] if d.get("name", "").endswith(name)]
    return dict(zip(line["x"], line["y"], strict=True))


def test_prune_at_init_then_train_matches_its_curve():
    at = app(strategy="snip", init="true").run()
    assert not at.exception
    assert at.toggle(key="init").value is True
    before = metric(at, "Accuracy before training")
    assert float(before.rstrip("%")) < 30  # an untrained network guesses, pruned or not
    trained = curve_points(at, "pruned at init, then trained 30 epochs")
    after_training = curve_points(at, "pruned after training")
    assert sorted(trained) == [10 * i for i in range(11)]
    assert trained[90] > 0.9 > after_training[90]  # the lesson: SNIP was built for θ0
    assert [i.value for i in at.info if "initialization" in i.value]  # no challenge entry
    at.button(key="finetune").click().run()  # "Train the sparse network 30 epochs"
    (done,) = at.success
    assert f"{before} → {trained[90]:.1%}" in done.value  # the curve's point, reproduced
    at.toggle(key="init").set_value(False).run()
    assert "init" not in at.query_params
    assert metric(at, "Validation accuracy")
    assert [b.label for b in at.button if b.key == "finetune"] == ["Fine-tune 10 epochs"]


def test_prune_at_init_waits_for_a_strategy_that_can():
    at = app(init="true", strategy="neuron_activation").run()
    assert not at.exception
    (stand_in,) = [tg for tg in at.toggle if tg.key == "init_unavailable"]
    assert stand_in.disabled and not stand_in.value
    assert "SNIP" in stand_in.help
    assert metric(at, "Validation accuracy")  # the trained network, as the toggle shows
    at.selectbox(key="strategy").set_value("synflow").run()
    assert at.toggle(key="init").value is True
    assert metric(at, "Accuracy before training")
    assert at.query_params["init"] == "true"


def test_apoz_threshold_mode_only_for_relu_and_never_at_zero():
    at = app(strategy="neuron_activation", hidden="16").run()
    at.toggle(key="threshold_mode").set_value(True).run()
    assert not at.exception, at.exception
    slider = at.slider(key="threshold")
    assert slider.min == 0.01 and slider.value == 0.9  # 0 would remove every neuron
    assert at.slider(key="sparsity").disabled
    removes_all = "This threshold removes every neuron of a hidden layer"
    assert not any(removes_all in w.value for w in at.warning)
    slider.set_value(0.01).run()  # every ReLU unit is 0 on more than 1% of the examples
    assert not at.exception, at.exception
    assert any(removes_all in w.value and "1%" in w.value for w in at.warning)
    assert any("Layer collapse" in e.value for e in at.error)
    tanh = app(strategy="neuron_activation", hidden="16", activation="tanh").run()
    assert not tanh.exception, tanh.exception
    assert tanh.toggle(key="threshold_unavailable").disabled
    assert "threshold_mode" not in {w.key for w in tanh.toggle}
    assert any("a tanh neuron never does" in c.value for c in tanh.caption)
