"""Pure functions from engine results to Plotly figures.

Nothing here computes pruning: each function takes numbers the engine produced, plus a
translator ``t`` for titles and legends, and returns a figure. Colours come from the
Okabe-Ito palette, which stays distinguishable for colour-blind students.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from pruning.analysis import CurveLine, curve_lines
from pruning.masks import LayerCount
from pruning.metrics import Histogram

Translate = Callable[..., str]

BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
PALETTE = (BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, BLACK)
GREY = "#BBBBBB"
GRID, TEXT = "#E6EAF1", "#31333F"  # Streamlit's light theme
# Axes of a figure drawn outside Streamlit's theme (``live_chart``): the theme's look, and
# fixed margins, because Plotly's automatic margins measure every label and draw again.
LIVE_AXIS = {"automargin": False, "gridcolor": GRID, "zeroline": False, "linecolor": GRID}
HEIGHT = 300
YOU_ARE_HERE = {"size": 14, "color": VERMILION, "symbol": "diamond"}
AFTER_FILL = "rgba(0, 114, 178, 0.55)"  # BLUE, see-through over the grey "before"
BAR_WIDTH = 0.8  # Plotly's default for overlaid bars (bargap 0.2)
CUT_LINE = {"dash": "dash", "color": VERMILION, "width": 1.5}  # the magnitude cut
# Clicking a legend entry would hide only its trace, not the shapes that some entries
# stand for (see ``prune_overview``), so there the entries are labels, not switches.
LABELS_ONLY = {"itemclick": False, "itemdoubleclick": False}
# The title at the very top, so that the legend under it (at the plot's top) never meets it.
TITLE_AT_TOP = {"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}}


def spec(data: list[dict], layout: dict, height: int = HEIGHT) -> dict:
    """A figure as plain ``{"data", "layout"}`` dicts with the shared look.

    Plain dicts skip Plotly's property validation, which made building the Prune page's
    charts the slowest part of a slider step; the dicts here use only well-known
    properties, and the tests render them.
    """
    base = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        "title": TITLE_AT_TOP,
        "font": {"size": 13},
    }
    for key, value in layout.items():
        base[key] = base[key] | value if isinstance(value, dict) and key in base else value
    return {"data": data, "layout": base}


def figure(data: list[dict], layout: dict, height: int = HEIGHT) -> go.Figure:
    """``spec`` as a Plotly figure, for ``st.plotly_chart``."""
    return go.Figure(spec(data, layout, height), _validate=False)


def _layout(fig: go.Figure, height: int = HEIGHT, **kwargs) -> go.Figure:
    """Apply the shared look to a figure built with graph objects (slower than ``figure``)."""
    kwargs.setdefault("margin", {"l": 10, "r": 10, "t": 70, "b": 10})
    fig.update_layout(
        height=height,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        font={"size": 13},
        **kwargs,
    )
    fig.update_layout(title=TITLE_AT_TOP)  # after the title text, which would otherwise reset it
    return fig


def _axis(i: int) -> str:
    return "" if i == 1 else str(i)


class _Panels:
    """Several charts drawn as panels of one Plotly figure.

    The browser redraws one figure per slider step instead of four, which is most of
    what a step costs on a classroom laptop.
    """

    def __init__(self, axis_style: dict | None = None) -> None:
        self.data: list[dict] = []
        self.layout: dict = {"annotations": [], "shapes": []}
        self.count = 0
        self.axis_style = axis_style or {}

    def axes(self, title: str, x: tuple[float, float], y: tuple[float, float], **extra) -> str:
        """A new pair of axes over the given paper domains; returns its suffix ("" or "2"…)."""
        self.count += 1
        ax = _axis(self.count)
        style = self.axis_style
        self.layout[f"xaxis{ax}"] = (
            {"domain": list(x), "anchor": f"y{ax}"} | style | extra.get("xaxis", {})
        )
        self.layout[f"yaxis{ax}"] = (
            {"domain": list(y), "anchor": f"x{ax}"} | style | extra.get("yaxis", {})
        )
        self.layout["annotations"].append(
            {
                "text": f"<b>{title}</b>",
                "x": 0.5,
                "y": 1,
                "xref": f"x{ax} domain",  # follows its panel wherever the panel is placed
                "yref": f"y{ax} domain",
                "yshift": 6,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
        return ax

    def add(self, ax: str, **trace) -> None:
        self.data.append({"xaxis": f"x{ax}", "yaxis": f"y{ax}"} | trace)


def _histogram_panels(panels, histograms, thresholds, t, y) -> None:
    n, gap = len(histograms), 0.07
    width = (1 - gap * (n - 1)) / n
    for i, (h, thr) in enumerate(zip(histograms, thresholds or [None] * n, strict=True)):
        left = i * (width + gap)
        pad = 0.02 * float(h.edges[-1] - h.edges[0])  # the outermost bins stay in view
        ax = panels.axes(
            t("fig.histogram_panel", layer=h.layer),
            (left, left + width),
            y,
            xaxis={
                "title": {"text": t("fig.weight_value")},
                "range": [float(h.edges[0]) - pad, float(h.edges[-1]) + pad],
            },
            yaxis={
                "title": {"text": t("fig.count")},  # each panel has its own scale
                "range": [0, 1.05 * max(1, int(np.max(h.before)))],
            },
        )
        # Before pruning: a filled step line (one SVG path instead of a bar per bin).
        # After pruning: the same outline as a layout shape, which moves with the slider
        # (see ``prune_overview``); an empty trace gives it its legend entry.
        panels.add(
            ax,
            type="scatter",
            x=np.repeat(h.edges, 2)[1:-1].tolist(),
            y=np.repeat(h.before, 2).tolist(),
            mode="lines",
            line={"color": GREY, "width": 1},
            fill="tozeroy",
            fillcolor="rgba(187, 187, 187, 0.6)",
            name=t("fig.before"),
            legendgroup="before",
            showlegend=i == 0,
            hoverinfo="skip",
        )
        if i == 0:
            _legend_entry(
                panels, ax, t("fig.after"), "lines", line={"color": BLUE, "width": 1},
                fill="tozeroy", fillcolor=AFTER_FILL,
            )  # fmt: skip
        panels.layout["shapes"].append(
            {
                "type": "path",
                "xref": f"x{ax}",
                "yref": f"y{ax}",
                "path": _step_path(h.edges, h.after),
                "line": {"color": BLUE, "width": 1},
                "fillcolor": AFTER_FILL,
                "name": t("fig.after"),
            }
        )
        if thr is not None:
            panels.layout["shapes"] += [
                {
                    "type": "line",
                    "xref": f"x{ax}",
                    "yref": f"y{ax} domain",
                    "x0": x,
                    "x1": x,
                    "y0": 0,
                    "y1": 1,
                    "line": CUT_LINE,
                }
                for x in (-thr, thr)
            ]
    if thresholds is not None:  # a magnitude strategy: the cut's legend entry at every step
        _legend_entry(panels, "", t("fig.cut"), "lines", line=CUT_LINE)


def _counts_panel(panels, counts, t, x, y) -> str:
    layers = [c.layer for c in counts]
    ax = panels.axes(
        t("fig.counts_panel"),
        x,
        y,
        xaxis={"range": [-0.5, len(layers) - 0.5]},
        yaxis={
            "title": {"text": t("fig.weights")},
            "range": [0, 1.3 * max(c.total for c in counts)],  # room for the labels
        },
    )
    panels.add(
        ax,
        type="bar",
        x=layers,
        y=[c.total for c in counts],
        name=t("fig.total"),
        marker={"color": GREY},
        hovertemplate=t("fig.bar_hover") + "<extra></extra>",  # constant: the fast path
    )
    # The surviving weights move with the slider: labelled rectangles in the layout
    # over the constant grey totals, with an empty bar trace for the legend.
    _legend_entry(panels, ax, t("fig.nonzero"), None, type="bar", marker={"color": BLUE})
    for i, c in enumerate(counts):
        panels.layout["shapes"].append(
            {
                "type": "rect",
                "xref": f"x{ax}",
                "yref": f"y{ax}",
                "x0": i - BAR_WIDTH / 2,
                "x1": i + BAR_WIDTH / 2,
                "y0": 0,
                "y1": c.nonzero,
                "fillcolor": BLUE,
                "line": {"width": 0},
                "name": t("fig.nonzero"),
                # a label, not an annotation: Plotly redraws a changed annotation slowly
                "label": {  # the count and the share kept, above the bar
                    "text": f"{c.nonzero:,}<br>{c.density:.1%}",
                    "textposition": "top center",
                    "yanchor": "bottom",
                    "font": {"color": BLACK, "size": 13},
                },
            }
        )
    return ax


def _legend_entry(panels, ax, name: str, mode: str | None, **style) -> None:
    """An empty trace that only shows a legend entry, for a part of the figure that is
    drawn as a layout shape."""
    trace = {"type": "scatter", "x": [None], "y": [None], "name": name, "hoverinfo": "skip"}
    panels.add(ax, **trace | ({"mode": mode} if mode else {}) | style)


def _step_path(edges: np.ndarray, counts: np.ndarray) -> str:
    """A histogram's filled outline as an SVG path in data coordinates (a Plotly shape)."""
    steps = "".join(f"V{int(c)}H{x:.5g}" for c, x in zip(counts, edges[1:], strict=True))
    return f"M{edges[0]:.5g},0{steps}V0Z"


CIVIDIS = np.array(plotly.colors.sample_colorscale("Cividis", np.linspace(0, 1, 256).tolist()))


def _svg_image(values: np.ndarray) -> str:
    """``values`` (0 to 1, row 0 on top) in Cividis as an SVG data URI, a square per cell."""
    h, w = values.shape
    colours = CIVIDIS[np.rint(255 * values.ravel()).astype(int)]
    cells = "".join(
        f'<rect x="{i % w}" y="{i // w}" width="1" height="1" fill="{c}"/>'
        for i, c in enumerate(colours)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        f'shape-rendering="crispEdges">{cells}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _pixel_panel(panels, first_layer_mask, shape, t, x, y) -> str:
    """Connections kept per input pixel: an image, with the counts on invisible points
    for the hover. Unlike a heatmap trace, both can change without a full redraw of the
    figure (see ``live_chart.js``)."""
    h, w = shape
    ax = panels.axes(
        t("fig.pixels_panel"),
        x,
        y,
        xaxis={"visible": False, "range": [-0.5, w - 0.5]},
        # room for the scale's label under the image, however the panel is shaped
        yaxis={"visible": False, "range": [-0.5 - 0.45 * h, h - 0.5]},
    )
    panels.layout[f"yaxis{ax}"]["scaleanchor"] = f"x{ax}"  # square pixels
    kept = first_layer_mask.sum(axis=1).reshape(shape)
    panels.layout.setdefault("images", []).append(
        {
            # scaled to the data: sparse maps keep contrast
            "source": _svg_image(kept / max(1, int(kept.max()))),
            "xref": f"x{ax}",
            "yref": f"y{ax}",
            "x": -0.5,
            "y": h - 0.5,
            "sizex": w,
            "sizey": h,
            "sizing": "stretch",
            "layer": "below",
        }
    )
    panels.layout["shapes"].append(  # the scale in numbers, as a label under the image
        {
            "type": "line",
            "xref": f"x{ax} domain",  # the panel's width, not the image's: the text is wider
            "yref": f"y{ax}",
            "x0": 0,
            "x1": 1,
            "y0": -0.5,
            "y1": -0.5,
            "line": {"width": 0},
            "label": {
                "text": t(
                    "fig.pixels_scale",
                    most=int(kept.max()),
                    units=first_layer_mask.shape[1],
                    none=int((kept == 0).sum()),
                ),
                "textposition": "middle",
                "yanchor": "top",
                "padding": 6,
                "font": {"size": 12, "color": TEXT},
            },
        }
    )
    rows, cols = np.indices(shape)
    panels.add(
        ax,
        type="scatter",
        mode="markers",
        x=cols.ravel().tolist(),
        y=(h - 1 - rows).ravel().tolist(),
        text=kept.ravel().tolist(),
        marker={"opacity": 0, "size": 14},
        hovertemplate=t("fig.pixel_hover") + "<extra></extra>",
        showlegend=False,
    )
    return ax


def prune_overview(
    histograms: Sequence[Histogram],
    thresholds: Sequence[float | None] | None,
    counts: Sequence[LayerCount],
    first_layer_mask: np.ndarray,
    feature_shape: tuple[int, int] | None,
    curve: Sequence[CurveLine],
    marker: tuple[float, float],
    dense: float,
    labels: dict[str, str],
    t: Translate,
    neurons: bool = False,
    present: bool = False,
) -> dict:
    """The Prune page in one figure, as plain dicts for ``live_chart``: per-layer weight
    histograms (with the magnitude cut as dashed lines; ``thresholds`` is None for
    strategies that have no such cut) on top; surviving weights per
    layer, the input-pixel survival map (image data only) and the accuracy-vs-sparsity
    curve with the current point below.

    The browser updates this figure on every slider step, so everything the slider moves
    is a layout decoration: the after-pruning histograms, the surviving-weight bars and
    the current point are shapes, the pixel map an image. Traces hold only what stays
    (empty ones give the shapes legend entries), plus the pixel counts shown on hover.
    With every axis range fixed, ``live_chart`` moves a step with ``Plotly.relayout``,
    which costs far less than updating trace data.

    On a narrow chart the panels stack in two columns, or one: ``responsive`` holds those
    arrangements (domains, legends, height), which ``live_chart`` picks by the chart's
    width in the browser. ``present`` is the presenter view: shorter, with larger text
    for the back of a lecture hall.
    """
    panels = _Panels(LIVE_AXIS)
    _histogram_panels(panels, histograms, thresholds, t, (0.6, 0.93))
    bottom = (0.0, 0.4)
    if feature_shape is not None:
        bars = _counts_panel(panels, counts, t, (0.0, 0.22), bottom)
        pixels = _pixel_panel(panels, first_layer_mask, feature_shape, t, (0.29, 0.45), bottom)
        curve_x = (0.62, 1.0)
    else:
        bars = _counts_panel(panels, counts, t, (0.0, 0.4), bottom)
        pixels = None
        curve_x = (0.5, 1.0)
    ax = panels.axes(t("fig.curve_panel"), curve_x, bottom)
    _curve_traces(panels, ax, curve, labels, dense, t, 100)
    _legend_entry(panels, ax, t("fig.you"), "markers", marker=YOU_ARE_HERE)
    panels.layout["shapes"].append(
        {
            "type": "path",  # a diamond of fixed size in pixels around the current point
            "xref": f"x{ax}",
            "yref": f"y{ax}",
            "xsizemode": "pixel",
            "ysizemode": "pixel",
            "xanchor": marker[0] * 100,
            "yanchor": marker[1],
            "path": "M0,9L9,0L0,-9L-9,0Z",
            "fillcolor": VERMILION,
            "line": {"width": 0},
            "name": t("fig.you"),
        }
    )
    x_title = t("fig.sparsity_neurons_pct" if neurons else "fig.sparsity_pct")
    panels.layout[f"xaxis{ax}"] |= {"title": {"text": x_title}, "range": [-4, 104]}
    panels.layout[f"yaxis{ax}"] |= {
        "range": [0, 1.05],
        "tickformat": ".0%",
        "title": {"text": t("fig.accuracy")},
    }
    # Each row's panels get their own legends: the histograms' above the top row, the
    # bars' and the curve's under their own panels, where no data can be hidden.
    for name, suffix in {"legend2": bars, "legend3": ax}.items():
        panels.layout[name] = _legend_below(panels.layout, suffix)
        for trace in panels.data:
            if trace["xaxis"] == f"x{suffix}":
                trace["legend"] = name
    font = PRESENT_FONT if present else 13
    for note in panels.layout["annotations"]:
        note["font"] = {"size": font}
    for key, axis in panels.layout.items():  # axis titles no larger than the rest
        if key[1:5] == "axis" and "title" in axis:
            axis["title"] = axis["title"] | {"font": {"size": font}}
    figure = spec(
        panels.data,
        panels.layout
        | {
            "barmode": "overlay",
            "height": 760,
            "margin": {"l": 80 if present else 70, "r": 10, "t": 40, "b": 110},
            "legend": LABELS_ONLY | {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
            "font": {"size": font, "color": TEXT},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    )
    layout = figure["layout"]
    hists = [_axis(i + 1) for i in range(len(histograms))]
    placed = {"hist": hists, "bars": bars, "pixels": pixels, "curve": ax}
    if present:  # a projector is wide: one arrangement, sized to the first screen
        for key, value in _presented(placed, layout).items():
            layout[key] = layout.get(key, {}) | value if isinstance(value, dict) else value
    else:
        figure["responsive"] = [
            {"below": below, "layout": _stacked(placed, columns, font)} for below, columns in NARROW
        ]
    return figure


# Chart widths (px) below which the Prune overview stacks its panels in fewer columns:
# phones get one, tablets and a projector with the sidebar open two.
NARROW = ((560, 1), (800, 2))
PRESENT_HEIGHT, PRESENT_FONT = 560, 16


@dataclass(frozen=True)
class _Rows:
    """Pixel sizes of a grid of panels: above each row its titles, below it the tick
    labels and axis title, then a legend for the rows that have one."""

    title: int = 40
    below: int = 62
    legend: int = 34
    top: int = 70  # the histograms' legend above the first row
    bottom: int = 20


def _grid_layout(
    grid: list[list[tuple[str, float, float]]], plot_px: int, rows: _Rows, legends: dict
) -> dict:
    """Axis domains for panels placed on a grid (rows of ``(axes, x0, x1)``), every row
    ``plot_px`` tall, with each legend in ``legends`` (name by axes) under its panel."""
    with_legend = [any(a in legends for a, *_ in row) for row in grid]
    heights = [rows.title + plot_px + rows.below + rows.legend * wl for wl in with_legend]
    plot = sum(heights)
    layout = {"height": plot + rows.top + rows.bottom, "margin": {"t": rows.top, "b": rows.bottom}}
    y = 1.0
    for row, height in zip(grid, heights, strict=True):
        y1 = y - rows.title / plot
        y0 = y1 - plot_px / plot
        for a, x0, x1 in row:
            layout[f"xaxis{a}"] = {"domain": [x0, x1]}
            layout[f"yaxis{a}"] = {"domain": [y0, y1]}
            if a in legends:  # under its panel's tick labels and axis title
                layout[legends[a]] = {"x": x0, "y": y0 - (rows.below + 4) / plot}
        y -= height / plot
    return layout


def _columns(cells: list[str], gap: float) -> list[tuple[str, float, float]]:
    """``cells`` side by side in equal widths."""
    width = (1 - gap * (len(cells) - 1)) / len(cells)
    return [(a, i * (width + gap), i * (width + gap) + width) for i, a in enumerate(cells)]


def _stacked(panels: dict, columns: int, font: int) -> dict:
    """The overview's panels in ``columns`` columns, every row 200 px of plot; titles and
    labels follow their axes (``_Panels.axes``), so only domains, legends and the height
    change."""
    hist, bars, pixels, curve = (panels[k] for k in ("hist", "bars", "pixels", "curve"))
    if columns == 1:
        cells = [[a] for a in (*hist, bars, pixels, curve) if a is not None]
    else:
        cells = [hist[i : i + 2] for i in range(0, len(hist), 2)]
        cells += [[bars, pixels], [curve]] if pixels is not None else [[bars, curve]]
    grid = [_columns(row, 0.14) for row in cells]  # room for the right panel's axis titles
    legends = {bars: "legend2", curve: "legend3"}
    return _grid_layout(grid, 200, _Rows(), legends) | {"font": {"size": min(font, 13)}}


def _presented(panels: dict, layout: dict) -> dict:
    """The wide arrangement (histograms above, the rest below) squeezed into
    ``PRESENT_HEIGHT`` with the presenter view's larger text."""
    rows = _Rows(title=34, below=62, legend=50, top=44, bottom=8)
    bars, curve = panels["bars"], panels["curve"]
    below = [a for a in (bars, panels["pixels"], curve) if a is not None]
    grid = [
        [(a, *layout[f"xaxis{a}"]["domain"]) for a in panels["hist"]],
        [(a, *layout[f"xaxis{a}"]["domain"]) for a in below],
    ]
    fixed = 2 * (rows.title + rows.below) + rows.legend + rows.top + rows.bottom
    plot_px = (PRESENT_HEIGHT - fixed) // 2
    return _grid_layout(grid, plot_px, rows, {bars: "legend2", curve: "legend3"})


def _legend_below(layout: dict, suffix: str) -> dict:
    """A legend under the bottom-row panel on axes ``suffix``, below its axis title."""
    return {
        "x": layout[f"xaxis{suffix}"]["domain"][0],
        "xanchor": "left",
        "y": -0.1,
        "yanchor": "top",
        "orientation": "h",
        "font": {"size": 12},
    } | LABELS_ONLY


def _curve_traces(panels, ax, lines, labels, dense, t, scale: float) -> None:
    """Accuracy lines (mean ± std band over seeds) and the dense line; x is multiplied by
    ``scale`` (100 draws sparsity in percent)."""
    for i, (key, xs, mean, std) in enumerate(lines):
        xs = xs * scale
        colour = PALETTE[i % len(PALETTE)]
        if (std > 0).any():
            panels.add(
                ax,
                type="scatter",
                x=np.concatenate([xs, xs[::-1]]).tolist(),
                y=np.concatenate([mean + std, (mean - std)[::-1]]).tolist(),
                fill="toself",
                fillcolor=colour,
                opacity=0.2,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=key,
            )
        panels.add(
            ax,
            type="scatter",
            x=xs.tolist(),
            y=mean.tolist(),
            mode="lines+markers",
            name=labels.get(key, key),
            line={"color": colour},
            legendgroup=key,
            hovertemplate="%{fullData.name}<br>%{x:.4g} → %{y:.1%}<extra></extra>",
        )
    if dense is not None:
        panels.layout["shapes"].append(
            {
                "type": "line",
                "xref": f"x{ax} domain",
                "yref": f"y{ax}",
                "x0": 0,
                "x1": 1,
                "y0": dense,
                "y1": dense,
                "line": {"dash": "dot", "color": BLACK},
            }
        )
        panels.layout["annotations"].append(
            {
                "text": t("fig.dense"),  # at the right: the curves start on this line
                "xref": f"x{ax} domain",
                "yref": f"y{ax}",
                "x": 1,
                "y": dense,
                "xanchor": "right",
                "yanchor": "top",
                "showarrow": False,
            }
        )


def accuracy_curve(
    frame: pd.DataFrame,
    t: Translate,
    labels: dict[str, str],
    dense: float | None = None,
    x: str = "sparsity",
    log_x: bool = False,
) -> go.Figure:
    """Accuracy against sparsity (or compression), one line per strategy.

    With several seeds, the mean is drawn with a ±1 std band; ``dense`` draws the
    unpruned accuracy for reference.
    """
    panels = _Panels()
    ax = panels.axes("", (0, 1), (0, 1))
    panels.layout["annotations"].clear()
    scale = 100 if x == "sparsity" else 1
    _curve_traces(panels, ax, curve_lines(frame, x), labels, dense, t, scale)
    xtitle = t("fig.sparsity_pct") if x == "sparsity" else t("fig.compression")
    panels.layout["xaxis"] |= {"title": {"text": xtitle}, "type": "log" if log_x else "linear"}
    if log_x:  # Plotly's own log ticks read "8 9 1 2 3 ... 2": label 1×, 2×, 5×, 10×...
        ticks = [m * 10**e for e in range(4) for m in (1, 2, 5)]
        panels.layout["xaxis"] |= {"tickvals": ticks, "ticktext": [f"{v:g}×" for v in ticks]}
    panels.layout["yaxis"] |= {
        "title": {"text": t("fig.accuracy")},
        "range": [0, 1.02],
        "tickformat": ".0%",
    }
    return figure(panels.data, panels.layout | {"title": {"text": t("fig.curve_title")}})
