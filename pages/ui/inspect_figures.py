"""Figures for the Inspect and Cost pages: pure functions from engine output to Plotly.

Nothing here prunes or measures: the pages call the engine and hand the numbers in, with a
translator ``t`` for every visible word. Weights use a diverging, colour-blind-safe scale
(RdBu reversed: red positive, blue negative, white near zero) and pruned weights are NaN,
so Plotly leaves their cells empty and the grey plot background shows through.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import BLACK, BLUE, GREEN, GREY, ORANGE, VERMILION, Translate, _layout

PRUNED = "#8C8C8C"  # the background pruned (NaN) cells show; not a colour of RdBu
WEIGHT_SCALE = "RdBu"  # reversed below: red = positive, blue = negative
MAX_SIDE = 200  # a weight heatmap shows at most this many rows and columns
FORMAT_COLOURS = {
    "unpruned": "#666666",
    "dense": GREY,
    "csr": BLUE,
    "gzip": ORANGE,
    "compacted": GREEN,
}
TIMED = ("dense", "csr", "compacted")  # the formats pruning.latency times
CONFIG = {"displayModeBar": False}
LOG_TICKS = tuple(m * 10.0**e for e in range(-4, 4) for m in (1, 2, 5))
LEGEND_RIGHT = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"}


# --- small helpers that reshape engine output --------------------------------------------


def human_bytes(n: float) -> str:
    """``30040`` → ``30.0 kB`` (decimal units, as file managers show them)."""
    if n < 1000:
        return f"{int(n)} B"
    if n < 1e6:
        return f"{n / 1e3:.1f} kB"
    return f"{n / 1e6:.2f} MB"


def ms(seconds: float) -> str:
    """Seconds as a short millisecond string."""
    value = seconds * 1e3
    return f"{value:.3f} ms" if value < 0.1 else f"{value:.2f} ms"


def times(ratio: float) -> str:
    """A speedup or compression ratio as ``3.2×`` (``∞`` when nothing is left)."""
    if not math.isfinite(ratio):
        return "∞"
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×"


def compare(ratio: float, margin: float = 0.15) -> str:
    """``faster``/``slower``/``same`` for a speedup ratio, ``same`` within ±``margin``."""
    if ratio >= 1 + margin:
        return "faster"
    if ratio <= 1 / (1 + margin):
        return "slower"
    return "same"


def median_times(timings: Sequence) -> dict[str, float]:
    """Median seconds per format over several ``pruning.latency`` results, and the
    speedups they give over the dense format."""
    out = {f"{f}_s": float(np.median([getattr(x, f) for x in timings])) for f in TIMED}
    out["csr_speedup"] = out["dense_s"] / out["csr_s"]
    out["compacted_speedup"] = out["dense_s"] / out["compacted_s"]
    return out


def from_level(levels: Sequence[float], flags: Sequence[bool]) -> float | None:
    """The lowest level from which every higher level is flagged too (None if the last is
    not), so "from 80% on" stays true even when noisy timings flip back and forth."""
    start = None
    for level, flag in zip(levels, flags, strict=True):
        if flag and start is None:
            start = level
        elif not flag:
            start = None
    return start


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
    return fig.update_layout(legend=LEGEND_RIGHT)


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
    return fig.update_layout(legend=LEGEND_RIGHT)


def confusion_pair(
    before: np.ndarray, after: np.ndarray, class_names: Sequence[str], t: Translate
) -> go.Figure:
    """The dense and the pruned network's confusion matrices side by side (rows: truth)."""
    names = list(class_names)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[t("inspect.confusion_before"), t("inspect.confusion_after")],
        horizontal_spacing=0.1,
    )
    top = max(1, int(max(before.max(), after.max())))
    for col, matrix in ((1, before), (2, after)):
        fig.add_heatmap(
            z=matrix.tolist(),
            x=names,
            y=names,
            coloraxis="coloraxis",
            texttemplate="%{z}",
            hovertemplate=t("inspect.confusion_hover") + "<extra></extra>",
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text=t("inspect.predicted"), type="category", side="bottom")
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_yaxes(title_text=t("inspect.truth"), col=1)
    fig.update_layout(
        coloraxis={
            "colorscale": "Blues",
            "cmin": 0,
            "cmax": top,
            "colorbar": {"title": {"text": t("inspect.examples")}, "thickness": 14},
        }
    )
    fig.update_annotations(yshift=4)
    size = len(names)
    return _layout(fig, height=int(min(560, max(320, 160 + 32 * size))), title=None)


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


# --- Cost ----------------------------------------------------------------------------------


def storage_bars(sizes: dict[str, int], labels: dict[str, str], t: Translate) -> go.Figure:
    """Bytes in each storage format (the unpruned network first), labelled with the size
    and the share of the dense file."""
    keys = list(sizes)
    dense = sizes["dense"] or 1
    fig = go.Figure(
        go.Bar(
            x=[labels[k] for k in keys],
            y=[int(sizes[k]) for k in keys],
            marker_color=[FORMAT_COLOURS[k] for k in keys],
            text=[f"{human_bytes(sizes[k])}<br>{sizes[k] / dense:.0%}" for k in keys],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,} B<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=t("cost.bytes"), range=[0, 1.3 * max(max(sizes.values()), 1)])
    return _layout(fig, title=t("cost.storage_title"))


def latency_bars(
    seconds: dict[str, float], flops_speedup: float, labels: dict[str, str], t: Translate
) -> go.Figure:
    """Measured time of one forward pass: the unpruned network, then the pruned one run
    densely, as CSR and compacted; a last, outlined bar is what the FLOP count promises."""
    keys = list(seconds)
    promise = seconds["unpruned"] / flops_speedup if flops_speedup > 0 else 0.0
    values = [seconds[k] * 1e3 for k in keys] + [promise * 1e3]
    fig = go.Figure(
        go.Bar(
            x=[labels[k] for k in keys] + [t("cost.promise_bar")],
            y=values,
            marker={
                "color": [FORMAT_COLOURS[k] for k in keys] + ["white"],
                "line": {"color": [FORMAT_COLOURS[k] for k in keys] + [BLACK], "width": 1.5},
            },
            text=[ms(v / 1e3) for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.3f} ms<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=t("cost.ms_axis"), range=[0, 1.25 * max(max(values), 1e-6)])
    return _layout(fig, title=t("cost.latency_title"))


def _log_axis(low: float, high: float, unit: str) -> dict:
    """Range and readable ticks (1, 2, 5, 10, ...) for a log axis spanning [low, high]."""
    low, high = max(low, 1e-9) / 1.5, max(high, low) * 1.5
    ticks = [v for v in LOG_TICKS if low <= v <= high]
    return {
        "range": [math.log10(low), math.log10(high)],
        "tickvals": ticks,
        "ticktext": [f"{v:g}{unit}" for v in ticks],
    }


def _level_labels(levels: Sequence[float]) -> list[str]:
    return [f"{round(100 * s)}%" for s in levels]


def cost_sweep(
    frame: pd.DataFrame,
    strategies: Sequence[str],
    labels: dict[str, str],
    axis_titles: dict[str, str],
    format_labels: dict[str, str],
    t: Translate,
) -> go.Figure:
    """Bytes (top) and measured milliseconds (bottom) against sparsity, one column per
    strategy; sparsity levels are evenly spaced categories so 90-99% stay readable."""
    fig = make_subplots(
        rows=2,
        cols=len(strategies),
        shared_yaxes="rows",
        shared_xaxes=True,
        subplot_titles=[labels[s] for s in strategies],
        vertical_spacing=0.1,
        horizontal_spacing=0.05,
    )
    for col, key in enumerate(strategies, start=1):
        part = frame[frame["strategy"] == key].sort_values("level")
        x = _level_labels(part["level"])
        for row, fmts, column, unit in (
            (1, ("dense", "csr", "gzip", "compacted"), "{}_bytes", 1.0),
            (2, ("dense", "csr", "compacted"), "{}_s", 1e3),
        ):
            for fmt in fmts:
                fig.add_scatter(
                    x=x,
                    y=(part[column.format(fmt)] * unit).tolist(),
                    mode="lines+markers",
                    name=format_labels[fmt],
                    line={"color": FORMAT_COLOURS[fmt], "dash": "dot" if fmt == "dense" else None},
                    marker={"size": 7},
                    legendgroup=fmt,
                    showlegend=col == 1 and row == 1,
                    hovertemplate=("%{x}: %{y:,.0f} B" if row == 1 else "%{x}: %{y:.3f} ms")
                    + f" ({format_labels[fmt]})<extra></extra>",
                    row=row,
                    col=col,
                )
        fig.update_xaxes(title_text=axis_titles[key], type="category", row=2, col=col)
    fig.update_yaxes(title_text=t("cost.bytes"), rangemode="tozero", row=1, col=1)
    seconds = frame[[f"{f}_s" for f in TIMED]].to_numpy() * 1e3
    fig.update_yaxes(type="log", row=2, **_log_axis(seconds.min(), seconds.max(), " ms"))
    fig.update_yaxes(title_text=t("cost.ms_axis_log"), row=2, col=1)
    fig.update_annotations(font_size=13, yshift=2)
    return _layout(
        fig,
        height=620,
        title=t("cost.sweep_title"),
        margin={"l": 10, "r": 10, "t": 100, "b": 10},
    )


def speedup_sweep(
    frame: pd.DataFrame,
    strategies: Sequence[str],
    labels: dict[str, str],
    axis_titles: dict[str, str],
    t: Translate,
) -> go.Figure:
    """Theoretical FLOPs speedup against the measured CSR and compacted speedups (log y)."""
    fig = make_subplots(
        rows=1,
        cols=len(strategies),
        shared_yaxes=True,
        subplot_titles=[labels[s] for s in strategies],
        horizontal_spacing=0.05,
    )
    series = (
        ("flops_speedup", t("cost.theory"), BLACK, "dash"),
        ("csr_speedup", t("cost.measured_csr"), BLUE, None),
        ("compacted_speedup", t("cost.measured_compacted"), GREEN, None),
    )
    top, bottom = 1.0, 1.0
    for col, key in enumerate(strategies, start=1):
        part = frame[frame["strategy"] == key].sort_values("level")
        x = _level_labels(part["level"])
        for column, name, colour, dash in series:
            y = [v if math.isfinite(v) else None for v in part[column]]
            top = max([top, *(v for v in y if v is not None)])
            bottom = min([bottom, *(v for v in y if v is not None and v > 0)])
            fig.add_scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": dash},
                marker={"size": 7},
                legendgroup=column,
                showlegend=col == 1,
                hovertemplate="%{x}: %{y:.2f}×" + f" ({name})<extra></extra>",
                row=1,
                col=col,
            )
        fig.add_hline(y=1, line_color=GREY, line_width=1, row=1, col=col)
        fig.update_xaxes(title_text=axis_titles[key], type="category", row=1, col=col)
    fig.update_yaxes(type="log", **_log_axis(bottom, top, "×"))
    fig.update_yaxes(title_text=t("cost.speedup_axis"), col=1)
    fig.update_annotations(font_size=13, yshift=2)
    fig = _layout(
        fig, height=430, title=t("cost.speedup_title"), margin={"l": 10, "r": 10, "t": 125, "b": 10}
    )
    return fig.update_layout(legend_y=1.12)


def sharing_curve(rows: pd.DataFrame, float_accuracy: float, t: Translate) -> go.Figure:
    """Accuracy against bits per stored weight for k shared values, float32 for reference."""
    fig = go.Figure()
    fig.add_scatter(
        x=rows["bits_per_weight"].tolist(),
        y=rows["accuracy"].tolist(),
        mode="lines+markers+text",
        text=[f"k={k}" for k in rows["k"]],
        textposition="bottom right",
        name=t("cost.shared"),
        line={"color": BLUE},
        marker={"size": 9},
        customdata=np.column_stack([rows["k"], rows["compression"]]).tolist(),
        hovertemplate=t("cost.sharing_hover") + "<extra></extra>",
    )
    fig.add_scatter(
        x=[32],
        y=[float_accuracy],
        mode="markers+text",
        text=["float32"],
        textposition="bottom left",
        name=t("cost.float32"),
        marker={"size": 13, "color": VERMILION, "symbol": "diamond"},
        hovertemplate="float32: %{y:.1%}<extra></extra>",
    )
    fig.add_hline(y=float_accuracy, line_dash="dot", line_color=VERMILION, line_width=1)
    fig.update_xaxes(
        title_text=t("cost.bits_axis"),
        type="log",
        tickvals=[1, 2, 3, 4, 5, 8, 16, 32],
        range=[math.log10(0.8), math.log10(45)],
    )
    fig.update_yaxes(title_text=t("fig.accuracy"), range=[0, 1.05], tickformat=".0%")
    return _layout(fig, height=340, title=t("cost.sharing_title"))
