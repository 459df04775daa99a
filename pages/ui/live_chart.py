"""A Plotly chart that updates in place, for the views redrawn on every slider step.

``st.plotly_chart`` gives a chart a new identity whenever its figure changes, so on each
slider step the browser throws the chart away and draws it from scratch (``newPlot``,
then a second pass for Streamlit's theme). This component keeps one chart per key.

When the new figure differs from the last only in layout shapes, annotations or images,
and every axis has a fixed range, the chart is moved in place with ``Plotly.relayout``,
which redraws only those: about 2 ms for the Prune page, against 15 ms or more for any
update of trace data (``Plotly.animate`` recomputes every trace and waits for the next
frame; ``Plotly.react`` redraws every panel). Text a trace shows only on hover may
change too: it is restyled when the pointer next comes over the chart. Any other change
takes ``Plotly.react``. Browser tests check that a chart moved in place looks exactly
like a fresh drawing of the same figure, and that the hover shows the new numbers.

plotly.js is the official "basic" bundle (scatter, bar and pie traces) of the same
version as the pinned ``plotly`` package's, kept in ``static/`` with its MIT licence and
served by Streamlit's static file serving (``server.enableStaticServing``): no CDN, no
download. It is a quarter of the full bundle's size; starting the full bundle was most
of what made the Prune page's first render slower than a bare page's. A figure with
other trace types, or a server without static serving, falls back to ``st.plotly_chart``:
slower, the same picture. A test fails when the plotly package moves to another
plotly.js version without the bundle following.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline
import streamlit as st

from .i18n import t

VERSION = plotly.offline.get_plotlyjs_version()  # the plotly package's own plotly.js
STATIC = Path(__file__).resolve().parents[2] / "static"  # next to app.py, as Streamlit wants
BUNDLE = STATIC / f"plotly-basic-{VERSION}.min.js"
BUNDLE_TRACES = frozenset({"scatter", "bar", "pie"})  # what the basic bundle can draw
SRC = f"./app/static/{BUNDLE.name}"  # relative, so a server.baseUrlPath keeps working
CONFIG = {"displayModeBar": False, "responsive": True}

_component = st.components.v2.component(
    "live_chart",
    js=(Path(__file__).with_suffix(".js")).read_text(encoding="utf-8"),
    isolate_styles=False,  # Plotly styles its hover labels from the page's <head>
)


@cache
def served() -> bool:
    """Whether the browser can load the plotly.js bundle from this server."""
    return bool(st.get_option("server.enableStaticServing")) and BUNDLE.is_file()


def live_chart(figure: dict, key: str, alt: str) -> None:
    """Draw ``figure`` (plain ``{"data", "layout"}`` dicts) and update it in place next run.

    ``alt`` is the chart's text alternative for screen readers. A figure's optional
    ``responsive`` list holds narrower arrangements, which the browser picks by the
    chart's width (see ``live_chart.js``); the chart sets its own height.
    """
    if not served() or not {d.get("type", "scatter") for d in figure["data"]} <= BUNDLE_TRACES:
        plain = {"data": figure["data"], "layout": figure["layout"]}  # one arrangement only
        st.plotly_chart(go.Figure(plain, _validate=False), key=key, config=CONFIG)
        return
    _component(
        data={"figure": figure, "src": SRC, "config": CONFIG, "alt": alt, "error": t("fig.error")},
        key=key,
    )
