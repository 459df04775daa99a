"""Figures for the Inspect page: pure functions from engine output to Plotly.

Nothing here prunes or measures: the pages call the engine and hand the numbers in, with a
translator ``t`` for every visible word. Weights use a diverging, colour-blind-safe scale
(RdBu reversed: red positive, blue negative, white near zero) and pruned weights are NaN,
so Plotly leaves their cells empty and the grey plot background shows through.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .figures import BLACK, BLUE, VERMILION, Translate, _layout

PRUNED = "#8C8C8C"  # the background pruned (NaN) cells show; not a colour of RdBu
WEIGHT_SCALE = "RdBu"  # reversed below: red = positive, blue = negative
MAX_SIDE = 200  # a weight heatmap shows at most this many rows and columns
CONFIG = {"displayModeBar": False}


# --- small helpers that reshape engine output --------------------------------------------


def strided(n: int, max_side: int = MAX_SIDE) -> tuple[np.ndarray, int]:
    """Indices of every ``step``-th entry, so that at most ``max_side`` remain, and the step."""
    step = max(1, math.ceil(n / max_side))
    return np.arange(0, n, step), step


def masked_view(W: np.ndarray, mask: np.ndarray, max_side: int = MAX_SIDE):
    """A weight matrix as the heatmap shows it: one row per unit of the layer it feeds
    (``W.T``), pruned entries NaN, thinned to at most ``max_side`` rows and columns.

    Returns ``(z, row_indices, col_indices, row_step, col_step)``.
    """
    z = np.where(mask, W, np.nan).T
    rows, row_step = strided(z.shape[0], max_side)
    cols, col_step = strided(z.shape[1], max_side)
    return z[np.ix_(rows, cols)], rows, cols, row_step, col_step


def tile_order(kept: np.ndarray, removed: np.ndarray, survivors_first: bool) -> np.ndarray:
    """Unit indices for the receptive-field grid: in index order, or surviving units first
    (most kept weights first), then units without any weight, then removed units."""
    units = np.arange(kept.size)
    if not survivors_first:
        return units
    key = np.where(removed, -2, np.where(kept == 0, -1, kept))
    return units[np.argsort(-key, kind="stable")]


# --- Inspect -----------------------------------------------------------------------------


def _weight_colours(limit: float, t: Translate) -> dict:
    """The diverging weight scale every weight heatmap shares: centred on 0, ±``limit``."""
    return {
        "colorscale": WEIGHT_SCALE,
        "reversescale": True,
        "zmid": 0,
        "zmin": -limit,
        "zmax": limit,
        "colorbar": {"title": {"text": t("inspect.weight")}, "thickness": 14},
    }


def _pruned_legend(fig: go.Figure, t: Translate, **where) -> None:
    """A legend entry explaining the grey cells (a marker-only trace with no points)."""
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "square", "size": 14, "color": PRUNED},
        name=t("inspect.pruned_cells"),
        hoverinfo="skip",
        **where,
    )


def weight_heatmap(
    W: np.ndarray,
    mask: np.ndarray,
    layer: str,
    t: Translate,
    limit: float,
    row_labels: Sequence[str] | None = None,
    max_side: int = MAX_SIDE,
) -> go.Figure:
    """One weight matrix with its mask: rows are the units this layer feeds, columns its
    inputs; colour is the weight on a symmetric scale ±``limit``; pruned cells are empty."""
    z, rows, cols, row_step, col_step = masked_view(W, mask, max_side)
    y = [row_labels[i] for i in rows] if row_labels is not None else rows
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=y,
            **_weight_colours(limit, t),
            hovertemplate=t("inspect.cell_hover") + "<extra></extra>",
            hoverongaps=False,
            xgap=0,
            ygap=0,
        )
    )
    _pruned_legend(fig, t)
    # Explicit ranges: the legend's empty marker trace must not pad the axes.
    fig.update_xaxes(
        title_text=t("inspect.inputs_axis"),
        showgrid=False,
        zeroline=False,
        range=[cols[0] - col_step / 2, cols[-1] + col_step / 2],
    )
    if row_labels is not None:
        y_range, y_type = [len(rows) - 0.5, -0.5], "category"
    else:
        y_range, y_type = [rows[-1] + row_step / 2, rows[0] - row_step / 2], "linear"
    fig.update_yaxes(
        title_text=t("inspect.units_axis"),
        showgrid=False,
        zeroline=False,
        type=y_type,
        range=y_range,
    )
    height = int(min(680, max(300, 150 + 5 * len(rows))))
    fig = _layout(
        fig,
        height=height,
        title=t("inspect.heatmap_title", layer=layer),
        plot_bgcolor=PRUNED,
        showlegend=True,
    )
    return fig  # the legend under the title, as everywhere: a long title never meets it


def field_grid(
    W: np.ndarray,
    mask: np.ndarray,
    units: Sequence[int],
    removed: np.ndarray,
    shape: tuple[int, int],
    cols: int = 8,
    gap: tuple[int, int] = (3, 1),
):
    """Tile units' incoming weights into one image: ``(weights, pruned, origins, where)``.

    ``weights`` holds surviving weights and NaN elsewhere; ``pruned`` is 1 on pruned pixels
    and on every pixel of a removed unit, NaN elsewhere; gaps (``gap`` = rows above a tile,
    columns after it) are NaN in both, so they show the white background. ``origins`` gives
    each tile's top-left (row, column); ``where`` holds (unit, pixel row, pixel column)
    per cell for the hover text.
    """
    h, w = shape
    rows = max(1, math.ceil(len(units) / cols))
    height, width = rows * (h + gap[0]), cols * (w + gap[1]) - gap[1]
    weights = np.full((height, width), np.nan)
    pruned = np.full((height, width), np.nan)
    where = np.full((height, width, 3), -1, dtype=np.int64)
    pixel_rows, pixel_cols = np.indices(shape)
    origins = []
    for i, u in enumerate(units):
        r0, c0 = (i // cols) * (h + gap[0]) + gap[0], (i % cols) * (w + gap[1])
        origins.append((r0, c0))
        keep = mask[:, u].reshape(shape) & ~removed[u]
        weights[r0 : r0 + h, c0 : c0 + w] = np.where(keep, W[:, u].reshape(shape), np.nan)
        pruned[r0 : r0 + h, c0 : c0 + w] = np.where(keep, np.nan, 1.0)
        where[r0 : r0 + h, c0 : c0 + w] = np.stack(
            [np.full(shape, u), pixel_rows, pixel_cols], axis=-1
        )
    return weights, pruned, origins, where


def receptive_fields(
    W: np.ndarray,
    mask: np.ndarray,
    units: Sequence[int],
    removed: np.ndarray,
    shape: tuple[int, int],
    t: Translate,
    limit: float,
    cols: int = 8,
) -> go.Figure:
    """First-layer units' incoming weights as small images in one heatmap: pruned pixels
    grey, units removed as a whole grey with a cross, one shared colour scale."""
    weights, pruned, origins, where = field_grid(W, mask, units, removed, shape, cols)
    h, w = shape
    fig = go.Figure()
    fig.add_heatmap(
        z=pruned,
        colorscale=[[0, PRUNED], [1, PRUNED]],
        showscale=False,
        hoverinfo="skip",
        hoverongaps=False,
    )
    fig.add_heatmap(
        z=weights,
        **_weight_colours(limit, t),
        customdata=where,
        hovertemplate=t("inspect.field_hover") + "<extra></extra>",
        hoverongaps=False,
    )
    for u, (r0, c0) in zip(units, origins, strict=True):
        fig.add_annotation(
            x=c0 + (w - 1) / 2,
            y=r0 - 0.6,
            text=t("inspect.unit_removed" if removed[u] else "inspect.unit", unit=u),
            showarrow=False,
            yanchor="bottom",
            font={"size": 11, "color": VERMILION if removed[u] else "#444444"},
        )
        if removed[u]:
            fig.add_annotation(
                x=c0 + (w - 1) / 2,
                y=r0 + (h - 1) / 2,
                text="✕",
                showarrow=False,
                font={"size": 26, "color": "white"},
            )
    _pruned_legend(fig, t)
    fig.update_xaxes(visible=False, range=[-0.5, weights.shape[1] - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    rows = weights.shape[0] / (h + 3)
    fig = _layout(
        fig,
        height=int(120 + 108 * rows),
        title=t("inspect.fields_title"),
        plot_bgcolor="white",
        showlegend=True,
    )
    return fig.update_layout(legend_y=1.0)  # the fields are squares: no room to spare above


def confusion(
    matrix: np.ndarray, class_names: Sequence[str], title: str, top: int, t: Translate
) -> go.Figure:
    """One network's confusion matrix (rows: truth), coloured up to ``top`` examples so
    that two matrices drawn side by side share one scale. The page puts the dense and the
    pruned one in two columns, which stack on a phone, where the cells stay readable."""
    names = list(class_names)
    fig = go.Figure(
        go.Heatmap(
            z=matrix.tolist(),
            x=names,
            y=names,
            coloraxis="coloraxis",
            texttemplate="%{z}",
            hovertemplate=t("inspect.confusion_hover") + "<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=t("inspect.predicted"), type="category", side="bottom")
    fig.update_yaxes(title_text=t("inspect.truth"), type="category", autorange="reversed")
    fig.update_layout(
        coloraxis={
            "colorscale": "Blues",
            "cmin": 0,
            "cmax": max(1, int(top)),
            "colorbar": {"title": {"text": t("inspect.examples")}, "thickness": 14},
        }
    )
    size = len(names)
    return _layout(fig, height=int(min(520, max(320, 180 + 30 * size))), title=title)


def class_drop(
    before: np.ndarray, after: np.ndarray, class_names: Sequence[str], t: Translate
) -> go.Figure:
    """Per-class accuracy before minus after, in percentage points (positive = worse)."""
    drop = (np.asarray(before) - np.asarray(after)) * 100
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=drop.tolist(),
            marker_color=[VERMILION if d > 0 else BLUE for d in drop],
            text=[f"{d:+.0f}" for d in drop],
            textposition="outside",
            cliponaxis=False,
            customdata=np.column_stack([before, after]).tolist(),
            hovertemplate=t("inspect.drop_hover") + "<extra></extra>",
        )
    )
    fig.add_hline(y=0, line_color=BLACK, line_width=1)
    top = float(max(5.0, drop.max() * 1.2))
    low = min(0.0, float(drop.min()))
    low -= 0.12 * (top - low) + 2  # room for the labels under negative bars
    fig.update_xaxes(title_text=t("inspect.class"), type="category")
    fig.update_yaxes(title_text=t("inspect.drop_axis"), range=[low, top])
    return _layout(fig, title=t("inspect.drop_title"))
