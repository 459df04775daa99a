"""The live chart: plotly.js served from the plotly package, and the fallback without it."""

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import live_chart


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """``served`` recomputed against an empty static folder."""
    monkeypatch.setattr(live_chart, "STATIC", tmp_path / "static")
    live_chart.served.cache_clear()
    yield tmp_path / "static"
    live_chart.served.cache_clear()


def test_plotly_js_is_copied_from_the_plotly_package(fresh, monkeypatch):
    monkeypatch.setattr(live_chart.st, "get_option", lambda key: True)
    assert live_chart.served()
    copied = fresh / "plotly.min.js"
    assert copied.read_bytes() == live_chart.PLOTLY_JS.read_bytes()
    assert not list(fresh.glob("*.tmp"))


def test_without_static_serving_nothing_is_copied(fresh, monkeypatch):
    monkeypatch.setattr(live_chart.st, "get_option", lambda key: False)
    assert not live_chart.served()
    assert not fresh.exists()


def test_a_folder_that_cannot_be_written_means_no_live_chart(fresh, monkeypatch):
    (fresh.parent / "file").write_text("")  # a file where a folder should be
    monkeypatch.setattr(live_chart, "STATIC", fresh.parent / "file" / "static")
    monkeypatch.setattr(live_chart.st, "get_option", lambda key: True)
    assert not live_chart.served()


def _page(served: bool) -> None:
    import streamlit as st

    from pages.ui import live_chart

    live_chart.served = lambda: served
    figure = {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {"height": 200}}
    live_chart.live_chart(figure, key="chart", alt="one bar")
    st.write("done")


@pytest.mark.parametrize("served", [True, False])
def test_the_chart_is_drawn_either_way(served):
    at = AppTest.from_function(_page, args=(served,)).run()
    assert not at.exception
    component, fallback = at.get("bidi_component"), at.get("plotly_chart")
    assert (len(component), len(fallback)) == ((1, 0) if served else (0, 1))
