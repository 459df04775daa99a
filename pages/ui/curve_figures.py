"""Figures for the Train, Curves, Lottery and Sensitivity pages.

Like ``figures.py``, nothing here prunes, trains or reads results: each function takes
numbers the engine produced (a training history, a sweep table, a lottery table, and
``pruning.analysis`` readings of them) plus a translator ``t``, and returns a Plotly
figure or the lines of a text. Colours are Okabe-Ito.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pruning import curve_lines, lottery_means, sparsest_within

from .figures import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PALETTE,
    VERMILION,
    Translate,
    _layout,
    accuracy_curve,
)

LOTTERY_VARIANTS = ("rewind", "reinit", "trained")
LOTTERY_STYLE = {  # colour, dash, marker: told apart without colour too
    "rewind": (BLUE, "solid", "circle"),
    "reinit": (VERMILION, "dash", "x"),
    "trained": (GREEN, "dot", "square"),
}
CONFIG = {"displayModeBar": False}


# --- Train ---------------------------------------------------------------------------


def training_curves(history: Sequence[Sequence[float]], t: Translate) -> go.Figure:
    """Training loss and test accuracy per epoch, side by side.

    ``history`` holds ``(epoch, loss, val_accuracy)`` rows, as ``Network.history`` or the
    live list the trainer reports while it runs.
    """
    rows = np.asarray([tuple(h)[:3] for h in history], dtype=float).reshape(-1, 3)
    epochs, loss, acc = rows[:, 0], rows[:, 1], rows[:, 2]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[t("train.fig_loss_title"), t("train.fig_acc_title")],
        horizontal_spacing=0.1,
    )
    fig.add_scatter(
        x=epochs,
        y=loss,
        mode="lines",
        name=t("train.fig_loss"),
        line={"color": BLUE, "width": 2},
        hovertemplate=t("train.fig_loss_hover") + "<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=epochs,
        y=acc,
        mode="lines",
        name=t("train.fig_acc"),
        line={"color": ORANGE, "width": 2},
        hovertemplate=t("train.fig_acc_hover") + "<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text=t("train.fig_epoch"), rangemode="tozero")
    fig.update_yaxes(title_text=t("train.fig_loss_log"), type="log", dtick=1, row=1, col=1)
    fig.update_yaxes(title_text=t("train.fig_acc"), range=[0, 1.02], tickformat=".0%", row=1, col=2)
    fig.update_annotations(font_size=14)
    return _layout(fig, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})


def architecture(
    layer_sizes: Sequence[int],
    activation: str,
    t: Translate,
    image_shape: tuple[int, int] | None = None,
) -> list[str]:
    """The network in words: inputs, each hidden layer, outputs, then each weight matrix."""
    n_in, *hidden, n_out = layer_sizes
    if image_shape is not None:
        lines = [t("train.arch_pixels", n=n_in, h=image_shape[0], w=image_shape[1])]
    else:
        lines = [t("train.arch_inputs", n=n_in)]
    for i, width in enumerate(hidden, start=1):
        lines.append(t("train.arch_hidden", i=i, n=width, activation=activation))
    lines.append(t("train.arch_output_binary") if n_out == 1 else t("train.arch_output", n=n_out))
    for i, (a, b) in enumerate(pairwise(layer_sizes), start=1):
        lines.append(
            t("train.arch_layer", name=f"fc{i}", a=a, b=b, weights=f"{a * b:,}", biases=f"{b:,}")
        )
    return lines


# --- Curves --------------------------------------------------------------------------


def strategy_curves(
    frame: pd.DataFrame,
    t: Translate,
    labels: dict[str, str],
    dense: float,
    tolerance: float,
    title: str,
    x: str = "sparsity",
    one_shot: pd.DataFrame | None = None,
) -> go.Figure:
    """Accuracy against sparsity (or compression, log axis) for several strategies.

    Seeds become mean ± std bands (``accuracy_curve`` draws them). A grey band shows
    the tolerance below the dense accuracy, and a star marks each strategy's sparsest
    level inside it. ``one_shot``, for fine-tuned curves, adds the same strategies
    without fine-tuning as dashed lines in the same colours.
    """
    log_x = x == "compression"
    if log_x:  # 100% sparsity has infinite compression: it has no place on a log axis
        frame = frame[np.isfinite(frame["compression"])]
    fig = accuracy_curve(frame, t, labels, dense=dense, x=x, log_x=log_x)
    if one_shot is not None:
        if log_x:
            one_shot = one_shot[np.isfinite(one_shot["compression"])]
        for i, line in enumerate(curve_lines(one_shot, x)):
            fig.add_scatter(
                x=line.x * (100 if x == "sparsity" else 1),
                y=line.mean,
                mode="lines",
                line={"color": PALETTE[i % len(PALETTE)], "dash": "dash", "width": 1.5},
                name=t("curves.one_shot_line", strategy=labels.get(line.key, line.key)),
            )
    if tolerance > 0:
        fig.add_hrect(
            y0=max(0.0, dense - tolerance / 100),
            y1=dense,
            fillcolor=GREY,
            opacity=0.35,
            line_width=0,
            layer="below",
        )
    best = sparsest_within(frame, dense, tolerance).reset_index(drop=True)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(best))]
    keep = best["sparsity"].notna().to_numpy()
    if keep.any():
        xs = best["sparsity"] * 100 if x == "sparsity" else best["compression"]
        star = {"size": 16, "symbol": "star", "line": {"color": BLACK, "width": 1}}
        fig.add_scatter(
            x=xs[keep],
            y=best["accuracy"][keep],
            mode="markers",
            marker=star | {"color": [c for c, k in zip(colours, keep, strict=True) if k]},
            hovertemplate=t("curves.fig_best_hover") + "<extra></extra>",
            showlegend=False,
        )
        fig.add_scatter(  # the legend's star is white: each star has its strategy's colour
            x=[None],
            y=[None],
            mode="markers",
            name=t("curves.fig_best", tol=tolerance),
            marker=star | {"color": "white"},
        )
    fig.update_layout(title_text=title)
    fig = _layout(fig, height=500, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    # under the axis: with several strategies and their one-shot lines the legend takes
    # three rows, which above the plot ran into the title
    return fig.update_layout(legend={"yanchor": "top", "y": -0.24, "x": 0})


# --- Lottery -------------------------------------------------------------------------


def lottery_curves(
    frame: pd.DataFrame, t: Translate, labels: dict[str, str], dense: float
) -> go.Figure:
    """Accuracy against sparsity for the three ways of training the same mask.

    The x-axis is the share of weights *remaining* on a reversed log scale (as Frankle &
    Carbin plot it), labelled in sparsity, so 90%, 95% and 98% get room of their own.
    """
    fig = go.Figure()
    levels = sorted(frame["sparsity"].unique())
    means = lottery_means(frame)
    for variant in LOTTERY_VARIANTS:
        if variant not in means:
            continue
        stats = means[variant].dropna()
        colour, dash, symbol = LOTTERY_STYLE[variant]
        remaining = np.maximum(1.0 - stats.index.to_numpy(), 1e-4) * 100
        fig.add_scatter(
            x=remaining,
            y=stats.to_numpy(),
            mode="lines+markers",
            name=labels.get(variant, variant),
            line={"color": colour, "dash": dash, "width": 2.5},
            marker={"symbol": symbol, "size": 9},
            customdata=stats.index.to_numpy() * 100,
            hovertemplate=t("lottery.fig_hover") + "<extra></extra>",
        )
    fig.add_hline(
        y=dense,
        line_dash="dot",
        line_color=BLACK,
        annotation_text=t("fig.dense"),
        annotation_position="top left",
    )
    ticks = [max(1.0 - s, 1e-4) * 100 for s in levels]
    fig.update_xaxes(
        title_text=t("lottery.fig_x"),
        type="log",
        autorange="reversed",
        tickvals=ticks,
        ticktext=[f"{s:.0%}" for s in levels],
    )
    low = float(min(frame["accuracy"].min(), dense))
    fig.update_yaxes(
        title_text=t("fig.accuracy"),
        range=[max(0.0, low - 0.05), min(1.02, max(dense, frame["accuracy"].max()) + 0.03)],
        tickformat=".0%",
    )
    fig.update_layout(title_text=t("lottery.fig_title"))  # a plain title= would drop title_y
    fig = _layout(fig, height=440, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    # under the axis: on a phone the three variants take rows, which above met the title
    return fig.update_layout(legend={"yanchor": "top", "y": -0.22, "x": 0})


# --- Sensitivity ---------------------------------------------------------------------


def sensitivity_curves(
    frame: pd.DataFrame, t: Translate, labels: dict[str, str], dense: float, x_title: str
) -> go.Figure:
    """One line per layer: accuracy when only that layer is pruned to each sparsity."""
    fig = accuracy_curve(frame.assign(strategy=frame["layer"]), t, labels, dense=dense)
    fig.update_xaxes(title_text=x_title)
    fig.update_layout(title_text=t("sensitivity.fig_title"))
    return _layout(fig, height=420, margin={"l": 10, "r": 10, "t": 90, "b": 10})
