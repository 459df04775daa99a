"""Reading results: small pure functions from the engine's tables to the numbers a page quotes.

Each takes a tidy table (``sweep``, ``sensitivity``, ``cost.measure``, ``sharing_table``)
or a few arrays and returns a smaller table or a number, so the dashboard's charts and
sentences, the CLI and a notebook all read the results the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .cost import Latency


def mean_by_level(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean accuracy (over seeds) for each group and sparsity level, with its compression
    and test accuracy when the table has them; groups keep the table's order."""
    agg = {"accuracy": "mean"}
    for column in ("compression", "test_accuracy"):
        if column in frame:
            agg[column] = "mean"
    return frame.groupby([by, "sparsity"], sort=False).agg(agg).reset_index()


def sparsest_within(
    frame: pd.DataFrame, dense: float, tolerance: float, by: str = "strategy"
) -> pd.DataFrame:
    """For each group, the sparsest level whose mean accuracy is within ``tolerance``
    percentage points of ``dense``.

    Returns one row per group, in the frame's order, with columns ``by``, ``sparsity``,
    ``accuracy``, ``compression`` and ``test_accuracy`` (``NaN`` when no level qualifies,
    or the table lacks the column). Accuracy is averaged over seeds first, so a lucky seed
    cannot set the record. The choice is made on ``accuracy`` (a sweep's validation
    accuracy) alone; ``test_accuracy`` only reports how the chosen level does.
    """
    floor = dense - tolerance / 100 - 1e-9
    means = mean_by_level(frame, by)
    columns = ["sparsity", "accuracy", "compression", "test_accuracy"]
    rows = []
    for key in dict.fromkeys(frame[by]):
        ok = means[(means[by] == key) & (means["accuracy"] >= floor)]
        best = ok.loc[ok["sparsity"].idxmax()] if not ok.empty else {}
        rows.append({by: key} | {c: float(best.get(c, np.nan)) for c in columns})
    return pd.DataFrame(rows, columns=[by, *columns])


def accuracy_at(frame: pd.DataFrame, sparsity: float, by: str = "strategy") -> pd.DataFrame:
    """Mean accuracy of each group at the level nearest ``sparsity``: one comparable
    number per group, for a sentence under a chart."""
    means = mean_by_level(frame, by)
    levels = means["sparsity"].unique()
    level = float(levels[np.argmin(np.abs(levels - sparsity))])
    out = means[np.isclose(means["sparsity"], level)]
    return out[[by, "sparsity", "accuracy"]].reset_index(drop=True)


def layer_ranking(frame: pd.DataFrame, dense: float, tolerance: float) -> pd.DataFrame:
    """Layers from most to least sensitive, from a ``pruning.sensitivity`` table.

    ``sparsity`` is the sparsest level of that layer within ``tolerance`` points of
    ``dense`` (lower = more sensitive); ties go to the lower ``mean_accuracy`` over all
    levels. Columns: ``layer, sparsity, accuracy, compression, test_accuracy, mean_accuracy``.
    """
    best = sparsest_within(frame, dense, tolerance, by="layer")
    means = frame.groupby("layer", sort=False)["accuracy"].mean()
    best["mean_accuracy"] = best["layer"].map(means).astype(float)
    order = best.assign(_s=best["sparsity"].fillna(-1.0))
    order = order.sort_values(["_s", "mean_accuracy"], kind="stable")
    return order.drop(columns="_s").reset_index(drop=True)


def lottery_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean accuracy from a ``pruning.lottery`` table: one row per sparsity (ascending),
    one column per variant (``rewind``, ``reinit``, ``trained``), NaN where a variant has
    no run; the numbers its chart draws and its summary quotes."""
    return frame.groupby(["sparsity", "variant"])["accuracy"].mean().unstack()


class CurveLine(NamedTuple):
    """One strategy's accuracy along an axis: the mean over seeds and its std."""

    key: str
    x: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def curve_lines(frame: pd.DataFrame, x: str = "sparsity") -> tuple[CurveLine, ...]:
    """The lines of a sweep table (``pruning.sweep``), one per strategy in table order,
    with ``x`` in the table's units. A page that redraws a curve on every slider step
    groups the table once and keeps the lines."""
    lines = []
    for key in dict.fromkeys(frame["strategy"]):
        rows = frame[frame["strategy"] == key]
        stats = rows.groupby(x)["accuracy"].agg(["mean", "std"]).fillna(0.0).sort_index()
        xs, mean, std = stats.index.to_numpy(), stats["mean"].to_numpy(), stats["std"].to_numpy()
        lines.append(CurveLine(key, xs, mean, std))
    return tuple(lines)


def median_times(timings: Sequence[Latency]) -> dict[str, float]:
    """Median seconds per format over several ``pruning.latency`` results (``dense_s``,
    ``csr_s``, ...), and each format's speedup over dense (``csr_speedup``, ...): the
    median shrugs off the odd run slowed by other work on the machine."""
    names = [f.name for f in dataclasses.fields(timings[0])]
    out = {f"{n}_s": float(np.median([getattr(x, n) for x in timings])) for n in names}
    out |= {f"{n}_speedup": out["dense_s"] / out[f"{n}_s"] for n in names if n != "dense"}
    return out


def compare(ratio: float, margin: float = 0.15) -> str:
    """``faster``/``slower``/``same`` for a speedup ratio, ``same`` within ±``margin``:
    timings on a shared machine wobble, so small differences are not called a win."""
    if ratio >= 1 + margin:
        return "faster"
    if ratio <= 1 / (1 + margin):
        return "slower"
    return "same"


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


def fewest_bits_within(
    table: pd.DataFrame, accuracy: float, tolerance: float = 0.01
) -> tuple[pd.Series, bool]:
    """The first row of a ``sharing_table`` (fewest bits per weight) whose accuracy is
    within ``tolerance`` of ``accuracy``, and True; or its last row (most bits) and False
    when no row comes that close."""
    close = table[table["accuracy"] >= accuracy - tolerance]
    return (close.iloc[0], True) if len(close) else (table.iloc[-1], False)


def csr_break_even(frame: pd.DataFrame) -> pd.DataFrame:
    """For each strategy of a ``cost.measure`` table, the level from which CSR stays
    smaller than dense (``smaller_from``) and from which it stays clearly faster
    (``faster_from``, by ``compare``); NaN when it never does up to the last level."""
    rows = []
    for key in dict.fromkeys(frame["strategy"]):
        part = frame[frame["strategy"] == key].sort_values("level", kind="stable")
        faster = [compare(x) == "faster" for x in part["csr_speedup"]]
        rows.append(
            {
                "strategy": key,
                "smaller_from": from_level(part["level"], part["csr_bytes"] < part["dense_bytes"]),
                "faster_from": from_level(part["level"], faster),
            }
        )
    return pd.DataFrame(rows, columns=["strategy", "smaller_from", "faster_from"]).astype(
        {"smaller_from": float, "faster_from": float}
    )
