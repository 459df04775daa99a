"""A Plotly chart that updates in place, for the views redrawn on every slider step.

``st.plotly_chart`` gives a chart a new identity whenever its figure changes, so on each
slider step the browser throws the chart away and draws it from scratch (``newPlot``,
then a second pass for Streamlit's theme). This component keeps one chart per key.

When the new figure differs from the last only in trace coordinates and text (scatter,
bar) and in shapes, annotations or images, and every axis has a fixed range, the chart is
moved in place with ``Plotly.animate`` (no transition) and ``Plotly.relayout``: about
40 ms on the Prune page, against 110 ms for ``Plotly.react``, which recomputes and
redraws every panel. Any other change takes ``Plotly.react``. A browser test checks that
a chart moved in place looks exactly like a fresh drawing of the same figure.

Plotly.js is the copy that ships inside the pinned ``plotly`` Python package, served by
Streamlit's static file serving (``server.enableStaticServing``): no CDN, no download.
Where that copy cannot be put in place (a read-only install), the chart falls back to
``st.plotly_chart``: slower, the same picture.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

import plotly
import plotly.graph_objects as go
import streamlit as st

from .i18n import t

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC = Path(__file__).resolve().parents[2] / "static"  # next to app.py, as Streamlit wants
SRC = "./app/static/plotly.min.js"  # relative, so a server.baseUrlPath keeps working
CONFIG = {"displayModeBar": False, "responsive": True}

_component = st.components.v2.component(
    "live_chart",
    js=(Path(__file__).with_suffix(".js")).read_text(encoding="utf-8"),
    isolate_styles=False,  # Plotly styles its hover labels from the page's <head>
)


@cache
def served() -> bool:
    """Whether the browser can load plotly.js from this server (copied once per process)."""
    if not st.get_option("server.enableStaticServing"):
        return False
    target = STATIC / PLOTLY_JS.name
    try:
        if not target.is_file() or target.stat().st_size != PLOTLY_JS.stat().st_size:
            STATIC.mkdir(exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(PLOTLY_JS, partial)
            os.replace(partial, target)  # atomic: two servers starting together both succeed
    except OSError:
        return False
    return True


def live_chart(figure: dict, key: str, alt: str) -> None:
    """Draw ``figure`` (plain ``{"data", "layout"}`` dicts) and update it in place next run.

    ``alt`` is the chart's text alternative for screen readers.
    """
    if not served():
        st.plotly_chart(go.Figure(figure, _validate=False), key=key, config=CONFIG)
        return
    _component(
        data={"figure": figure, "src": SRC, "config": CONFIG, "alt": alt, "error": t("fig.error")},
        key=key,
        height=figure["layout"]["height"],
    )
