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
from plotly.subplots import make_subplots

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


def _layout(fig: go.Figure, height: int = HEIGHT, **kwargs) -> go.Figure:
    kwargs.setdefault("margin", {"l": 10, "r": 10, "t": 70, "b": 10})
    fig.update_layout(
        height=height,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        title_y=0.97,
        font={"size": 13},
        **kwargs,
    )
    return fig


def weight_histograms(
    histograms: Sequence[Histogram], thresholds: Sequence[float | None], t: Translate
) -> go.Figure:
    """Per layer: the weight distribution before pruning (grey) and what survives (blue).

    A magnitude cut shows as a hole around zero between two dashed threshold lines.
    """
    fig = make_subplots(rows=1, cols=len(histograms), subplot_titles=[h.layer for h in histograms])
    for i, (h, thr) in enumerate(zip(histograms, thresholds, strict=True), start=1):
        centres = (h.edges[:-1] + h.edges[1:]) / 2
        width = float(h.edges[1] - h.edges[0])
        for counts, name, colour in (
            (h.before, t("fig.before"), GREY),
            (h.after, t("fig.after"), BLUE),
        ):
            fig.add_bar(
                x=centres,
                y=counts,
                width=width,
                name=name,
                marker_color=colour,
                legendgroup=name,
                showlegend=i == 1,
                row=1,
                col=i,
            )
        if thr is not None:
            for x in (-thr, thr):
                fig.add_vline(x=x, line_dash="dash", line_color=VERMILION, row=1, col=i)
    fig.update_xaxes(title_text=t("fig.weight_value"))
    fig.update_yaxes(title_text=t("fig.count"), col=1)
    fig.update_annotations(font_size=12, yshift=-4)  # subplot titles sit below the legend
    return _layout(
        fig,
        barmode="overlay",
        title=t("fig.histograms_title"),
        margin={"l": 10, "r": 10, "t": 95, "b": 10},
    )


def layer_counts(counts: Sequence[LayerCount], t: Translate) -> go.Figure:
    """Nonzero against total weights per layer, labelled with the density."""
    layers = [c.layer for c in counts]
    fig = go.Figure()
    fig.add_bar(x=layers, y=[c.total for c in counts], name=t("fig.total"), marker_color=GREY)
    fig.add_bar(
        x=layers,
        y=[c.nonzero for c in counts],
        name=t("fig.nonzero"),
        marker_color=BLUE,
        text=[f"{c.density:.1%}" for c in counts],
        textposition="outside",
    )
    fig.update_yaxes(title_text=t("fig.weights"))
    return _layout(fig, barmode="overlay", title=t("fig.counts_title"))


def pixel_survival(first_layer_mask: np.ndarray, shape: tuple[int, int], t: Translate) -> go.Figure:
    """For image inputs: how many first-layer connections each input pixel keeps."""
    kept = first_layer_mask.sum(axis=1).reshape(shape)
    fig = go.Figure(
        go.Heatmap(
            z=kept[::-1],
            colorscale="Cividis",
            zmin=0,
            zmax=first_layer_mask.shape[1],
            colorbar={"title": {"text": t("fig.connections")}},
            hovertemplate=t("fig.pixel_hover") + "<extra></extra>",
        )
    )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, scaleanchor="x")
    return _layout(fig, title=t("fig.pixels_title"))


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
    fig = go.Figure()
    keys = list(dict.fromkeys(frame["strategy"]))
    for i, key in enumerate(keys):
        colour = PALETTE[i % len(PALETTE)]
        stats = frame[frame["strategy"] == key].groupby(x)["accuracy"].agg(["mean", "std"])
        stats = stats.fillna(0.0).sort_index()
        xs = stats.index.to_numpy() * (100 if x == "sparsity" else 1)
        if (stats["std"] > 0).any():
            fig.add_scatter(
                x=np.concatenate([xs, xs[::-1]]),
                y=np.concatenate(
                    [stats["mean"] + stats["std"], (stats["mean"] - stats["std"])[::-1]]
                ),
                fill="toself",
                fillcolor=colour,
                opacity=0.2,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=key,
            )
        fig.add_scatter(
            x=xs,
            y=stats["mean"],
            mode="lines+markers",
            name=labels.get(key, key),
            line={"color": colour},
            legendgroup=key,
        )
    if dense is not None:
        fig.add_hline(
            y=dense,
            line_dash="dot",
            line_color=BLACK,
            annotation_text=t("fig.dense"),
            annotation_position="bottom left",
        )
    if marker is not None:
        fig.add_scatter(
            x=[marker[0] * 100],
            y=[marker[1]],
            mode="markers",
            name=t("fig.you"),
            marker={"size": 14, "color": VERMILION, "symbol": "diamond"},
        )
    fig.update_xaxes(
        title_text=t("fig.sparsity_pct") if x == "sparsity" else t("fig.compression"),
        type="log" if log_x else "linear",
    )
    fig.update_yaxes(title_text=t("fig.accuracy"), range=[0, 1.02], tickformat=".0%")
    return _layout(fig, title=t("fig.curve_title"))
