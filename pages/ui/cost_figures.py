"""Figures for the Cost page: pure functions from measured sizes and timings to Plotly.

Nothing here prunes or measures: the page hands in the tables ``pruning.measure`` and
``pruning.sharing_table`` produced, with a translator ``t`` for every visible word. Each
storage format keeps one colour in every chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pruning.cost import FORMATS, TIMED

from .cost_text import human_bytes, ms
from .figures import BLACK, BLUE, GREEN, GREY, ORANGE, VERMILION, Translate, _layout

FORMAT_COLOURS = {
    "unpruned": "#666666",
    "dense": GREY,
    "csr": BLUE,
    "gzip": ORANGE,
    "compacted": GREEN,
}
CONFIG = {"displayModeBar": False}
LOG_TICKS = tuple(m * 10.0**e for e in range(-4, 4) for m in (1, 2, 5))


def storage_bars(sizes: dict[str, int], labels: dict[str, str], t: Translate) -> go.Figure:
    """Bytes in each storage format (the unpruned network first), labelled with the size
    and the share of the dense file."""
    keys = list(sizes)
    dense = sizes["dense"] or 1
    fig = go.Figure(
        go.Bar(
            y=[labels[k] for k in keys],
            x=[int(sizes[k]) for k in keys],
            orientation="h",  # format names on the left: they never collide, on any screen
            marker_color=[FORMAT_COLOURS[k] for k in keys],
            text=[f"{human_bytes(sizes[k])} ({sizes[k] / dense:.0%})" for k in keys],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,} B<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=t("cost.bytes"), range=[0, 1.6 * max(max(sizes.values()), 1)])
    fig.update_yaxes(autorange="reversed")  # the unpruned network on top
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
            y=[labels[k] for k in keys] + [t("cost.promise_bar")],
            x=values,
            orientation="h",  # format names on the left: they never collide, on any screen
            marker={
                "color": [FORMAT_COLOURS[k] for k in keys] + ["white"],
                "line": {"color": [FORMAT_COLOURS[k] for k in keys] + [BLACK], "width": 1.5},
            },
            text=[ms(v / 1e3) for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.3f} ms<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=t("cost.ms_axis"), range=[0, 1.4 * max(max(values), 1e-6)])
    fig.update_yaxes(autorange="reversed")  # the unpruned network on top
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


def _two_lines(title: str) -> str:
    """A long axis title broken at its middle space: two columns of panels stay apart on a
    phone. Text without spaces (Chinese) is short enough as it is."""
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    if len(title) < 16 or not spaces:
        return title
    middle = min(spaces, key=lambda i: abs(i - len(title) / 2))
    return f"{title[:middle]}<br>{title[middle + 1 :]}"


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
            (1, FORMATS, "{}_bytes", 1.0),
            (2, TIMED, "{}_s", 1e3),
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
        fig.update_xaxes(title_text=_two_lines(axis_titles[key]), type="category", row=2, col=col)
    fig.update_yaxes(title_text=t("cost.bytes"), rangemode="tozero", row=1, col=1)
    seconds = frame[[f"{f}_s" for f in TIMED]].to_numpy() * 1e3
    fig.update_yaxes(type="log", row=2, **_log_axis(seconds.min(), seconds.max(), " ms"))
    fig.update_yaxes(title_text=t("cost.ms_axis_log"), row=2, col=1)
    fig.update_annotations(font_size=13, yshift=2)
    fig = _layout(
        fig,
        height=620,
        title=t("cost.sweep_title"),
        margin={"l": 10, "r": 10, "t": 100, "b": 10},
    )
    # the formats' legend under the plots: on a phone it wraps downwards, not into the title
    return fig.update_layout(legend={"y": -0.2, "yanchor": "top"})


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
        fig.update_xaxes(title_text=_two_lines(axis_titles[key]), type="category", row=1, col=col)
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
        # below and above in turn: neighbours one bit apart stay apart on a phone too
        textposition=["bottom right" if i % 2 == 0 else "top left" for i in range(len(rows))],
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
