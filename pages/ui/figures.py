"""Pure functions from engine results to Plotly figures.

Nothing here computes pruning: each function takes numbers the engine produced, plus a
translator ``t`` for titles and legends, and returns a figure. Colours come from the
Okabe-Ito palette, which stays distinguishable for colour-blind students.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

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
HEIGHT = 300


def figure(data: list[dict], layout: dict, height: int = HEIGHT) -> go.Figure:
    """A figure from plain dicts, skipping Plotly's property validation.

    Validation made building the Prune page's four charts cost about 300 ms per slider
    step; the dicts here use only well-known properties, and the tests render them.
    """
    base = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        "title": {"y": 0.97},
        "font": {"size": 13},
    }
    for key, value in layout.items():
        base[key] = base[key] | value if isinstance(value, dict) and key in base else value
    return go.Figure({"data": data, "layout": base}, _validate=False)


def _layout(fig: go.Figure, height: int = HEIGHT, **kwargs) -> go.Figure:
    """Apply the shared look to a figure built with graph objects (slower than ``figure``)."""
    kwargs.setdefault("margin", {"l": 10, "r": 10, "t": 70, "b": 10})
    fig.update_layout(
        height=height,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        title_y=0.97,
        font={"size": 13},
        **kwargs,
    )
    return fig


def _axis(i: int) -> str:
    return "" if i == 1 else str(i)


def weight_histograms(
    histograms: Sequence[Histogram], thresholds: Sequence[float | None], t: Translate
) -> go.Figure:
    """Per layer: the weight distribution before pruning (grey) and what survives (blue).

    A magnitude cut shows as a hole around zero between two dashed threshold lines.
    """
    n, gap = len(histograms), 0.06
    width = (1 - gap * (n - 1)) / n
    data, layout, shapes, notes = [], {}, [], []
    for i, (h, thr) in enumerate(zip(histograms, thresholds, strict=True), start=1):
        ax = _axis(i)
        centres = ((h.edges[:-1] + h.edges[1:]) / 2).tolist()
        bar_width = float(h.edges[1] - h.edges[0])
        for counts, name, colour in (
            (h.before, t("fig.before"), GREY),
            (h.after, t("fig.after"), BLUE),
        ):
            data.append(
                {
                    "type": "bar",
                    "x": centres,
                    "y": counts.tolist(),
                    "width": bar_width,
                    "name": name,
                    "marker": {"color": colour},
                    "legendgroup": name,
                    "showlegend": i == 1,
                    "xaxis": f"x{ax}",
                    "yaxis": f"y{ax}",
                }
            )
        left = (i - 1) * (width + gap)
        layout[f"xaxis{ax}"] = {
            "domain": [left, left + width],
            "anchor": f"y{ax}",
            "title": {"text": t("fig.weight_value")},
        }
        layout[f"yaxis{ax}"] = {
            "anchor": f"x{ax}",
            "title": {"text": t("fig.count") if i == 1 else ""},
        }
        notes.append(
            {
                "text": h.layer,
                "x": left + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
        if thr is not None:
            shapes += [
                {
                    "type": "line",
                    "xref": f"x{ax}",
                    "yref": f"y{ax} domain",
                    "x0": x,
                    "x1": x,
                    "y0": 0,
                    "y1": 1,
                    "line": {"dash": "dash", "color": VERMILION, "width": 1.5},
                }
                for x in (-thr, thr)
            ]
    layout |= {
        "barmode": "overlay",
        "shapes": shapes,
        "annotations": notes,
        "title": {"text": t("fig.histograms_title")},
        "margin": {"l": 10, "r": 10, "t": 95, "b": 10},
    }
    return figure(data, layout)


def layer_counts(counts: Sequence[LayerCount], t: Translate) -> go.Figure:
    """Nonzero against total weights per layer, labelled with the density."""
    layers = [c.layer for c in counts]
    data = [
        {
            "type": "bar",
            "x": layers,
            "y": [c.total for c in counts],
            "name": t("fig.total"),
            "marker": {"color": GREY},
        },
        {
            "type": "bar",
            "x": layers,
            "y": [c.nonzero for c in counts],
            "name": t("fig.nonzero"),
            "marker": {"color": BLUE},
            "text": [f"{c.density:.1%}" for c in counts],
            "textposition": "outside",
        },
    ]
    return figure(
        data,
        {
            "barmode": "overlay",
            "title": {"text": t("fig.counts_title")},
            "yaxis": {"title": {"text": t("fig.weights")}},
        },
    )


def pixel_survival(first_layer_mask: np.ndarray, shape: tuple[int, int], t: Translate) -> go.Figure:
    """For image inputs: how many first-layer connections each input pixel keeps."""
    kept = first_layer_mask.sum(axis=1).reshape(shape)
    data = [
        {
            "type": "heatmap",
            "z": kept[::-1].tolist(),
            "colorscale": "Cividis",
            "zmin": 0,
            "zmax": max(1, int(kept.max())),  # scaled to the data: sparse maps keep contrast
            "colorbar": {"title": {"text": t("fig.connections")}},
            "hovertemplate": t("fig.pixel_hover") + "<extra></extra>",
        }
    ]
    return figure(
        data,
        {
            "title": {"text": t("fig.pixels_title")},
            "xaxis": {"showticklabels": False},
            "yaxis": {"showticklabels": False, "scaleanchor": "x"},
        },
    )


def accuracy_curve(
    frame: pd.DataFrame,
    t: Translate,
    labels: dict[str, str],
    marker: tuple[float, float] | None = None,
    dense: float | None = None,
    x: str = "sparsity",
    log_x: bool = False,
) -> go.Figure:
    """Accuracy against sparsity (or compression), one line per strategy.

    With several seeds, the mean is drawn with a ±1 std band. ``marker`` marks the
    current slider position; ``dense`` draws the unpruned accuracy for reference.
    """
    data = []
    for i, key in enumerate(dict.fromkeys(frame["strategy"])):
        colour = PALETTE[i % len(PALETTE)]
        rows = frame[frame["strategy"] == key]
        stats = rows.groupby(x)["accuracy"].agg(["mean", "std"]).fillna(0.0).sort_index()
        xs = stats.index.to_numpy() * (100 if x == "sparsity" else 1)
        mean, std = stats["mean"].to_numpy(), stats["std"].to_numpy()
        if (std > 0).any():
            data.append(
                {
                    "type": "scatter",
                    "x": np.concatenate([xs, xs[::-1]]).tolist(),
                    "y": np.concatenate([mean + std, (mean - std)[::-1]]).tolist(),
                    "fill": "toself",
                    "fillcolor": colour,
                    "opacity": 0.2,
                    "line": {"width": 0},
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "legendgroup": key,
                }
            )
        data.append(
            {
                "type": "scatter",
                "x": xs.tolist(),
                "y": mean.tolist(),
                "mode": "lines+markers",
                "name": labels.get(key, key),
                "line": {"color": colour},
                "legendgroup": key,
            }
        )
    shapes, notes = [], []
    if dense is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": dense,
                "y1": dense,
                "line": {"dash": "dot", "color": BLACK},
            }
        )
        notes.append(
            {
                "text": t("fig.dense"),
                "xref": "paper",
                "x": 0,
                "y": dense,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
            }
        )
    if marker is not None:
        data.append(
            {
                "type": "scatter",
                "x": [marker[0] * 100],
                "y": [marker[1]],
                "mode": "markers",
                "name": t("fig.you"),
                "marker": {"size": 14, "color": VERMILION, "symbol": "diamond"},
            }
        )
    xtitle = t("fig.sparsity_pct") if x == "sparsity" else t("fig.compression")
    return figure(
        data,
        {
            "title": {"text": t("fig.curve_title")},
            "shapes": shapes,
            "annotations": notes,
            "xaxis": {"title": {"text": xtitle}, "type": "log" if log_x else "linear"},
            "yaxis": {
                "title": {"text": t("fig.accuracy")},
                "range": [0, 1.02],
                "tickformat": ".0%",
            },
        },
    )
