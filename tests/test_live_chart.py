"""The live chart: plotly.js's basic bundle served from static/, and the fallbacks."""

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import live_chart
from tests.apptest import app
from tests.test_app import overview


@pytest.fixture
def fresh():
    """``served`` recomputed for the test, and again afterwards."""
    live_chart.served.cache_clear()
    yield
    live_chart.served.cache_clear()


def test_the_bundle_is_the_plotly_packages_version_of_plotly_js():
    head = live_chart.BUNDLE.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{live_chart.VERSION}" in head
    assert (live_chart.STATIC / "plotly-basic-LICENSE.txt").read_text().startswith("MIT License")


def test_the_bundle_draws_every_trace_of_the_prune_figure():
    types = {trace["type"] for trace in overview(app().run())["data"]}
    assert types <= live_chart.BUNDLE_TRACES


def test_served_needs_static_serving_and_the_bundle(fresh, monkeypatch, tmp_path):
    monkeypatch.setattr(live_chart.st, "get_option", lambda key: True)
    assert live_chart.served()
    live_chart.served.cache_clear()
    monkeypatch.setattr(live_chart, "BUNDLE", tmp_path / "plotly-basic-0.0.0.min.js")
    assert not live_chart.served()  # the plotly package moved on, the bundle did not
    live_chart.served.cache_clear()
    monkeypatch.setattr(live_chart.st, "get_option", lambda key: False)
    monkeypatch.setattr(live_chart, "BUNDLE", tmp_path)
    assert not live_chart.served()


def _page(served: bool, trace: str) -> None:
    import streamlit as st

    from pages.ui import live_chart

    live_chart.served = lambda: served
    figure = {"data": [{"type": trace, "x": ["a"], "y": [1]}], "layout": {"height": 200}}
    live_chart.live_chart(figure, key="chart", alt="one trace")
    st.write("done")


@pytest.mark.parametrize(
    ("served", "trace", "live"),
    [(True, "bar", True), (False, "bar", False), (True, "heatmap", False)],
)
def test_the_chart_is_drawn_either_way(served, trace, live):
    at = AppTest.from_function(_page, args=(served, trace)).run()
    assert not at.exception
    component, fallback = at.get("bidi_component"), at.get("plotly_chart")
    assert (len(component), len(fallback)) == ((1, 0) if live else (0, 1))
